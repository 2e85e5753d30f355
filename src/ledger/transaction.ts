/**
 * Signed transfers. Wire form (canonical CBOR, an array so it is compact):
 *   [chainId, from, to, amount, nonce, signature]
 * The signature covers taggedHash('thermo/tx', encode([chainId, from, to, amount, nonce])), and
 * the tx id is taggedHash('thermo/txid', signed encoding). Ed25519 as node:crypto implements it
 * rejects non-canonical S, so a valid signature cannot be re-shaped into a second id.
 *
 * Every transfer built here (`makeTransfer`, `signTransfer`, `decodeTransfer`) is frozen, holds
 * private copies of its byte fields (treat them as read-only) and carries its id as hex in
 * `tx.id`, so engines, mempools and logs key transactions without hashing again. The ledger
 * itself never trusts `tx.id` on an object it did not build (a `{ ...tx, amount }` spread keeps
 * a stale id): `transferId`/`transferIdHex` recompute for such objects.
 *
 * Derived values (the encoding, the id bytes, the signature verdict) travel with the transfers
 * built here, in private fields of `SealedTransfer`; other frozen objects get them cached in
 * WeakMaps. Successful verifications are also kept by id in a bounded set. That is how a
 * transaction's signature is verified once per node even when the mempool, the proposer and the
 * validators each hold their own decoded copy.
 */
import { concatBytes, toHex } from '../core/bytes.js';
import { bigToCbor, decode, encode, readArray, readBigUint, readBytes, readString, readUint } from '../core/codec.js';
import type { KeyPair } from '../core/crypto/ed25519.js';
import { sign, verify, SIGNATURE_BYTES } from '../core/crypto/ed25519.js';
import { assert } from '../core/assert.js';
import { ADDRESS_BYTES, MAX_NONCE, U64_MAX, isAddress } from './account.js';
import type { Address, Hash } from './account.js';
import { BoundedIdSet } from './bounded-set.js';
import { LedgerError, asLedgerDecode, malformed } from './errors.js';
import { MAX_CHAIN_ID_LENGTH, MAX_TX_BYTES, RECENT_VERIFIED_TX_MAX, VERIFIED_TX_CACHE_MAX } from './limits.js';
import { RecentByEncoding } from './recent-transfers.js';
import { TAGS, taggedHasher } from './tagged.js';

export interface UnsignedTransfer {
  readonly chainId: string;
  readonly from: Address;
  readonly to: Address;
  /** u64, > 0 to be valid (zero is representable so decoding stays total). */
  readonly amount: bigint;
  /** Must equal the sender's account nonce when applied (strictly sequential, from 0). */
  readonly nonce: number;
}

/** What a signed transfer is made of; `Transfer` adds the derived `id`. */
export interface SignedTransferFields extends UnsignedTransfer {
  readonly signature: Uint8Array;
}

export interface Transfer extends SignedTransferFields {
  /** Hex of taggedHash('thermo/txid', signed encoding); derived, set by the constructors here. */
  readonly id: string;
}

const hashPayload = taggedHasher(TAGS.txPayload);
const hashId = taggedHasher(TAGS.txId);

/*
 * Caches for frozen transfer-shaped objects this module did not build (a caller's own frozen
 * object). Transfers built here never enter them: with a WeakMap entry per object, decoding ran
 * 1.4-1.8x slower (bench/codec.bench.ts, "transfer-object"; ephemeron tables are also extra work
 * for every garbage collection), so a built transfer carries its derived values itself.
 */
const encodings = new WeakMap<SignedTransferFields, Uint8Array>();
const ids = new WeakMap<SignedTransferFields, Hash>();
const verdicts = new WeakMap<SignedTransferFields, boolean>();

/**
 * A transfer built by this module: frozen, its public fields private copies, its `id` known to
 * match its content. The canonical encoding and the id bytes are kept in private fields (not
 * properties: invisible to spreads, JSON, structural equality and `Object.keys`, and not lost
 * to `Object.freeze`); so is the signature verdict, set once it is known. A spread or a
 * structured clone of one is a plain object again, and is treated as any caller's object.
 */
class SealedTransfer implements Transfer {
  readonly chainId: string;
  readonly from: Address;
  readonly to: Address;
  readonly amount: bigint;
  readonly nonce: number;
  readonly signature: Uint8Array;
  readonly id: string;
  readonly #encoding: Uint8Array;
  readonly #idBytes: Hash;
  #verdict: boolean | undefined = undefined;

  constructor(fields: SignedTransferFields, encoding: Uint8Array, idBytes: Hash) {
    this.chainId = fields.chainId;
    this.from = fields.from;
    this.to = fields.to;
    this.amount = fields.amount;
    this.nonce = fields.nonce;
    this.signature = fields.signature;
    this.id = toHex(idBytes);
    this.#encoding = encoding;
    this.#idBytes = idBytes;
    Object.freeze(this);
  }

  static is(tx: SignedTransferFields): tx is SealedTransfer {
    return #encoding in tx;
  }

  static encoding(tx: SealedTransfer): Uint8Array {
    return tx.#encoding;
  }

  static idBytes(tx: SealedTransfer): Hash {
    return tx.#idBytes;
  }

  static verdict(tx: SealedTransfer): boolean | undefined {
    return tx.#verdict;
  }

  static setVerdict(tx: SealedTransfer, ok: boolean): void {
    tx.#verdict = ok;
  }
}

// Printable ASCII without space: one byte per character and nothing that renders ambiguously.
const CHAIN_ID = /^[\x21-\x7e]+$/;

export function isValidChainId(chainId: unknown): chainId is string {
  return typeof chainId === 'string' && chainId.length >= 1 && chainId.length <= MAX_CHAIN_ID_LENGTH && CHAIN_ID.test(chainId);
}

function checkFields(tx: UnsignedTransfer, what: string): void {
  if (!isValidChainId(tx.chainId)) throw malformed(`${what}.chainId`, `1..${MAX_CHAIN_ID_LENGTH} printable ASCII characters`);
  if (!isAddress(tx.from)) throw malformed(`${what}.from`, `expected ${ADDRESS_BYTES} bytes`);
  if (!isAddress(tx.to)) throw malformed(`${what}.to`, `expected ${ADDRESS_BYTES} bytes`);
  if (typeof tx.amount !== 'bigint' || tx.amount < 0n || tx.amount > U64_MAX) throw malformed(`${what}.amount`, 'not a u64');
  if (!Number.isSafeInteger(tx.nonce) || tx.nonce < 0 || tx.nonce > MAX_NONCE) throw malformed(`${what}.nonce`, `not an integer in [0, ${MAX_NONCE}]`);
}

/**
 * The one place a Transfer object is born: fields (already private copies) plus the id, hashed
 * from `signed` (the canonical signed encoding, computed here when the caller has none).
 */
function seal(fields: SignedTransferFields, signed?: Uint8Array): SealedTransfer {
  const bytes = signed ?? encodeSigned(fields);
  return new SealedTransfer(fields, bytes, hashId(bytes));
}

/**
 * Validates the shape of a transfer (not its signature) and returns a frozen private copy with
 * its `id` derived. An `id` in the input is ignored: it is always recomputed from the content.
 */
export function makeTransfer(fields: SignedTransferFields): Transfer {
  checkFields(fields, 'transfer');
  if (!(fields.signature instanceof Uint8Array) || fields.signature.length !== SIGNATURE_BYTES) {
    throw malformed('transfer.signature', `expected ${SIGNATURE_BYTES} bytes`);
  }
  return seal({
    chainId: fields.chainId,
    from: Uint8Array.from(fields.from),
    to: Uint8Array.from(fields.to),
    amount: fields.amount,
    nonce: fields.nonce,
    signature: Uint8Array.from(fields.signature),
  });
}

function unsignedCbor(tx: UnsignedTransfer): Uint8Array {
  return encode([tx.chainId, tx.from, tx.to, bigToCbor(tx.amount), tx.nonce]);
}

/** The 32-byte message the sender signs. */
export function signingPayload(tx: UnsignedTransfer): Hash {
  checkFields(tx, 'transfer');
  return hashPayload(unsignedCbor(tx));
}

/** Signs a transfer from `keyPair.publicKey`. */
export function signTransfer(keyPair: KeyPair, fields: Omit<UnsignedTransfer, 'from'>): Transfer {
  const unsigned: UnsignedTransfer = { ...fields, from: keyPair.publicKey };
  const signature = sign(keyPair, signingPayload(unsigned));
  const tx = seal({
    chainId: unsigned.chainId,
    from: Uint8Array.from(unsigned.from),
    to: Uint8Array.from(unsigned.to),
    amount: unsigned.amount,
    nonce: unsigned.nonce,
    signature,
  });
  SealedTransfer.setVerdict(tx, true); // we just produced it with the matching key
  return tx;
}

function encodeSigned(tx: SignedTransferFields): Uint8Array {
  return encode([tx.chainId, tx.from, tx.to, bigToCbor(tx.amount), tx.nonce, tx.signature]);
}

/** Canonical signed encoding (cached for frozen transfers). */
export function encodeTransfer(tx: SignedTransferFields): Uint8Array {
  if (SealedTransfer.is(tx)) return SealedTransfer.encoding(tx);
  const hit = encodings.get(tx);
  if (hit !== undefined) return hit;
  const bytes = encodeSigned(tx);
  if (Object.isFrozen(tx)) encodings.set(tx, bytes);
  return bytes;
}

/** Size of the signed encoding: what the mempool and block limits count. */
export function transferSize(tx: SignedTransferFields): number {
  return encodeTransfer(tx).length;
}

/**
 * Decodes one signed transfer. The size cap is checked before parsing; the shape is checked
 * field by field. A zero amount or a self-transfer decodes (they are representable) and is
 * rejected later with its own code.
 */
export function decodeTransfer(bytes: Uint8Array, maxBytes: number = MAX_TX_BYTES): Transfer {
  if (bytes.length > maxBytes) throw new LedgerError({ code: 'LEDGER_TOO_LARGE', what: 'transfer', size: bytes.length, max: maxBytes });
  // The same bytes as a transfer that verified recently: the object already built for them.
  const known = recentVerified.get(bytes);
  if (known !== undefined) return known;
  return asLedgerDecode('transfer', () => {
    const items = readArray(decode(bytes, maxBytes), 'transfer', 6);
    if (items.length !== 6) throw malformed('transfer', `expected 6 fields, got ${items.length}`);
    // Uint8Array.from: cborg may hand back Buffers, whose slice() aliases; keep plain private copies.
    const fields: SignedTransferFields = {
      chainId: readString(items[0], 'transfer.chainId', MAX_CHAIN_ID_LENGTH),
      from: Uint8Array.from(readBytes(items[1], 'transfer.from', ADDRESS_BYTES)),
      to: Uint8Array.from(readBytes(items[2], 'transfer.to', ADDRESS_BYTES)),
      amount: readBigUint(items[3], 'transfer.amount'),
      nonce: readUint(items[4], 'transfer.nonce'),
      signature: Uint8Array.from(readBytes(items[5], 'transfer.signature', SIGNATURE_BYTES)),
    };
    checkFields(fields, 'transfer');
    // decode() proved `bytes` is the canonical encoding of these fields: hash it, do not re-encode.
    return seal(fields, Uint8Array.from(bytes));
  });
}

/** True for transfers built by this module (frozen private copies whose `id` is known right). */
export function isBuiltTransfer(tx: SignedTransferFields): tx is Transfer {
  return SealedTransfer.is(tx);
}

/**
 * `tx` itself when this module built it, else a validated private copy (`makeTransfer`). Code
 * that keeps transfers or trusts `tx.id` (blocks, the mempool, apply) takes them through here,
 * so a caller's own object, possibly mutable or carrying a stale id, never gets in as is.
 */
export function asTransfer(tx: SignedTransferFields): Transfer {
  return SealedTransfer.is(tx) ? tx : makeTransfer(tx);
}

/** taggedHash('thermo/txid', signed encoding), cached. Treat the returned bytes as read-only. */
export function transferId(tx: SignedTransferFields): Hash {
  if (SealedTransfer.is(tx)) return SealedTransfer.idBytes(tx);
  const hit = ids.get(tx);
  if (hit !== undefined) return hit;
  const id = hashId(encodeTransfer(tx));
  if (Object.isFrozen(tx)) ids.set(tx, id);
  return id;
}

/** The id as hex: `tx.id` for transfers built here, recomputed for any other object. */
export function transferIdHex(tx: SignedTransferFields): string {
  if (SealedTransfer.is(tx)) return tx.id;
  return toHex(transferId(tx));
}

/*
 * Ids of transfers whose signature verified, across objects. A node sees each transfer as
 * several objects (decoded from a client, then again inside each copy of a block that includes
 * it); the per-object verdict cache cannot link them, this can. An id is the hash of the whole
 * signed encoding, signature included, so "this id verified" is true of every object with that
 * content. Only successes are kept (a forged transfer costs its sender a verify every time, as
 * it should), in insertion order, the oldest forgotten first once VERIFIED_TX_CACHE_MAX is
 * reached. Transfers made by signTransfer are not entered: a node verifies what it receives.
 */
const verifiedIds = new BoundedIdSet(VERIFIED_TX_CACHE_MAX);

/*
 * Transfer objects whose signature verified, by their encoding (recent-transfers.ts): decoding
 * those bytes again returns the same object. Failures never enter, nor does signTransfer's
 * output; the object is immutable, so sharing it changes nothing but the allocation.
 */
const recentVerified = new RecentByEncoding<SealedTransfer>(RECENT_VERIFIED_TX_MAX, (tx) => SealedTransfer.encoding(tx));

/**
 * Forgets every cached signature verdict that is shared across objects, and the verified
 * objects held by encoding. Benchmarks call it so that a timed run really decodes and verifies;
 * nothing else needs it (per-object verdicts stay, they go with their objects).
 */
export function clearVerifiedTransferCache(): void {
  verifiedIds.clear();
  recentVerified.clear();
}

/**
 * True when the signature is valid for `from`. Checked once per object (WeakMap) and once per
 * transfer id (bounded set, above). The signed payload is cut out of the signed encoding instead
 * of encoding again: canonical CBOR of a 6-array is 0x86 || items, and the 5-array of the
 * unsigned fields is 0x85 || the same first five items.
 */
export function verifyTransferSignature(tx: SignedTransferFields): boolean {
  const sealed = SealedTransfer.is(tx);
  const hit = sealed ? SealedTransfer.verdict(tx) : verdicts.get(tx);
  if (hit !== undefined) return hit;
  const ok = checkSignature(tx, sealed);
  if (sealed) {
    SealedTransfer.setVerdict(tx, ok);
    if (ok) recentVerified.add(tx);
  } else if (Object.isFrozen(tx)) verdicts.set(tx, ok);
  return ok;
}

/** The verdict by transfer id (successes only), else one Ed25519 verification. */
function checkSignature(tx: SignedTransferFields, sealed: boolean): boolean {
  const signed = encodeTransfer(tx);
  // `tx.id` only where this module derived it; any other object gets its id from its content.
  const id = sealed ? (tx as Transfer).id : toHex(hashId(signed));
  if (verifiedIds.has(id)) return true;
  const sigAt = signed.length - (2 + SIGNATURE_BYTES);
  assert(signed[0] === 0x86 && signed[sigAt] === 0x58 && signed[sigAt + 1] === SIGNATURE_BYTES, 'transfer encoding layout');
  const unsigned = concatBytes(Uint8Array.of(0x85), signed.subarray(1, sigAt));
  const ok = verify(tx.from, hashPayload(unsigned), tx.signature);
  if (ok) verifiedIds.add(id);
  return ok;
}

/**
 * The cheap checks that need no state. The signature (~60 µs) is deliberately not here: callers
 * check it after the state checks, so junk is refused before the expensive work. `index` is
 * recorded in the error when the transfer is part of a list or block.
 */
export function checkTransferStateless(tx: Transfer, chainId: string, index?: number): void {
  if (tx.chainId !== chainId) throw new LedgerError({ code: 'LEDGER_WRONG_CHAIN', expected: chainId, actual: tx.chainId, index });
  if (tx.amount === 0n) throw new LedgerError({ code: 'LEDGER_ZERO_AMOUNT', txId: transferIdHex(tx), index });
  if (sameAddress(tx.from, tx.to)) throw new LedgerError({ code: 'LEDGER_SELF_TRANSFER', txId: transferIdHex(tx), index });
}

export function sameAddress(a: Address, b: Address): boolean {
  for (let i = 0; i < ADDRESS_BYTES; i++) if (a[i] !== b[i]) return false;
  return true;
}
