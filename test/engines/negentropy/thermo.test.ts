import { describe, expect, it } from 'vitest';
import { dmath } from '../../../src/core/index.js';
import { anneal, answerEntropy, energies, entropy, gibbsChoice, gibbsProbabilities, updateQ } from '../../../src/engines/negentropy/thermo.js';
import { DEFAULT_NEGENTROPY_PARAMS as P } from '../../../src/engines/negentropy/index.js';

describe('energies E(c) = -log max(Q(c), floor)', () => {
  it('matches dmath bit for bit and floors Q = 0', () => {
    const e = energies([0.75, 0.25, 0], 1e-6);
    expect(e[0]).toBe(-dmath.log(0.75));
    expect(e[1]).toBe(-dmath.log(0.25));
    expect(e[2]).toBe(-dmath.log(1e-6));
    expect(e[2]).toBeCloseTo(13.815510557964274, 12);
    expect(energies([1], 1e-6)).toEqual([0]);
  });
});

describe('Gibbs probabilities exp(-E/T)/Z', () => {
  it('Q = (3/4, 1/4) at T = 1/2 gives (9/10, 1/10): pi ~ Q^(1/T)', () => {
    const e = energies([0.75, 0.25], 1e-6);
    const pi = gibbsProbabilities(e, 0.5);
    // Exact bits of the fixed-order computation (shift by min E, dmath exp, divide by Z).
    const w1 = dmath.exp(-(e[1]! - e[0]!) / 0.5);
    expect(pi[0]).toBe(1 / (1 + w1));
    expect(pi[1]).toBe(w1 / (1 + w1));
    expect(pi[0]).toBeCloseTo(0.9, 14);
    expect(pi[1]).toBeCloseTo(0.1, 14);
  });

  it('T = 1 reproduces Q (voter model); high T flattens; low T sharpens', () => {
    const e = energies([0.6, 0.3, 0.1], 1e-6);
    const one = gibbsProbabilities(e, 1);
    expect(one[0]).toBeCloseTo(0.6, 14);
    expect(one[1]).toBeCloseTo(0.3, 14);
    expect(one[2]).toBeCloseTo(0.1, 14);
    const cold = gibbsProbabilities(e, 0.05);
    expect(cold[0]).toBeGreaterThan(0.999999);
    const hot = gibbsProbabilities(e, 100);
    expect(Math.abs(hot[0]! - 1 / 3)).toBeLessThan(0.01);
  });

  it('a floored candidate keeps a tiny weight; an empty set gives []', () => {
    const pi = gibbsProbabilities(energies([1, 0], 1e-6), 0.5);
    expect(pi[1]).toBeCloseTo(1e-12, 20);
    expect(gibbsProbabilities([], 1)).toEqual([]);
  });

  it('inverse-CDF choice at the boundaries', () => {
    expect(gibbsChoice([0.9, 0.1], 0)).toBe(0);
    expect(gibbsChoice([0.9, 0.1], 0.8999)).toBe(0);
    expect(gibbsChoice([0.9, 0.1], 0.9)).toBe(1);
    expect(gibbsChoice([0.9, 0.1], 0.9999999999)).toBe(1);
  });
});

describe('entropy of the answer distribution (nats)', () => {
  it('exact values', () => {
    expect(entropy([1, 1])).toBe(-dmath.log(0.5));
    expect(entropy([1, 1])).toBeCloseTo(Math.LN2, 15);
    expect(entropy([20, 0])).toBe(0);
    expect(entropy([0, 0])).toBe(0);
    expect(entropy([15, 5])).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 14);
  });
});

describe('answer entropy: each missing answer is its own outcome', () => {
  it('exact values', () => {
    expect(answerEntropy([20], 0)).toBe(0);
    expect(answerEntropy([0], 20)).toBe(dmath.log(20)); // nobody answered: log k
    expect(answerEntropy([19], 1)).toBe(dmath.log(20) / 20 - 0.95 * dmath.log(0.95));
    expect(answerEntropy([10, 10], 0)).toBe(entropy([10, 10]));
    expect(answerEntropy([], 0)).toBe(0);
  });
});

describe('Q update', () => {
  it('mixes the poll in at qRate over the candidates only', () => {
    expect(updateQ([1, 0], [10, 10], 0.25)).toEqual([0.875, 0.125]);
    expect(updateQ([0.5, 0.5], [0, 0], 0.25)).toEqual([0.5, 0.5]);
  });
});

describe('annealing schedule', () => {
  it('heats above entropyHigh, cools below entropyLow, holds between, clamps to [tMin, tMax]', () => {
    expect(anneal(0.5, 0.6, P)).toBe(0.625);
    expect(anneal(0.5, 0.1, P)).toBe(0.4);
    expect(anneal(0.5, 0.3, P)).toBe(0.5);
    expect(anneal(0.85, 0.6, P)).toBe(P.tMax);
    expect(anneal(0.06, 0.1, P)).toBe(P.tMin);
    // From tInit, repeated unanimous polls reach the floor and stay there.
    let t = P.tInit;
    for (let i = 0; i < 100; i++) t = anneal(t, 0, P);
    expect(t).toBe(P.tMin);
  });
});
