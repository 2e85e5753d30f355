/**
 * The fast Kuramoto kernel: the same arithmetic as ./reference-kernel.ts, in the same order, so
 * the same bits (test/engines/coherence/kernel-equivalence.test.ts checks it on hundreds of
 * seeds and every preset). It is fast because of what it does not do, never because it computes
 * anything differently:
 *
 * 1. One fused sin+cos. A phase lies in [0, 2 pi), so dmath's general sin and cos collapse to one
 *    Cody-Waite reduction (quadrant n in 0..4, reduced argument y0 + y1) shared by both, one
 *    sine kernel and one cosine kernel, then a quadrant swap. The polynomial constants and the
 *    operation order below are dmath's (src/core/dmath/sin-cos.ts, fdlibm 5.3); if dmath ever
 *    changes, test/engines/coherence/kernel-equivalence.test.ts (which compares the fused
 *    sin/cos with dmath on edge cases and a million random phases) fails and this file must
 *    follow.
 * 2. One pass per step. The loop that moves theta_i by the step computes the new sin and cos of
 *    theta_i right away and adds them to the next step's sums, in index order: the sums are the
 *    same additions in the same order as the reference's separate pass. Step 0 runs the same
 *    loop with the move switched off, so there is exactly one copy of the sin/cos code (and
 *    `evaluate` tests that copy directly against dmath).
 * 3. Preallocated typed arrays, no calls and no allocation in the hot loop.
 *
 * What it deliberately does not do: angle-addition recurrences (cos(a+d) from cos a, cos d), or
 * any other reformulation that is equal in real arithmetic but rounds differently.
 */
import { dmath } from '../../../core/index.js';
import { COUPLING, DT, R2_THRESHOLD } from './constants.js';
import { initialState } from './seed.js';
import type { KernelOutcome } from './types.js';

// dmath / fdlibm kernel coefficients (bit patterns in src/core/dmath/sin-cos.ts).
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;
const PIO4 = 0.7853981633974483;
const TINY = 7.450580596923828e-9;
// Cody-Waite reduction constants (src/core/dmath/sin-cos.ts, fdlibm e_rem_pio2.c).
const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417;
const PIO2_2 = 6.0771005063039659766e-11;
const PIO2_3 = 2.0222662487111664558e-21;
const PIO2_3T = 8.47842766036889956997e-32;

const TWO_PI = dmath.TWO_PI;

/** Result of one run; the phases stay in the kernel's buffer (`phases`) until the next run. */
export interface FastRun {
  readonly success: boolean;
  readonly t: number;
  readonly r2: number;
}

/**
 * A reusable kernel for one oscillator count. Not reentrant: one run at a time per instance
 * (a miner owns one per thread).
 */
export class FastKernel {
  readonly kind = 'js' as const;
  readonly phases: Float64Array;
  private readonly omega: Float64Array;
  private readonly c: Float64Array;
  private readonly s: Float64Array;
  private sumC = 0;
  private sumS = 0;

  constructor(readonly n: number) {
    this.phases = new Float64Array(n);
    this.omega = new Float64Array(n);
    this.c = new Float64Array(n);
    this.s = new Float64Array(n);
  }

  run(seed: Uint8Array, maxSteps: number): FastRun {
    const n = this.n;
    initialState(seed, n, this.phases, this.omega);
    this.pass(false, 0, 0);
    for (let t = 0; ; t++) {
      const C = this.sumC / n;
      const S = this.sumS / n;
      const r2 = C * C + S * S;
      if (r2 > R2_THRESHOLD) return { success: true, t, r2 };
      if (t >= maxSteps) return { success: false, t, r2 };
      this.pass(true, C, S);
    }
  }

  /** cos and sin of the given phases (each in [0, 2 pi)), through the kernel's own code path. */
  evaluate(phases: Float64Array): { readonly cos: Float64Array; readonly sin: Float64Array } {
    this.phases.set(phases.subarray(0, this.n));
    this.pass(false, 0, 0);
    return { cos: Float64Array.from(this.c), sin: Float64Array.from(this.s) };
  }

  /**
   * One pass over the oscillators: when `update`, the Euler step with means C and S (and the
   * wrap of ./wrap.ts, inlined); then the fused sin/cos of each phase into c, s and the sums.
   */
  private pass(update: boolean, C: number, S: number): void {
    const n = this.n;
    const theta = this.phases;
    const omega = this.omega;
    const cArr = this.c;
    const sArr = this.s;
    let sumC = 0;
    let sumS = 0;
    for (let i = 0; i < n; i++) {
      let x = theta[i]!;
      if (update) {
        x = x + DT * (omega[i]! + COUPLING * (S * cArr[i]! - C * sArr[i]!));
        if (x >= TWO_PI) x = x - TWO_PI;
        else if (x < 0) {
          x = x + TWO_PI;
          if (x >= TWO_PI) x = 0;
        }
        theta[i] = x;
      }
      let sn: number;
      let cs: number;
      if (x <= PIO4) {
        if (x < TINY) {
          sn = x;
          cs = 1;
        } else {
          const z = x * x;
          const v = z * x;
          const rs = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
          sn = x + v * (S1 + z * rs);
          const rc = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
          const hz = 0.5 * z;
          const w = 1 - hz;
          cs = w + (((1 - w) - hz) + (z * rc - x * 0));
        }
      } else {
        // dmath's reduce(): n = floor(x 2/pi + 1/2); x - n pi/2 with TwoSum error terms.
        const fn = Math.floor(x * INV_PIO2 + 0.5);
        const a = x - fn * PIO2_1;
        const b = fn * PIO2_2;
        const s1 = a - b;
        const bb1 = s1 - a;
        const e1 = (a - (s1 - bb1)) + (-b - bb1);
        const c = fn * PIO2_3;
        const s2 = s1 - c;
        const bb2 = s2 - s1;
        const e2 = (s1 - (s2 - bb2)) + (-c - bb2);
        const tt = (e1 + e2) - fn * PIO2_3T;
        const y0 = s2 + tt;
        const y1 = tt - (y0 - s2);
        // Kernels on the reduced argument y0 + y1 (dmath kernelSin / kernelCos).
        const z = y0 * y0;
        const v = z * y0;
        const rs = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
        const ks = y1 === 0 ? y0 + v * (S1 + z * rs) : y0 - ((z * (0.5 * y1 - v * rs) - y1) - v * S1);
        const rc = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
        const hz = 0.5 * z;
        const w2 = 1 - hz;
        const kc = w2 + (((1 - w2) - hz) + (z * rc - y0 * y1));
        // Quadrant fn mod 4 (fn in 0..4).
        const q = fn % 4;
        if (q === 0) {
          sn = ks;
          cs = kc;
        } else if (q === 1) {
          sn = kc;
          cs = -ks;
        } else if (q === 2) {
          sn = -ks;
          cs = -kc;
        } else {
          sn = -kc;
          cs = ks;
        }
      }
      cArr[i] = cs;
      sArr[i] = sn;
      sumC += cs;
      sumS += sn;
    }
    this.sumC = sumC;
    this.sumS = sumS;
  }
}

const kernels = new Map<number, FastKernel>();

/** The Kernel-shaped entry point (copies the phases out, for validators and tests). */
export function fastKernel(seed: Uint8Array, n: number, maxSteps: number): KernelOutcome {
  let k = kernels.get(n);
  if (k === undefined) {
    k = new FastKernel(n);
    kernels.set(n, k);
  }
  const out = k.run(seed, maxSteps);
  return { success: out.success, t: out.t, r2: out.r2, phases: Float64Array.from(k.phases) };
}
