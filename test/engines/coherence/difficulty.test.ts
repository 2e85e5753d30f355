/** Difficulty: the design's retarget (clamp [0.5, 2]) and ASERT (aserti3-2d), exact values. */
import { describe, expect, it } from 'vitest';
import { MAX_TARGET, asertTarget, blockWork, isRetargetHeight, medianTimePast, nextTarget, retargetTarget } from '../../../src/engines/coherence/index.js';
import type { AsertInput } from '../../../src/engines/coherence/index.js';
import { testParams } from './helpers.js';

const A = 1n << 224n;
const T = 10_000;
const HL = 200_000;

function asert(parentHeight: number, parentTime: number, overrides: Partial<AsertInput> = {}): bigint {
  return asertTarget({
    anchorTarget: A,
    anchorHeight: 0,
    anchorParentTime: -T,
    idealBlockTime: T,
    halfLife: HL,
    powLimit: MAX_TARGET,
    parentHeight,
    parentTime,
    ...overrides,
  });
}

describe('ASERT (aserti3-2d)', () => {
  it('on schedule: the anchor target exactly', () => {
    expect(asert(0, 0)).toBe(A);
    expect(asert(100, 100 * T)).toBe(A);
  });

  it('one half-life behind schedule doubles the target; one ahead halves it (exactly)', () => {
    expect(asert(100, 100 * T + HL)).toBe(2n * A);
    expect(asert(100, 100 * T - HL)).toBe(A / 2n);
    expect(asert(100, 100 * T + 3 * HL)).toBe(8n * A);
    expect(asert(100, 100 * T - 3 * HL)).toBe(A / 8n);
  });

  it('half a half-life: the cubic approximation of sqrt(2), pinned', () => {
    // factor(32768) = 92674 / 65536 = 1.41409..., within 1.2e-4 of sqrt 2.
    expect(asert(10, 10 * T + HL / 2)).toBe(0x16a020000000000000000000000000000000000000000000000000000n);
  });

  it('the exponent truncates toward zero (a 1 ms lead changes nothing), then floors into shifts', () => {
    expect(asert(10, 10 * T - 1)).toBe(A);
    // exponent = -1 exactly: shifts = -1, frac = 65535, factor = 131071.
    const oneStep = Math.ceil(HL / 65536); // 4 ms -> exponent -1 after truncation (-1.31)
    expect(asert(10, 10 * T - oneStep)).toBe(0xffff8000000000000000000000000000000000000000000000000000n);
  });

  it('clamps to [1, powLimit]', () => {
    expect(asert(10, 10 * T + 400 * HL)).toBe(MAX_TARGET);
    expect(asert(10, 10 * T + HL, { powLimit: A })).toBe(A);
    expect(asert(1000, -400 * HL)).toBe(1n);
  });
});

describe("the design's retarget", () => {
  const base = { parentTarget: A, window: 10, targetIntervalMs: T, powLimit: MAX_TARGET, parentTime: 1_000_000, intervals: 10 };

  it('only at positive multiples of the window', () => {
    expect(isRetargetHeight(0, 10)).toBe(false);
    expect(isRetargetHeight(10, 10)).toBe(true);
    expect(isRetargetHeight(11, 10)).toBe(false);
    expect(retargetTarget({ ...base, height: 11, windowStartTime: 0 })).toBe(A);
  });

  it('scales by actual / expected', () => {
    expect(retargetTarget({ ...base, height: 20, windowStartTime: 1_000_000 - 10 * T })).toBe(A);
    expect(retargetTarget({ ...base, height: 20, windowStartTime: 1_000_000 - 15 * T })).toBe((A * 3n) / 2n);
    expect(retargetTarget({ ...base, height: 20, windowStartTime: 1_000_000 - 6 * T })).toBe((A * 6n) / 10n);
  });

  it('clamps the ratio to [0.5, 2]: exact values at and beyond the clamps', () => {
    expect(retargetTarget({ ...base, height: 20, windowStartTime: 1_000_000 - 5 * T })).toBe(A / 2n);
    expect(retargetTarget({ ...base, height: 20, windowStartTime: 1_000_000 - 1 })).toBe(A / 2n);
    expect(retargetTarget({ ...base, height: 20, windowStartTime: 1_000_000 + 50 * T })).toBe(A / 2n); // time went backwards
    expect(retargetTarget({ ...base, height: 20, windowStartTime: 1_000_000 - 20 * T })).toBe(2n * A);
    expect(retargetTarget({ ...base, height: 20, windowStartTime: 1_000_000 - 1000 * T })).toBe(2n * A);
    expect(retargetTarget({ ...base, height: 20, windowStartTime: 1_000_000 - 1000 * T, powLimit: A })).toBe(A);
  });

  it('nextTarget measures the parent window: 9 intervals at height 10, then 10', () => {
    const p = testParams({ difficulty: 'retarget', initialTarget: `0x${A.toString(16)}` });
    const ts9 = Array.from({ length: 10 }, (_, i) => i * 2 * T); // blocks 0..9, twice too slow
    expect(nextTarget({ height: 9, timestamp: ts9[9]!, target: A, recentTimestamps: ts9 }, p)).toBe(2n * A);
    const ts19 = Array.from({ length: 11 }, (_, i) => (9 + i) * T); // blocks 9..19 on time
    expect(nextTarget({ height: 19, timestamp: ts19[10]!, target: A, recentTimestamps: ts19 }, p)).toBe(A);
    expect(nextTarget({ height: 14, timestamp: 0, target: 3n, recentTimestamps: [0] }, p)).toBe(3n);
  });
});

describe('work and median-time-past', () => {
  it('work = floor(2^256 / (target + 1))', () => {
    expect(blockWork(MAX_TARGET)).toBe(1n);
    expect(blockWork((1n << 255n) - 1n)).toBe(2n);
    expect(blockWork((1n << 224n) - 1n)).toBe(1n << 32n);
    expect(blockWork(1n)).toBe(1n << 255n);
  });

  it('median of the last 11 timestamps (upper median for even counts)', () => {
    expect(medianTimePast([5])).toBe(5);
    expect(medianTimePast([1, 9])).toBe(9);
    expect(medianTimePast([100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toBe(6);
  });
});
