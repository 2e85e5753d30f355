/**
 * Mining: the nonce search, and the simulator's shortcut for it.
 *
 * Search (the design's early termination): for nonce = startNonce, startNonce + stride, ...:
 * seed the system, integrate until the first step t with r^2 > 3/4 (at most maxSteps); on
 * success seal the header with t, r = sqrt(r^2) and the phase digest, hash it, and keep it when
 * hash <= threshold. A nonce whose system never coheres costs the full maxSteps steps.
 *
 * Parallelism: nonces are independent, so W workers search startNonce + w, stride W (the real
 * node does this with worker threads in src/node/mining; the design's claim that coherence work
 * resists parallel hardware does not hold, see docs/protocols/coherence.md).
 *
 * Simulation (`simulateMining`): a node with hash power h tries simAttemptsPerSecond * h nonces
 * per second, each passing with probability q = simSuccessRate * (target + 1) / 2^256, so the
 * time to a block is exponential with mean 1 / (q * rate) (the geometric number of attempts,
 * in continuous time). That time is drawn from the node's job PRNG. The block itself is then
 * really mined (a real search, against the easy `threshold` of the simulation, see
 * params.hashScaleLog2), with the timestamp set to start + drawn time, so every simulated block
 * passes the same validation as a real one. The search runs when the engine first reads the
 * result: a job cancelled by a new head (most of them) costs no search at all; the block is
 * the same either way, because the search is a pure function of the job.
 */
import { bytesToBigInt } from '../../core/index.js';
import type { Prng } from '../../core/index.js';
import { headerHash, makeHeader } from '../../ledger/index.js';
import type { BlockHeader } from '../../ledger/index.js';
import { CoherenceError } from './errors.js';
import { phasesDigest } from './kuramoto/digest.js';
import type { KernelRunner } from './kuramoto/kernel.js';
import { sharedKernel } from './kuramoto/kernel.js';
import { TWO_256 } from './params.js';
import { sealPreimage, seedFor, withSeal } from './seal.js';

export interface MiningJob {
  /** The header to seal: consensus = { target }, timestamp set. */
  readonly template: BlockHeader;
  /** The header's (nominal) target: drives the simulated time. */
  readonly target: bigint;
  /** What the hash must not exceed (target scaled by hashScaleLog2). */
  readonly threshold: bigint;
  readonly preset: number;
  readonly maxSteps: number;
  readonly startNonce: number;
  /** Nonce step (the number of parallel searchers). */
  readonly stride: number;
  /** Nonces to try before reporting failure (the engine then continues from where it stopped). */
  readonly maxAttempts: number;
  readonly simAttemptsPerSecond: number;
  readonly simSuccessRate: number;
}

export interface MiningResult {
  /** The sealed header, or null when maxAttempts nonces found nothing. */
  readonly header: BlockHeader | null;
  /** Nonces tried. */
  readonly attempts: number;
  /** Of which reached r^2 > 3/4. */
  readonly coherent: number;
}

/** Largest nonce (the seal's nonce is a CBOR uint kept below 2^53). */
export const MAX_NONCE = Number.MAX_SAFE_INTEGER;

/** Runs the search of `job` (see the file comment). */
export function mine(job: MiningJob, kernel: KernelRunner = sharedKernel(job.preset)): MiningResult {
  const preimage = sealPreimage(job.template);
  let coherent = 0;
  let nonce = job.startNonce;
  for (let i = 0; i < job.maxAttempts; i++, nonce += job.stride) {
    if (nonce > MAX_NONCE) break;
    const out = kernel.run(seedFor(preimage, nonce), job.maxSteps);
    if (!out.success) continue;
    coherent++;
    const header = withSeal(job.template, {
      target: job.target,
      nonce,
      t: out.t,
      r: Math.sqrt(out.r2),
      digest: phasesDigest(kernel.phases),
    });
    if (bytesToBigInt(headerHash(header)) <= job.threshold) return Object.freeze({ header, attempts: i + 1, coherent });
  }
  return Object.freeze({ header: null, attempts: job.maxAttempts, coherent });
}

/** Beyond this many expected real attempts, a simulated search would be too slow to run. */
export const MAX_SIMULATED_SEARCH = 1_000_000;

/** A result whose search runs on first read (see the file comment). */
class DeferredMiningResult implements MiningResult {
  private done: MiningResult | undefined;
  constructor(private readonly job: MiningJob) {}
  private resolve(): MiningResult {
    if (this.done === undefined) this.done = mine(this.job);
    return this.done;
  }
  get header(): BlockHeader | null {
    return this.resolve().header;
  }
  get attempts(): number {
    return this.resolve().attempts;
  }
  get coherent(): number {
    return this.resolve().coherent;
  }
}

/** A duration no run reaches: what a miner without hash power waits. */
const NEVER_MS = 1e15;

export function simulateMining(job: MiningJob, hashPower: number, rng: Prng): { readonly result: MiningResult; readonly durationMs: number } {
  const pass = Number(job.threshold + 1n) / Number(TWO_256);
  const expectedReal = 1 / (job.simSuccessRate * pass);
  if (!(expectedReal <= MAX_SIMULATED_SEARCH)) {
    throw new CoherenceError({
      code: 'COHERENCE_BAD_PARAMS',
      field: 'hashScaleLog2',
      reason: `a simulated block needs ~${expectedReal.toExponential(2)} real attempts; raise hashScaleLog2`,
    });
  }
  const q = job.simSuccessRate * (Number(job.target + 1n) / Number(TWO_256));
  const rate = job.simAttemptsPerSecond * hashPower;
  const durationMs = rate > 0 && q > 0 ? Math.min(NEVER_MS, rng.nextExponential(1000 / (q * rate))) : NEVER_MS;
  const template = makeHeader({ ...job.template, timestamp: job.template.timestamp + Math.floor(durationMs) });
  // A huge attempt budget: the easy threshold makes success a matter of ~1/simSuccessRate nonces.
  const result = new DeferredMiningResult({ ...job, template, maxAttempts: Math.ceil(50 * expectedReal) + 1000 });
  return { result, durationMs };
}
