/**
 * The naive kernel for the benchmark's comparison: the reference algorithm written the obvious
 * way with Math.sin and Math.cos (engine-dependent bits, so it can never be a consensus kernel;
 * it lives in bench/, outside the pure core's lint). Same initial state and step formula.
 */
import { COUPLING, DT, R2_THRESHOLD, initialState } from '../src/engines/coherence/index.js';

const TWO_PI = 2 * Math.PI;

export function naiveKernel(seed: Uint8Array, n: number, maxSteps: number): { success: boolean; t: number; r2: number } {
  const theta = new Float64Array(n);
  const omega = new Float64Array(n);
  initialState(seed, n, theta, omega);
  for (let t = 0; ; t++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      re += Math.cos(theta[i]!);
      im += Math.sin(theta[i]!);
    }
    const C = re / n;
    const S = im / n;
    const r2 = C * C + S * S;
    if (r2 > R2_THRESHOLD) return { success: true, t, r2 };
    if (t >= maxSteps) return { success: false, t, r2 };
    for (let i = 0; i < n; i++) {
      let x = theta[i]! + DT * (omega[i]! + COUPLING * (S * Math.cos(theta[i]!) - C * Math.sin(theta[i]!)));
      x %= TWO_PI;
      if (x < 0) x += TWO_PI;
      theta[i] = x;
    }
  }
}
