/**
 * Votes and quorum certificates. A vote signs (chain id, epoch, round, phase, value); phase 1
 * ("prepare") and phase 2 ("commit") votes are distinct statements. A QC is q = quorumSize(n)
 * (2f + 1 when n = 3f + 1) distinct validators' votes for one (epoch, round, phase, value):
 *
 *   qc  [epoch, round, phase, value, [[voter, signature], ...]]  voters strictly ascending
 */
import { readArray, readBytes, readUint, sign, taggedHash, u32be, u64be, utf8 } from '../../core/index.js';
import type { CborValue, KeyPair } from '../../core/index.js';
import { TtError } from './errors.js';
import { MAX_VALIDATORS } from './params.js';
import { SIGNATURE_BYTES } from './proposal.js';
import { cachedVerify } from './verdicts.js';

export type Phase = 1 | 2;

export interface CertVote {
  readonly voter: number;
  readonly signature: Uint8Array;
}

export interface QC {
  readonly epoch: number;
  readonly round: number;
  readonly phase: Phase;
  readonly value: Uint8Array;
  readonly votes: readonly CertVote[];
}

export function votePayload(chainId: string, epoch: number, round: number, phase: Phase, value: Uint8Array): Uint8Array {
  return taggedHash('thermo/tt/vote', utf8(chainId), u64be(BigInt(epoch)), u32be(round), Uint8Array.of(phase), value);
}

export function signVote(keyPair: KeyPair, chainId: string, epoch: number, round: number, phase: Phase, value: Uint8Array): Uint8Array {
  return sign(keyPair, votePayload(chainId, epoch, round, phase, value));
}

export function verifyVote(key: Uint8Array, chainId: string, epoch: number, round: number, phase: Phase, value: Uint8Array, signature: Uint8Array): boolean {
  return cachedVerify(key, votePayload(chainId, epoch, round, phase, value), signature);
}

export function qcToCbor(qc: QC): CborValue {
  return [qc.epoch, qc.round, qc.phase, qc.value, qc.votes.map((v): CborValue => [v.voter, v.signature])];
}

export function qcFromCbor(value: CborValue | undefined, what: string): QC {
  const items = readArray(value, what, 5);
  if (items.length !== 5) throw new TtError({ code: 'TT_MALFORMED', reason: `${what}: expected 5 items` });
  const phase = readUint(items[2], `${what}.phase`);
  if (phase !== 1 && phase !== 2) throw new TtError({ code: 'TT_MALFORMED', reason: `${what}.phase: ${phase}` });
  const votes = readArray(items[4], `${what}.votes`, MAX_VALIDATORS).map((v, i) => {
    const pair = readArray(v, `${what}.votes[${i}]`, 2);
    if (pair.length !== 2) throw new TtError({ code: 'TT_MALFORMED', reason: `${what}.votes[${i}]: expected [voter, signature]` });
    return Object.freeze({ voter: readUint(pair[0], 'voter'), signature: Uint8Array.from(readBytes(pair[1], 'signature', SIGNATURE_BYTES)) });
  });
  return Object.freeze({
    epoch: readUint(items[0], `${what}.epoch`),
    round: readUint(items[1], `${what}.round`),
    phase,
    value: Uint8Array.from(readBytes(items[3], `${what}.value`, 32)),
    votes: Object.freeze(votes),
  });
}

/** Verdicts per QC object (see proposal.ts on why a per-object cache is sound). */
const verdicts = new WeakMap<QC, { readonly chainId: string; readonly validators: readonly Uint8Array[]; readonly quorum: number; readonly ok: boolean }>();

/** True when `qc` holds `quorum` distinct, ascending, valid votes of known validators. */
export function verifyQC(qc: QC, chainId: string, validators: readonly Uint8Array[], quorum: number): boolean {
  const cached = verdicts.get(qc);
  if (cached !== undefined && cached.chainId === chainId && cached.validators === validators && cached.quorum === quorum) return cached.ok;
  let ok = qc.votes.length >= quorum;
  let last = -1;
  if (ok) {
    for (const v of qc.votes) {
      const key = validators[v.voter];
      if (v.voter <= last || key === undefined || !verifyVote(key, chainId, qc.epoch, qc.round, qc.phase, qc.value, v.signature)) {
        ok = false;
        break;
      }
      last = v.voter;
    }
  }
  if (Object.isFrozen(qc)) verdicts.set(qc, { chainId, validators, quorum, ok });
  return ok;
}
