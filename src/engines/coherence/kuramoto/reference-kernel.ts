/**
 * The reference Kuramoto kernel: the executable definition of the consensus computation.
 * Plain, readable, slow. Every other kernel must reproduce its bits (test/engines/coherence).
 *
 * For t = 0, 1, ..., maxSteps:
 *   c_i = cos(theta_i), s_i = sin(theta_i)             (src/core/dmath, bit-exact)
 *   C = (sum_i c_i) / N, S = (sum_i s_i) / N           (sums in index order 0 .. N-1)
 *   r^2 = C*C + S*S; if r^2 > 3/4: stop, the answer is t
 *   if t = maxSteps: stop, no success
 *   theta_i <- wrap(theta_i + DT * (omega_i + K * (S*c_i - C*s_i)))
 * The step uses K r sin(psi - theta_i) = K (S cos theta_i - C sin theta_i) (expand the sine of a
 * difference with r cos psi = C, r sin psi = S), so no atan2 and no sqrt is needed.
 */
import { dmath } from '../../../core/index.js';
import { COUPLING, DT, R2_THRESHOLD } from './constants.js';
import { initialState } from './seed.js';
import type { KernelOutcome } from './types.js';
import { wrapPhase } from './wrap.js';

export function referenceKernel(seed: Uint8Array, n: number, maxSteps: number): KernelOutcome {
  const theta = new Float64Array(n);
  const omega = new Float64Array(n);
  initialState(seed, n, theta, omega);
  const c = new Float64Array(n);
  const s = new Float64Array(n);
  let r2 = 0;
  for (let t = 0; ; t++) {
    let sumC = 0;
    let sumS = 0;
    for (let i = 0; i < n; i++) {
      c[i] = dmath.cos(theta[i]!);
      s[i] = dmath.sin(theta[i]!);
      sumC += c[i]!;
      sumS += s[i]!;
    }
    const C = sumC / n;
    const S = sumS / n;
    r2 = C * C + S * S;
    if (r2 > R2_THRESHOLD) return { success: true, t, r2, phases: theta };
    if (t >= maxSteps) return { success: false, t, r2, phases: theta };
    for (let i = 0; i < n; i++) {
      const velocity = omega[i]! + COUPLING * (S * c[i]! - C * s[i]!);
      theta[i] = wrapPhase(theta[i]! + DT * velocity);
    }
  }
}
