import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maxFaulty, quorumSize, weakQuorumSize } from '../../src/protocol/quorum.js';

describe('quorum arithmetic', () => {
  it('gives the classic 2f+1 of 3f+1', () => {
    expect([4, 7, 10, 100].map((n) => [maxFaulty(n), quorumSize(n)])).toEqual([
      [1, 3],
      [2, 5],
      [3, 7],
      [33, 67],
    ]);
    expect(weakQuorumSize(4)).toBe(2);
  });

  it('any two quorums share an honest validator, and the honest can form one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (n) => {
        const f = maxFaulty(n);
        const q = quorumSize(n);
        expect(2 * q - n).toBeGreaterThanOrEqual(f + 1);
        expect(n - f).toBeGreaterThanOrEqual(q);
        expect(q).toBeLessThanOrEqual(n);
      }),
    );
  });
});
