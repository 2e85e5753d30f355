/** The target of the next block after `parent`, by the chain's difficulty rule. */
import type { CoherenceParams } from '../params.js';
import { asertTarget } from './asert.js';
import { retargetTarget } from './retarget.js';

export { asertTarget } from './asert.js';
export type { AsertInput } from './asert.js';
export { retargetTarget, isRetargetHeight } from './retarget.js';
export type { RetargetInput } from './retarget.js';
export { blockWork } from './work.js';

/** What the difficulty rules need to know about a parent block. */
export interface DifficultyParent {
  readonly height: number;
  readonly timestamp: number;
  readonly target: bigint;
  /** The parent's own and its ancestors' timestamps, oldest first, ending with its own. */
  readonly recentTimestamps: readonly number[];
}

export function nextTarget(parent: DifficultyParent, p: CoherenceParams): bigint {
  if (p.difficulty === 'asert') {
    return asertTarget({
      anchorTarget: p.initialTarget,
      anchorHeight: 0,
      anchorParentTime: p.genesisTimeMs - p.targetIntervalMs,
      idealBlockTime: p.targetIntervalMs,
      halfLife: p.asertHalfLifeMs,
      powLimit: p.powLimit,
      parentHeight: parent.height,
      parentTime: parent.timestamp,
    });
  }
  const recent = parent.recentTimestamps;
  const intervals = Math.min(p.retargetWindow, recent.length - 1);
  return retargetTarget({
    parentTarget: parent.target,
    height: parent.height + 1,
    window: p.retargetWindow,
    targetIntervalMs: p.targetIntervalMs,
    powLimit: p.powLimit,
    parentTime: parent.timestamp,
    windowStartTime: recent[recent.length - 1 - intervals] ?? parent.timestamp,
    intervals,
  });
}

/** How many ancestor timestamps a chain entry keeps: the MTP window and one retarget window. */
export function timestampsKept(p: CoherenceParams): number {
  return Math.max(MTP_WINDOW, p.retargetWindow + 1);
}

/** Median-time-past window (Bitcoin's 11). */
export const MTP_WINDOW = 11;

/** Median of the last MTP_WINDOW timestamps (the upper median for an even count). */
export function medianTimePast(recent: readonly number[]): number {
  const last = recent.slice(-MTP_WINDOW).sort((a, b) => a - b);
  return last[last.length >> 1]!;
}
