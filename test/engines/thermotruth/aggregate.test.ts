/**
 * The aggregate and the thermodynamic quantities: golden bits per rule (a change to any of them
 * is a consensus change), translation invariance of the median-centred rule against the
 * literal rule's failure, DLPSW trimming, self-healing, temperature, entropy and difficulty.
 */
import { describe, expect, it } from 'vitest';
import { dmath } from '../../../src/core/index.js';
import {
  computeAggregate,
  entropyBits,
  healOutliers,
  nextDifficulty,
  powBits,
  temperature,
  totalVariance,
  trimmedMean,
} from '../../../src/engines/thermotruth/index.js';
import type { AggregateConfig, AggregateRule } from '../../../src/engines/thermotruth/index.js';

// Four close proposals and one liar far away (dyadic values: every input is exact).
const P = [
  [0.5, 1.25, -0.75],
  [0.625, 1.0, -0.5],
  [0.375, 1.5, -1.0],
  [0.5, 1.125, -0.625],
  [4.0, -3.0, 2.0],
];

function config(rule: AggregateRule, healTemperature = 0.1): AggregateConfig {
  return { rule, dimension: 3, healTemperature, healRadius: 3, trim: 1 };
}

const bits = (v: readonly number[]): string[] => v.map((x) => dmath.bitsHex(x));

describe('aggregate: golden bits', () => {
  const GOLDEN: Record<AggregateRule, { healed: string[]; unhealed: string[] }> = {
    boltzmann: { healed: ['3fe0814265839b45', '3ff2b9b82ad466df', 'bfe5737055a8cdbf'], unhealed: ['3fe059ac94d39dc2', '3ff3455d843c85c8', 'bfe6adce3105b6da'] },
    dlpsw: { healed: ['3fe0000000000000', '3ff3000000000000', 'bfe6000000000000'], unhealed: ['3fe1555555555555', '3ff2000000000000', 'bfe4000000000000'] },
    literal: { healed: ['3fe15d628bd68434', '3ff20383af1a47f6', 'bfe407075e348fec'], unhealed: ['3fe15d7034443cf7', '3ff2037b88db46f8', 'bfe406fcfeaadf73'] },
  };
  for (const rule of ['boltzmann', 'dlpsw', 'literal'] as const) {
    it(`${rule}: with self-healing (T > 0.1) and without it`, () => {
      const healed = computeAggregate(P, config(rule));
      expect(healed.healing).toBe(true);
      expect(healed.healed).toEqual([4]);
      expect(healed.kept).toBe(4);
      expect(bits(healed.aggregate)).toEqual(GOLDEN[rule].healed);
      const unhealed = computeAggregate(P, config(rule, 1e9));
      expect(unhealed.healing).toBe(false);
      expect(unhealed.healed).toEqual([]);
      expect(bits(unhealed.aggregate)).toEqual(GOLDEN[rule].unhealed);
    });
  }

  it('temperature and entropy bits of the same input', () => {
    const r = computeAggregate(P, config('boltzmann'));
    expect(dmath.bitsHex(r.temperature)).toBe('401022fc962fc963');
    expect(r.temperature).toBe((2 * totalVariance(P, 3)) / 3);
    expect(dmath.bitsHex(r.entropy)).toBe('bffcedc9aea3c7f9');
    expect(dmath.bitsHex(computeAggregate(P, config('boltzmann', 1e9)).entropy)).toBe('401ea386819900ff');
  });

  it('the same input in the same order always gives the same bits', () => {
    const a = computeAggregate(P, config('boltzmann'));
    const b = computeAggregate(P.map((v) => [...v]), config('boltzmann'));
    expect(bits(b.aggregate)).toEqual(bits(a.aggregate));
  });

  it('refuses an empty input with a typed error', () => {
    expect(() => computeAggregate([], config('boltzmann'))).toThrow(expect.objectContaining({ code: 'TT_EMPTY_AGGREGATE' }));
  });
});

describe('translation invariance: median-centred weights vs the literal exp(-D ||s||)', () => {
  // Three honest values around (5, 5) and one liar at the origin; then everything shifted by -5.
  const honest = [
    [5, 5],
    [5.25, 4.75],
    [4.75, 5.25],
  ];
  const liar = [0, 0];
  const shift = (v: readonly number[], c: number): number[] => v.map((x) => x + c);
  const cfg = (rule: AggregateRule): AggregateConfig => ({ rule, dimension: 2, healTemperature: 1e9, healRadius: 3, trim: 1 });

  it('boltzmann: shifting every proposal by c shifts the aggregate by c (weights are bit-identical)', () => {
    const a = computeAggregate([...honest, liar], cfg('boltzmann')).aggregate;
    const b = computeAggregate([...honest, liar].map((v) => shift(v, -5)), cfg('boltzmann')).aggregate;
    // Every distance to the median is unchanged (exact dyadic arithmetic), so the only
    // difference is the final rounding of the weighted sum.
    for (let k = 0; k < 2; k++) expect(b[k]! + 5).toBeCloseTo(a[k]!, 12);
    // And the liar barely moves it: within 0.05 of the honest mean (5, 5).
    for (const x of a) expect(Math.abs(x - 5)).toBeLessThan(0.05);
  });

  it('literal: one liar at the origin takes almost all the weight; after the shift it takes none', () => {
    const a = computeAggregate([...honest, liar], cfg('literal')).aggregate;
    // Weights exp(-2 (||s|| - 0)): the honest ones are about exp(-2 * 7.07) = 7e-7 of the liar's.
    expect(a).toEqual([0.000010693969523788925, 0.000010693969523788925]);
    const b = computeAggregate([...honest, liar].map((v) => shift(v, -5)), cfg('literal')).aggregate;
    // Shifted, the honest values sit at the origin and the liar at (-5, -5) gets exp(-2 * 7.07).
    expect(b).toEqual([-0.0000018159717876400612, -0.0000018159717876400612]);
    // So the two results differ by about 5 per component, not by the shift of 5 they should.
    expect(Math.abs(b[0]! + 5 - a[0]!)).toBeGreaterThan(4.99);
  });
});

describe('DLPSW trimming (Dolev et al. 1986)', () => {
  it('drops the t lowest and t highest per component and averages the rest, exactly', () => {
    const v = [[1, 10], [2, 20], [3, 30], [100, -100], [-100, 100]];
    expect(trimmedMean(v, 2, 1)).toEqual([2, 20]);
    expect(trimmedMean(v, 2, 0)).toEqual([(1 + 2 + 3 + 100 - 100) / 5, (10 + 20 + 30 - 100 + 100) / 5]);
    expect(trimmedMean(v, 2, 2)).toEqual([2, 20]);
  });

  it('t is capped at floor((m - 1) / 2): with 2t >= m it still keeps at least one value', () => {
    expect(trimmedMean([[1], [5], [9]], 1, 5)).toEqual([5]);
    expect(trimmedMean([[1], [5], [9], [11]], 1, 5)).toEqual([7]);
  });

  it('with at most t liars the result lies inside the honest range', () => {
    const honestVals = [[0.4], [0.5], [0.6], [0.55], [0.45]];
    const liars = [[1e6], [-1e6]];
    const r = trimmedMean([...honestVals, ...liars], 1, 2)[0]!;
    expect(r).toBeGreaterThanOrEqual(0.4);
    expect(r).toBeLessThanOrEqual(0.6);
  });
});

describe('self-healing', () => {
  it('drops exactly the proposals farther than healRadius x the median distance', () => {
    // Median 1; distances 3, 2, 1, 0, 1, 2, 19 -> median distance 2.
    const v = [[-2], [-1], [0], [1], [2], [3], [20]];
    expect(healOutliers(v, 1, 3)).toEqual([6]); // threshold 6
    expect(healOutliers(v, 1, 1)).toEqual([0, 6]); // threshold 2: distance 2 stays (strictly greater goes)
    expect(healOutliers(v, 1, 100)).toEqual([]);
  });

  it('runs only above the temperature threshold: at T = 0.1 exactly it does not', () => {
    // Two values +-a give total variance a^2; T = 2a^2/3 = 0.1 at a^2 = 0.15.
    const a2 = 0.15;
    expect(temperature(a2)).toBe(0.09999999999999999);
    const r = computeAggregate([[Math.sqrt(a2)], [-Math.sqrt(a2)], [100]], { rule: 'boltzmann', dimension: 1, healTemperature: 1e9, healRadius: 3, trim: 1 });
    expect(r.healing).toBe(false);
    const s = computeAggregate([[1], [-1], [100]], { rule: 'boltzmann', dimension: 1, healTemperature: 0.1, healRadius: 3, trim: 1 });
    expect(s.healing).toBe(true);
    expect(s.healed).toEqual([2]);
  });
});

describe('temperature, entropy and the adaptive difficulty', () => {
  it('T = (2 V) / 3 exactly', () => {
    expect(temperature(0.3)).toBe(0.19999999999999998);
    expect(temperature(1.5)).toBe(1);
    expect(temperature(0)).toBe(0);
  });

  it('H = (D / 2) log2(2 pi e V / D), from dmath, with the variance floor', () => {
    expect(dmath.bitsHex(entropyBits(0.03, 3))).toBe('c00e98922919a19e');
    expect(entropyBits(0, 3)).toBe(entropyBits(1e-12 * 3, 3));
    expect(entropyBits(2 * 0.03, 3) - entropyBits(0.03, 3)).toBeCloseTo(1.5, 12);
  });

  it('d_t = d_{t-1} + 0.1 (H_t - H_{t-1}), clamped; no change for the first epoch', () => {
    const rule = { alpha: 0.1, min: 4, max: 16 };
    expect(nextDifficulty(8, 5, 3, rule)).toBe(8.2);
    expect(nextDifficulty(8, 3, 5, rule)).toBe(7.8);
    expect(nextDifficulty(8, 5, null, rule)).toBe(8);
    expect(nextDifficulty(15.9, 100, 0, rule)).toBe(16);
    expect(nextDifficulty(4.1, -100, 0, rule)).toBe(4);
  });

  it('PoW bits round the difficulty half up', () => {
    expect(powBits(8.49)).toBe(8);
    expect(powBits(8.5)).toBe(9);
    expect(powBits(0)).toBe(0);
  });
});
