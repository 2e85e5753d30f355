/**
 * The design's negentropy of a coherence value: eta(r) = exp(-sigma (r - z_c)^2), sigma =
 * 8/sqrt(5), z_c = sqrt(3)/2. It peaks at 1 when r = z_c. Telemetry only: no validity rule
 * uses it (the rule is r^2 > 3/4). Computed with dmath exp, so every node reports the same bits.
 */
import { dmath } from '../../../core/index.js';
import { SIGMA, Z_C } from './constants.js';

export function negentropy(r: number): number {
  const d = r - Z_C;
  return dmath.exp(-SIGMA * d * d);
}
