import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/core/index.js';
import { FenwickWeights, HISTORY, PeerWeights, WEIGHT_UNIT, reliabilityUnits } from '../../../src/engines/negentropy/weights.js';

const B = { weightFloor: 0.5, weightCap: 2 };

describe('reliability weight = clamp(1 / (2p), floor, cap), p = (D + 1) / (A + D + 2)', () => {
  it('exact values in units of 1/256', () => {
    expect(WEIGHT_UNIT).toBe(256);
    expect(reliabilityUnits(0, 0, B)).toBe(256); // p = 1/2: weight 1
    expect(reliabilityUnits(1, 0, B)).toBe(384); // p = 1/3: 1.5
    expect(reliabilityUnits(0, 1, B)).toBe(192); // p = 2/3: 0.75
    expect(reliabilityUnits(2, 0, B)).toBe(512); // p = 1/4: 2 = cap
    expect(reliabilityUnits(1000, 0, B)).toBe(512); // capped
    expect(reliabilityUnits(0, 2, B)).toBe(171); // p = 3/4: 2/3
    expect(reliabilityUnits(0, 1000, B)).toBe(128); // p -> 1: tends to 1/2, never 0
    expect(reliabilityUnits(0, 2, { weightFloor: 0.8, weightCap: 2 })).toBe(205); // a higher floor binds: 0.8
  });
});

describe('Fenwick tree', () => {
  it('finds the index owning a cumulative position', () => {
    const f = new FenwickWeights(5);
    [3, 0, 2, 5, 1].forEach((w, i) => f.set(i, w));
    expect(f.total).toBe(11);
    const owners = Array.from({ length: 11 }, (_, r) => f.find(r));
    expect(owners).toEqual([0, 0, 0, 2, 2, 3, 3, 3, 3, 3, 4]);
    f.set(3, 0);
    expect(f.total).toBe(6);
    expect(f.find(5)).toBe(4);
  });
});

describe('PeerWeights sampling', () => {
  it('draws min(k, n - 1) distinct peers, never itself, deterministically', () => {
    const w = new PeerWeights(30, 7, B);
    const a = w.sample(20, Prng.fromSeed(1));
    const b = w.sample(20, Prng.fromSeed(1));
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(20);
    expect(a).not.toContain(7);
    expect(new PeerWeights(10, 0, B).sample(20, Prng.fromSeed(2)).length).toBe(9);
  });

  it('samples in proportion to weight (a capped peer about 4x a floored one)', () => {
    const w = new PeerWeights(3, 0, B);
    for (let i = 0; i < 10; i++) {
      w.record(1, true);
      w.record(2, false);
    }
    expect(w.units(1)).toBe(512);
    expect(w.units(2)).toBe(140); // p = 11/12
    expect(w.units(0)).toBe(0);
    const rng = Prng.fromSeed(3);
    let ones = 0;
    const draws = 20_000;
    for (let i = 0; i < draws; i++) if (w.sample(1, rng)[0] === 1) ones++;
    // 512 / (512 + 140) = 0.785
    expect(ones / draws).toBeGreaterThan(0.77);
    expect(ones / draws).toBeLessThan(0.80);
  });

  it('halves the record beyond 2 * HISTORY so recent behaviour counts', () => {
    const w = new PeerWeights(2, 0, B);
    for (let i = 0; i < 2 * HISTORY; i++) w.record(1, true);
    expect(w.units(1)).toBe(512);
    for (let i = 0; i < 3 * HISTORY; i++) w.record(1, false);
    // Without halving: A = 256, D = 384, w = 0.83 (213 units); with it the old agreements fade.
    expect(w.units(1)).toBeLessThan(150);
  });
});
