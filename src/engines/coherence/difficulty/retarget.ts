/**
 * The design's difficulty rule, applied to the 256-bit target: every `window` blocks (10),
 * scale the target by actual / expected time of the last window, the ratio clamped to [0.5, 2];
 * in between, the target stays. Integer arithmetic: next = target * clamp(actual) / expected.
 *
 * Window: the block at height h (h a positive multiple of `window`) measures the time between
 * its parent (h - 1) and the block `window` heights before the parent (h - 1 - window), i.e.
 * `window` intervals; for the first retarget (h = window) only h - 1 intervals exist back to
 * genesis, and `expected` counts exactly the intervals measured (Bitcoin's off-by-one, which
 * measures 2015 intervals for 2016 blocks, is not copied).
 */

export interface RetargetInput {
  readonly parentTarget: bigint;
  /** Height of the new block. */
  readonly height: number;
  readonly window: number;
  readonly targetIntervalMs: number;
  readonly powLimit: bigint;
  /** Parent's timestamp and the timestamp `intervals` blocks before the parent. */
  readonly parentTime: number;
  readonly windowStartTime: number;
  /** Intervals between windowStartTime and parentTime. */
  readonly intervals: number;
}

/** True when a block at `height` recomputes the target. */
export function isRetargetHeight(height: number, window: number): boolean {
  return height > 0 && height % window === 0;
}

export function retargetTarget(x: RetargetInput): bigint {
  if (!isRetargetHeight(x.height, x.window) || x.intervals <= 0) return x.parentTarget;
  const expected = BigInt(x.targetIntervalMs) * BigInt(x.intervals);
  let actual = BigInt(x.parentTime - x.windowStartTime);
  const lo = expected / 2n;
  const hi = expected * 2n;
  if (actual < lo) actual = lo;
  if (actual > hi) actual = hi;
  const next = (x.parentTarget * actual) / expected;
  if (next < 1n) return 1n;
  return next > x.powLimit ? x.powLimit : next;
}
