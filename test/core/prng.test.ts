import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex } from '../../src/core/bytes.js';
import { Prng } from '../../src/core/prng.js';
import { isThermoError } from '../../src/core/errors.js';

// State words (1, 2, 3, 4), big-endian in the key, as our keying rule reads them.
const KEY_1234 = fromHex('00000001000000020000000300000004' + '00'.repeat(16));

describe('Prng (xoshiro128**)', () => {
  it('reproduces the reference C implementation from state {1, 2, 3, 4}', () => {
    // Outputs of Blackman and Vigna's xoshiro128starstar.c, as listed in rand_xoshiro's test
    // `Xoshiro128StarStar::reference`.
    const rng = Prng.fromKey(KEY_1234);
    const out = Array.from({ length: 10 }, () => rng.nextU32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });

  it('is reproducible from a seed and independent across derived streams', () => {
    const a = Prng.fromSeed(42);
    const b = Prng.fromSeed(42);
    for (let i = 0; i < 100; i++) expect(a.nextU32()).toBe(b.nextU32());
    // derive() depends on the key only, not on how much the parent consumed
    const fresh = Prng.fromSeed(7);
    const used = Prng.fromSeed(7);
    for (let i = 0; i < 13; i++) used.nextU32();
    expect(fresh.derive('node/3').nextU32()).toBe(used.derive('node/3').nextU32());
    expect(fresh.derive('node/3').nextU32()).not.toBe(fresh.derive('node/4').nextU32());
  });

  it('pins the first outputs of seed 1 (golden: changing the keying rule is a breaking change)', () => {
    const rng = Prng.fromSeed(1);
    const first = [rng.nextU32(), rng.nextU32(), rng.nextU32()];
    const again = Prng.fromSeed(1);
    expect([again.nextU32(), again.nextU32(), again.nextU32()]).toEqual(first);
    expect(first).toMatchInlineSnapshot(`
      [
        4198508859,
        1620203376,
        2456488722,
      ]
    `);
  });

  it('maps an all-zero key to a non-degenerate stream', () => {
    const rng = Prng.fromKey(new Uint8Array(32));
    const out = new Set(Array.from({ length: 8 }, () => rng.nextU32()));
    expect(out.size).toBeGreaterThan(4);
  });

  it('draws floats in [0, 1) and unbiased ints in [0, bound)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 32 }), (seed, bound) => {
        const rng = Prng.fromSeed(seed);
        const x = rng.nextFloat();
        expect(x >= 0 && x < 1).toBe(true);
        const k = rng.nextInt(bound);
        expect(Number.isInteger(k) && k >= 0 && k < bound).toBe(true);
      }),
      { numRuns: 500 },
    );
    // a coarse uniformity check on 6 buckets: each within 5% of 1/6 over 60k draws
    const rng = Prng.fromSeed(99);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.nextInt(6)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('draws normals with the requested mean and spread', () => {
    const rng = Prng.fromSeed(5);
    let sum = 0;
    let sumSq = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const z = rng.nextNormal(0, 0.5);
      sum += z;
      sumSq += z * z;
    }
    const mean = sum / n;
    const sd = Math.sqrt(sumSq / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.01);
  });

  it('rejects bad keys and bounds with typed errors', () => {
    for (const [fn, code] of [
      [() => Prng.fromKey(new Uint8Array(31)), 'PRNG_BAD_KEY'],
      [() => Prng.fromSeed(1).nextInt(0), 'PRNG_BAD_BOUND'],
      [() => Prng.fromSeed(1).nextInt(2 ** 32 + 1), 'PRNG_BAD_BOUND'],
    ] as const) {
      try {
        fn();
        expect.unreachable();
      } catch (err) {
        expect(isThermoError(err, code)).toBe(true);
      }
    }
  });
});
