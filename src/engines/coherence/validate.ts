/**
 * Block validation, cheapest check first so that junk costs little:
 *   1. size: encoded bytes <= maxBlockBytes, transfers <= maxTxsPerBlock
 *   2. linkage: chain id, exactly one parent (the given parent entry), height = parent + 1
 *   3. seal shape (exactly target, nonce, t, r, digest)
 *   4. target = the difficulty rule's target after the parent
 *   5. timestamp > median-time-past of the parent's last 11, and <= local time + maxFutureMs
 *   6. header hash <= threshold (target, scaled by hashScaleLog2 in simulations)
 *   7. Kuramoto replay of exactly t steps: r^2 > 3/4 at step t and at no earlier step; r and
 *      the phase digest bit-identical
 *   8. transactions and state root (src/ledger applyBlock), reward to the proposer
 * Any failure throws a CoherenceError; nothing is modified (the caller adds to its chain only
 * after this returns).
 *
 * Why t must be the FIRST coherent step: if a miner could stop at any step s with r^2 > 3/4,
 * each simulation would give it one header hash per coherent step instead of one per nonce
 * (coherence, once reached, usually persists), so it could grind the hash over hundreds of
 * steps of one simulation, and the work per hash attempt would collapse to one Euler step.
 */
import { bytesToBigInt, equalBytes, toHex } from '../../core/index.js';
import { LedgerError, applyBlock, headerHash } from '../../ledger/index.js';
import type { Block, BlockHeader, ChainRules, LedgerState } from '../../ledger/index.js';
import type { ChainEntry } from './chain.js';
import { medianTimePast, nextTarget } from './difficulty/index.js';
import { CoherenceError } from './errors.js';
import { replay } from './kuramoto/kernel.js';
import type { CoherenceParams } from './params.js';
import type { Seal } from './seal.js';
import { hashThreshold, readSeal, sealPreimage, seedFor } from './seal.js';
import { dmath } from '../../core/index.js';

export interface HeaderCheck {
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly seal: Seal;
}

/** Checks 2-7 of a header against its parent at local time `now`. */
export function checkHeader(header: BlockHeader, parent: ChainEntry, now: number, p: CoherenceParams, chainId: string): HeaderCheck {
  if (header.chainId !== chainId) throw new CoherenceError({ code: 'COHERENCE_WRONG_CHAIN', expected: chainId, actual: header.chainId });
  if (header.parents.length !== 1) throw new CoherenceError({ code: 'COHERENCE_BAD_PARENT', reason: `${header.parents.length} parents` });
  if (!equalBytes(header.parents[0]!, parent.hash)) throw new CoherenceError({ code: 'COHERENCE_BAD_PARENT', reason: 'not the given parent' });
  if (header.height !== parent.height + 1) throw new CoherenceError({ code: 'COHERENCE_BAD_HEIGHT', height: header.height, expected: parent.height + 1 });
  const seal = readSeal(header.consensus);
  const expected = nextTarget(parent, p);
  if (seal.target !== expected) {
    throw new CoherenceError({ code: 'COHERENCE_BAD_TARGET', expected: `0x${expected.toString(16)}`, actual: `0x${seal.target.toString(16)}` });
  }
  const mtp = medianTimePast(parent.recentTimestamps);
  if (header.timestamp <= mtp) throw new CoherenceError({ code: 'COHERENCE_TIME_TOO_OLD', timestamp: header.timestamp, medianTimePast: mtp });
  const limit = Math.floor(now) + p.maxFutureMs;
  if (header.timestamp > limit) throw new CoherenceError({ code: 'COHERENCE_TIME_TOO_FAR', timestamp: header.timestamp, limit });
  const hash = headerHash(header);
  const threshold = hashThreshold(seal.target, p.hashScaleLog2);
  if (bytesToBigInt(hash) > threshold) {
    throw new CoherenceError({ code: 'COHERENCE_ABOVE_TARGET', hash: toHex(hash), threshold: `0x${threshold.toString(16)}` });
  }
  checkSimulation(header, seal, p);
  return Object.freeze({ hash, hashHex: toHex(hash), seal });
}

/** Check 7: the replay of exactly t steps. */
export function checkSimulation(header: BlockHeader, seal: Seal, p: CoherenceParams): void {
  if (seal.t > p.maxSteps) throw new CoherenceError({ code: 'COHERENCE_BAD_T', t: seal.t, reason: `above maxSteps ${p.maxSteps}` });
  const run = replay(seedFor(sealPreimage(header), seal.nonce), p.preset, seal.t);
  if (!run.success) throw new CoherenceError({ code: 'COHERENCE_BAD_T', t: seal.t, reason: 'r^2 <= 3/4 at step t' });
  if (run.t !== seal.t) throw new CoherenceError({ code: 'COHERENCE_T_NOT_FIRST', t: seal.t, first: run.t });
  if (!Object.is(run.r, seal.r)) throw new CoherenceError({ code: 'COHERENCE_BAD_R', expected: dmath.bitsHex(run.r), actual: dmath.bitsHex(seal.r) });
  if (!equalBytes(run.digest, seal.digest)) {
    throw new CoherenceError({ code: 'COHERENCE_BAD_DIGEST', expected: toHex(run.digest), actual: toHex(seal.digest) });
  }
}

/** Check 1: the body bounds, before anything is hashed or replayed. */
export function checkSize(block: Block, encodedSize: number, p: CoherenceParams): void {
  if (encodedSize > p.maxBlockBytes) throw new CoherenceError({ code: 'COHERENCE_BODY_TOO_LARGE', size: encodedSize, max: p.maxBlockBytes });
  if (block.txs.length > p.maxTxsPerBlock) throw new CoherenceError({ code: 'COHERENCE_TOO_MANY_TXS', count: block.txs.length, max: p.maxTxsPerBlock });
}

export interface BlockCheck extends HeaderCheck {
  readonly state: LedgerState;
}

/** All eight checks; returns the post-state. */
export function checkBlock(block: Block, encodedSize: number, parent: ChainEntry, now: number, p: CoherenceParams, rules: ChainRules): BlockCheck {
  checkSize(block, encodedSize, p);
  const h = checkHeader(block.header, parent, now, p, rules.chainId);
  let state: LedgerState;
  try {
    state = applyBlock(parent.state, block, rules);
  } catch (err) {
    if (err instanceof LedgerError) throw new CoherenceError({ code: 'COHERENCE_BAD_TXS', ledgerCode: err.code, reason: err.message });
    throw err;
  }
  return Object.freeze({ ...h, state });
}
