/**
 * One lane of a parallel nonce search: the same search as the coherence miner
 * (src/engines/coherence/miner.ts `mine`), over the nonces of one lane, with a stop check
 * between nonces so that a lane stops within one Kuramoto attempt (about a third of a
 * millisecond at N = 63) once another lane has found a block or the job was cancelled.
 *
 * Lanes: lane w of W tries nonce(k) = startNonce + (w + k W) * stride for every k with
 * w + k W < maxAttempts, so the W lanes together cover exactly the job's nonces
 * startNonce + i * stride, 0 <= i < maxAttempts, each once. Which lane finds a block first
 * depends on thread timing; every block found is valid, which is all a miner needs
 * (determinism matters for validation, not for mining).
 */
import { bytesToBigInt } from '../../core/index.js';
import { headerHash } from '../../ledger/index.js';
import type { BlockHeader } from '../../ledger/index.js';
import { MAX_NONCE, phasesDigest, sealPreimage, seedFor, withSeal } from '../../engines/coherence/index.js';
import type { KernelRunner, MiningJob } from '../../engines/coherence/index.js';

export interface LaneOutcome {
  /** The sealed header, or null when the lane's nonces ran out or it was stopped. */
  readonly header: BlockHeader | null;
  /** Nonces this lane tried. */
  readonly attempts: number;
  /** Of which reached r^2 > 3/4. */
  readonly coherent: number;
  readonly stopped: boolean;
}

/** Runs lane `lane` of `lanes` of `job`; `shouldStop` is polled before each nonce. */
export function searchLane(job: MiningJob, lane: number, lanes: number, kernel: KernelRunner, shouldStop: () => boolean): LaneOutcome {
  const preimage = sealPreimage(job.template);
  let attempts = 0;
  let coherent = 0;
  for (let i = lane; i < job.maxAttempts; i += lanes) {
    if (shouldStop()) return { header: null, attempts, coherent, stopped: true };
    const nonce = job.startNonce + i * job.stride;
    if (nonce > MAX_NONCE) break;
    attempts++;
    const out = kernel.run(seedFor(preimage, nonce), job.maxSteps);
    if (!out.success) continue;
    coherent++;
    const header = withSeal(job.template, { target: job.target, nonce, t: out.t, r: Math.sqrt(out.r2), digest: phasesDigest(kernel.phases) });
    if (bytesToBigInt(headerHash(header)) <= job.threshold) return { header, attempts, coherent, stopped: false };
  }
  return { header: null, attempts, coherent, stopped: false };
}
