/**
 * The design's thermodynamic quantities, each defined exactly (docs/protocols/thermotruth.md):
 *
 *   temperature   T = (2 V) / 3, V = total variance of the accepted proposals (stats.ts). The
 *                 design writes T = (2/3) * variance; (2 V) / 3 is that, rounded once per
 *                 operation in this order so the bits are fixed.
 *   entropy       H = (D / 2) log2(2 pi e max(V / D, VARIANCE_FLOOR)): the differential entropy,
 *                 in bits, of an isotropic Gaussian with the per-component variance of the
 *                 proposals that entered the aggregate. It rises with disorder, as the design
 *                 wants, and the floor keeps it finite when every proposal is identical.
 *   difficulty    d_t = clamp(d_{t-1} + alpha (H_t - H_{t-1}), dMin, dMax), alpha = 0.1 (the
 *                 design's rule and constant; the clamp is ours, see the doc). For the first
 *                 epoch H_{t-1} := H_t (no change). The PoW target in bits is floor(d_t + 0.5).
 *
 * Logs are src/core/dmath (bit-exact); never Math.log.
 */
import { dmath } from '../../core/index.js';

/** Below this per-component variance the entropy is computed at the floor. */
export const VARIANCE_FLOOR = 1e-12;
/** Smallest temperature the Boltzmann weights are computed at (all-identical proposals). */
export const TEMPERATURE_FLOOR = 1e-12;

// 2 pi e, from the dmath constant and the (exactly specified) double nearest e.
const TWO_PI_E = dmath.TWO_PI * Math.E;

export function temperature(variance: number): number {
  return (2 * variance) / 3;
}

export function entropyBits(variance: number, dimension: number): number {
  const perComponent = variance / dimension;
  const v = perComponent > VARIANCE_FLOOR ? perComponent : VARIANCE_FLOOR;
  return ((dimension / 2) * dmath.log(TWO_PI_E * v)) / dmath.LN2;
}

export interface DifficultyRule {
  readonly alpha: number;
  readonly min: number;
  readonly max: number;
}

/** d_t from d_{t-1}, H_t and H_{t-1} (null for the first epoch). */
export function nextDifficulty(previous: number, entropy: number, previousEntropy: number | null, rule: DifficultyRule): number {
  const delta = previousEntropy === null ? 0 : entropy - previousEntropy;
  const d = previous + rule.alpha * delta;
  return d < rule.min ? rule.min : d > rule.max ? rule.max : d;
}

/** Leading zero bits a proposal's PoW needs at difficulty d. */
export function powBits(difficulty: number): number {
  return Math.floor(difficulty + 0.5);
}
