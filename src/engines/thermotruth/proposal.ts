/**
 * A proposal: one identity's signed observation for one epoch.
 *
 *   wire  [epoch, proposer | key, vector, clockDeltas, txDigest, nonce, signature]
 *
 * `proposer` is a validator index; a minted (non-validator) identity sends its 32-byte Ed25519
 * public key in that position instead (the Sybil model: an identity costs only its PoW).
 * `vector` is D big-endian doubles (vector.ts). The vector clock has one entry per validator:
 * vclock[j] = the last epoch in which validator j's proposal entered a finalized batch, as the
 * proposer knows it, and vclock[proposer] = this epoch (its own event). On the wire each entry is
 * the delta epoch - vclock[j] (small numbers, one CBOR byte each), so entries can never exceed
 * the epoch. `txDigest` is the Merkle root (ledger merkleRoot) of the ids of the client
 * transfers the proposal carries to the leader; the bodies travel beside it, once.
 *
 * PoW preimage  taggedHash('thermo/tt/pow', chainId, encode([epoch, id, vector, deltas, txDigest]))
 * Signed bytes  taggedHash('thermo/tt/proposal', chainId, encode([epoch, id, vector, deltas, txDigest, nonce]))
 *
 * Validation (`validateProposal`) checks, cheapest first: known proposer, epoch, size,
 * dimension, NaN, infinities, magnitude, vector clock, PoW, signature. Each failure is a
 * TtError with its own code; the engine flags the proposer with it.
 */
import { compareBytes, decode, encode, readArray, readBytes, readUint, sign, taggedHash, toHex, utf8 } from '../../core/index.js';
import type { CborValue, KeyPair } from '../../core/index.js';
import { rejectProposal, TtError } from './errors.js';
import { MAX_DIMENSION, MAX_VALIDATORS } from './params.js';
import { checkPow } from './pow.js';
import { cachedVerify } from './verdicts.js';
import { vectorFromBytes } from './vector.js';

export const KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
/** Largest vector a decoder accepts at all; validation refuses more than MAX_DIMENSION components. */
export const MAX_VECTOR_BYTES = 8 * MAX_DIMENSION * 4;

export interface Proposal {
  readonly epoch: number;
  /** Validator index, or -1 for a minted identity (named by `key`). */
  readonly proposer: number;
  /** A minted identity's public key; empty for a validator. */
  readonly key: Uint8Array;
  readonly vector: Uint8Array;
  readonly vclock: readonly number[];
  readonly txDigest: Uint8Array;
  readonly nonce: number;
  readonly signature: Uint8Array;
}

export type UnsignedProposal = Omit<Proposal, 'nonce' | 'signature'>;

function idField(p: UnsignedProposal): CborValue {
  return p.proposer >= 0 ? p.proposer : p.key;
}

function deltas(p: UnsignedProposal): number[] {
  return p.vclock.map((c) => p.epoch - c);
}

/** Identity as a string: `v<index>` for validators, `m<hex key>` for minted identities. */
export function identityOf(p: Pick<Proposal, 'proposer' | 'key'>): string {
  return p.proposer >= 0 ? `v${p.proposer}` : `m${toHex(p.key)}`;
}

/** Canonical order: validators by index, then minted identities by key bytes. */
export function compareIdentity(a: Pick<Proposal, 'proposer' | 'key'>, b: Pick<Proposal, 'proposer' | 'key'>): number {
  if (a.proposer >= 0 && b.proposer >= 0) return a.proposer - b.proposer;
  if (a.proposer >= 0) return -1;
  if (b.proposer >= 0) return 1;
  return compareBytes(a.key, b.key);
}

const digests = new WeakMap<UnsignedProposal, { readonly chainId: string; readonly digest: Uint8Array }>();

export function powDigest(chainId: string, p: UnsignedProposal): Uint8Array {
  const hit = digests.get(p);
  if (hit !== undefined && hit.chainId === chainId) return hit.digest;
  const digest = taggedHash('thermo/tt/pow', utf8(chainId), encode([p.epoch, idField(p), p.vector, deltas(p), p.txDigest]));
  if (Object.isFrozen(p)) digests.set(p, { chainId, digest });
  return digest;
}

export function proposalSigningBytes(chainId: string, p: UnsignedProposal, nonce: number): Uint8Array {
  return taggedHash('thermo/tt/proposal', utf8(chainId), encode([p.epoch, idField(p), p.vector, deltas(p), p.txDigest, nonce]));
}

export function signProposal(chainId: string, body: UnsignedProposal, nonce: number, keyPair: KeyPair): Proposal {
  const signature = sign(keyPair, proposalSigningBytes(chainId, body, nonce));
  return Object.freeze({ ...body, vclock: Object.freeze([...body.vclock]), nonce, signature });
}

export function proposalToCbor(p: Proposal): CborValue {
  return [p.epoch, idField(p), p.vector, deltas(p), p.txDigest, p.nonce, p.signature];
}

const encodings = new WeakMap<Proposal, Uint8Array>();

export function encodeProposal(p: Proposal): Uint8Array {
  let e = encodings.get(p);
  if (e === undefined) {
    e = encode(proposalToCbor(p));
    if (Object.isFrozen(p)) encodings.set(p, e);
  }
  return e;
}

const ids = new WeakMap<Proposal, Uint8Array>();

/** taggedHash of the proposal's encoding: what a batch's proposal digest is built from. */
export function proposalHash(p: Proposal): Uint8Array {
  let h = ids.get(p);
  if (h === undefined) {
    h = taggedHash('thermo/tt/proposal-id', encodeProposal(p));
    if (Object.isFrozen(p)) ids.set(p, h);
  }
  return h;
}

function malformed(reason: string): TtError {
  return new TtError({ code: 'TT_MALFORMED', reason });
}

export function proposalFromCbor(value: CborValue | undefined, what: string): Proposal {
  const items = readArray(value, what, 7);
  if (items.length !== 7) throw malformed(`${what}: expected 7 items`);
  const epoch = readUint(items[0], `${what}.epoch`);
  const id = items[1];
  let proposer = -1;
  let key: Uint8Array = new Uint8Array(0);
  if (typeof id === 'number') {
    proposer = readUint(id, `${what}.proposer`);
    if (proposer >= MAX_VALIDATORS) throw malformed(`${what}.proposer: ${proposer} beyond ${MAX_VALIDATORS}`);
  } else {
    key = Uint8Array.from(readBytes(id, `${what}.key`, KEY_BYTES));
  }
  const vector = Uint8Array.from(readBytes(items[2], `${what}.vector`));
  if (vector.length > MAX_VECTOR_BYTES) throw malformed(`${what}.vector: ${vector.length} bytes beyond ${MAX_VECTOR_BYTES}`);
  const vclock = readArray(items[3], `${what}.vclock`, MAX_VALIDATORS).map((d, j) => {
    const delta = readUint(d, `${what}.vclock[${j}]`);
    if (delta > epoch) throw malformed(`${what}.vclock[${j}]: delta beyond the epoch`);
    return epoch - delta;
  });
  return Object.freeze({
    epoch,
    proposer,
    key,
    vector,
    vclock: Object.freeze(vclock),
    txDigest: Uint8Array.from(readBytes(items[4], `${what}.txDigest`, 32)),
    nonce: readUint(items[5], `${what}.nonce`),
    signature: Uint8Array.from(readBytes(items[6], `${what}.signature`, SIGNATURE_BYTES)),
  });
}

export function decodeProposal(bytes: Uint8Array): Proposal {
  return proposalFromCbor(decode(bytes), 'proposal');
}

// ---- validation ------------------------------------------------------------------------------

export interface ProposalRules {
  readonly chainId: string;
  readonly epoch: number;
  readonly validators: readonly Uint8Array[];
  readonly dimension: number;
  readonly maxAbs: number;
  /** Leading zero bits the PoW must have at this epoch (0: no PoW). */
  readonly powBits: number;
  /** The proposer's vector clock in the last finalized batch that held one of its proposals. */
  readonly previousClock: (proposer: number) => readonly number[] | undefined;
}

interface Verdict {
  readonly chainId: string;
  readonly key: Uint8Array;
  readonly ok: boolean;
}

/**
 * Signature verdicts per proposal object. The simulator hands every recipient of a broadcast the
 * same frozen decoded object, and a verdict is a pure function of (object, key, chain id), so the
 * verification runs once per object while every node is still charged for it (`cost` effects).
 */
const verdicts = new WeakMap<Proposal, Verdict>();

function signatureOk(chainId: string, key: Uint8Array, p: Proposal): boolean {
  const v = verdicts.get(p);
  if (v !== undefined && v.chainId === chainId && v.key === key) return v.ok;
  const ok = cachedVerify(key, proposalSigningBytes(chainId, p, p.nonce), p.signature);
  if (Object.isFrozen(p)) verdicts.set(p, { chainId, key, ok });
  return ok;
}

/** The proposer's public key, or undefined for an unknown validator index or a bad key. */
export function proposerKey(p: Pick<Proposal, 'proposer' | 'key'>, validators: readonly Uint8Array[]): Uint8Array | undefined {
  if (p.proposer >= 0) return validators[p.proposer];
  return p.key.length === KEY_BYTES ? p.key : undefined;
}

/** PoW verdicts per proposal object and target (pure, so shared like the signature verdicts). */
const powVerdicts = new WeakMap<Proposal, { readonly chainId: string; readonly bits: number; readonly ok: boolean }>();

function powOk(chainId: string, p: Proposal, bits: number): boolean {
  const v = powVerdicts.get(p);
  if (v !== undefined && v.chainId === chainId && v.bits === bits) return v.ok;
  const ok = checkPow(powDigest(chainId, p), p.nonce, bits);
  if (Object.isFrozen(p)) powVerdicts.set(p, { chainId, bits, ok });
  return ok;
}

/** Validates `p` for `rules`; returns its vector as numbers or throws the TtError that says why not. */
export function validateProposal(p: Proposal, rules: ProposalRules): number[] {
  const who = identityOf(p);
  const key = proposerKey(p, rules.validators);
  if (key === undefined || (p.proposer >= 0 && !Number.isInteger(p.proposer))) throw rejectProposal('TT_UNKNOWN_PROPOSER', who, 'not a validator index or a 32-byte key');
  if (p.epoch !== rules.epoch) throw rejectProposal('TT_WRONG_EPOCH', who, `epoch ${p.epoch}, expected ${rules.epoch}`);
  if (p.vector.length > 8 * MAX_DIMENSION) throw rejectProposal('TT_OVERSIZED', who, `${p.vector.length} bytes, at most ${8 * MAX_DIMENSION}`);
  if (p.vector.length !== 8 * rules.dimension) {
    throw rejectProposal('TT_WRONG_DIMENSION', who, `${p.vector.length / 8} components, expected ${rules.dimension}`);
  }
  const vector = vectorFromBytes(p.vector);
  for (let k = 0; k < vector.length; k++) {
    const x = vector[k]!;
    if (Number.isNaN(x)) throw rejectProposal('TT_NAN', who, `component ${k} is NaN`);
    if (!Number.isFinite(x)) throw rejectProposal('TT_INFINITE', who, `component ${k} is ${x}`);
    if (Math.abs(x) > rules.maxAbs) throw rejectProposal('TT_OUT_OF_RANGE', who, `component ${k} beyond ${rules.maxAbs}`);
  }
  checkClock(p, rules, who);
  if (!powOk(rules.chainId, p, rules.powBits)) throw rejectProposal('TT_BAD_POW', who, `fewer than ${rules.powBits} leading zero bits`);
  if (!signatureOk(rules.chainId, key, p)) throw rejectProposal('TT_BAD_SIGNATURE', who, 'Ed25519 verification failed');
  return vector;
}

/**
 * Vector clock rules: one entry per validator, integers in [0, epoch - 1] except the proposer's
 * own entry, which is the epoch itself; and monotone: no entry below the proposer's clock in the
 * last finalized batch that held its proposal (every honest node knows the same finalized
 * history, so every honest node reaches the same verdict).
 */
function checkClock(p: Proposal, rules: ProposalRules, who: string): void {
  const n = rules.validators.length;
  if (p.vclock.length !== n) throw rejectProposal('TT_BAD_VCLOCK', who, `${p.vclock.length} entries, expected ${n}`);
  for (let j = 0; j < n; j++) {
    const c = p.vclock[j]!;
    const own = j === p.proposer;
    if (!Number.isSafeInteger(c) || c < 0 || (own ? c !== p.epoch : c >= p.epoch)) {
      throw rejectProposal('TT_BAD_VCLOCK', who, `entry ${j} = ${c} at epoch ${p.epoch}`);
    }
  }
  if (p.proposer < 0) return;
  const previous = rules.previousClock(p.proposer);
  if (previous === undefined) return;
  for (let j = 0; j < n; j++) {
    if (p.vclock[j]! < previous[j]!) throw rejectProposal('TT_BAD_VCLOCK', who, `entry ${j} went back from ${previous[j]} to ${p.vclock[j]}`);
  }
}
