/**
 * Phase gossip (the item 5): a node may send peers a block's final phases. They are not
 * needed for validation (the replay recomputes them, and only a replay can show that t was the
 * first coherent step); they serve telemetry and light clients that want to see the state the
 * miner reached. A receiver never caches claimed phases unchecked:
 *   - the block must be known (its header committed t, r and the digest),
 *   - digest(phases) must equal the header's digest (this alone binds the phases bit for bit),
 *   - every phase must lie in [0, 2 pi), and the coherence recomputed from them (the kernel's
 *     own sin/cos and sums) must give exactly the committed r, with r^2 > 3/4.
 * A failing claim is a COHERENCE_BAD_PHASES and the sender is penalised. The cache is bounded.
 */
import { equalBytes, dmath } from '../../core/index.js';
import { CoherenceError } from './errors.js';
import { R2_THRESHOLD } from './kuramoto/constants.js';
import { phasesDigest } from './kuramoto/digest.js';
import { sharedKernel } from './kuramoto/kernel.js';
import type { Seal } from './seal.js';

export const PHASE_CACHE_MAX = 256;

/** r^2 of a set of phases, summed in index order exactly as the kernels do at step 0. */
export function coherenceOf(phases: Float64Array): number {
  const n = phases.length;
  const { cos, sin } = sharedKernel(n).evaluate(phases);
  let sumC = 0;
  let sumS = 0;
  for (let i = 0; i < n; i++) {
    sumC += cos[i]!;
    sumS += sin[i]!;
  }
  const C = sumC / n;
  const S = sumS / n;
  return C * C + S * S;
}

/** Throws COHERENCE_BAD_PHASES unless `phases` are the final phases `seal` commits to. */
export function verifyPhases(phases: Float64Array, seal: Seal, preset: number): void {
  const bad = (reason: string): CoherenceError => new CoherenceError({ code: 'COHERENCE_BAD_PHASES', reason });
  if (phases.length !== preset) throw bad(`expected ${preset} phases, got ${phases.length}`);
  for (const x of phases) if (!(x >= 0 && x < dmath.TWO_PI)) throw bad('a phase outside [0, 2 pi)');
  if (!equalBytes(phasesDigest(phases), seal.digest)) throw bad('digest mismatch');
  const r2 = coherenceOf(phases);
  if (!(r2 > R2_THRESHOLD)) throw bad('not coherent');
  if (!Object.is(Math.sqrt(r2), seal.r)) throw bad('r mismatch');
}

/** Verified phases by block hash, oldest evicted first. */
export class PhaseCache {
  private readonly map = new Map<string, Float64Array>();
  constructor(readonly max: number = PHASE_CACHE_MAX) {}
  get size(): number {
    return this.map.size;
  }
  get(hashHex: string): Float64Array | undefined {
    return this.map.get(hashHex);
  }
  put(hashHex: string, phases: Float64Array): void {
    this.map.set(hashHex, Float64Array.from(phases));
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
}
