/** What a kernel run reports. Shared by the reference and the fast kernel. */

export interface KernelOutcome {
  /** True when some step t <= maxSteps had r^2 > 3/4; t is then the first such step. */
  readonly success: boolean;
  /** The first step with r^2 > 3/4 (success), else the last step evaluated (maxSteps). */
  readonly t: number;
  /** r^2 = C^2 + S^2 at step t (C, S the means of cos and sin of the phases). */
  readonly r2: number;
  /** The phases after t steps, each in [0, 2 pi). A fresh copy owned by the caller. */
  readonly phases: Float64Array;
}

/** A kernel: integrates the seed's system for at most `maxSteps` steps. */
export type Kernel = (seed: Uint8Array, n: number, maxSteps: number) => KernelOutcome;
