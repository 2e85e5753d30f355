/**
 * Hashcash on proposals (Back, "Hashcash - a denial of service counter-measure", 2002): a
 * proposal is valid at `bits` when SHA-256(preimage || u64be(nonce)) starts with `bits` zero
 * bits; the preimage digest binds everything the proposal says except the nonce and signature
 * (proposal.ts). bits = 0 accepts any nonce: the "without PoW" ablation.
 *
 * Mining is a `job` (the Engine contract's expensive-work effect): the real node runs `run` in a
 * worker; the simulator calls `simulate`, which performs the same real search (so the nonce
 * really is valid) and reports its duration as attempts x HASH_COST_US / hashPower: the time a
 * node of that relative hash power needs, drawn from the same geometric law as the real thing.
 */
import { concatBytes, sha256, u64be } from '../../core/index.js';
import type { JobRunner } from '../../protocol/index.js';

/** Microseconds per SHA-256 of a short input: the simulator's measured 'hash' cost (src/sim/cost-model.ts). */
export const HASH_COST_US = 1.3;
/** A search gives up after this many attempts (2^26: a 16-bit target fails with probability e^-1024). */
export const MAX_POW_ATTEMPTS = 1 << 26;

export interface PowJob {
  readonly digest: Uint8Array;
  readonly bits: number;
}

export interface PowResult {
  /** The first nonce (from 0) that meets the target, or -1 when the search gave up. */
  readonly nonce: number;
  readonly attempts: number;
}

export function powHash(digest: Uint8Array, nonce: number): Uint8Array {
  return sha256(concatBytes(digest, u64be(BigInt(nonce))));
}

/** Number of leading zero bits of `hash`. */
export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < hash.length; i++) {
    const b = hash[i]!;
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

export function checkPow(digest: Uint8Array, nonce: number, bits: number): boolean {
  if (bits <= 0) return true;
  return leadingZeroBits(powHash(digest, nonce)) >= bits;
}

export function searchPow(job: PowJob, maxAttempts: number = MAX_POW_ATTEMPTS): PowResult {
  if (job.bits <= 0) return Object.freeze({ nonce: 0, attempts: 0 });
  // One buffer, nonce rewritten in place: the search is the simulator's hottest loop.
  const buf = new Uint8Array(job.digest.length + 8);
  buf.set(job.digest, 0);
  const view = new DataView(buf.buffer);
  for (let nonce = 0; nonce < maxAttempts; nonce++) {
    view.setUint32(job.digest.length, Math.floor(nonce / 4294967296), false);
    view.setUint32(job.digest.length + 4, nonce >>> 0, false);
    if (leadingZeroBits(sha256(buf)) >= job.bits) return Object.freeze({ nonce, attempts: nonce + 1 });
  }
  return Object.freeze({ nonce: -1, attempts: maxAttempts });
}

export const POW_JOBS: JobRunner<PowJob, PowResult> = Object.freeze({
  run: (job: PowJob) => searchPow(job),
  simulate: (job: PowJob, hashPower: number) => {
    const result = searchPow(job);
    const power = hashPower > 1e-9 ? hashPower : 1e-9;
    return { result, durationMs: (result.attempts * HASH_COST_US) / 1000 / power };
  },
  // A search at `bits` takes 2^bits attempts on average (geometric law), and gives up after
  // MAX_POW_ATTEMPTS = 2^26. At the default clamp of 4-12 bits that is 0.02-5 ms, so the real
  // node runs it on its main thread (src/node/runtime/jobs.ts, INLINE_JOB_MAX_US).
  expectedCostUs: (job: PowJob) => (job.bits <= 0 ? 0 : (1 << Math.min(job.bits, 26)) * HASH_COST_US),
});
