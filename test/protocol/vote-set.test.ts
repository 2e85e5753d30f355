import { describe, expect, it } from 'vitest';
import { VoteSet } from '../../src/protocol/vote-set.js';
import { isThermoError } from '../../src/core/errors.js';

describe('VoteSet', () => {
  it('counts each voter once and reports equivocation', () => {
    const votes = new VoteSet<string>(4);
    expect(votes.add(0, 'a', 's0')).toEqual({ kind: 'counted', votes: 1 });
    expect(votes.add(0, 'a', 's0')).toEqual({ kind: 'duplicate' });
    expect(votes.add(0, 'b', 's0b')).toEqual({ kind: 'equivocation', previous: 'a' });
    expect(votes.add(2, 'a', 's2')).toEqual({ kind: 'counted', votes: 2 });
    expect(votes.add(1, 'b', 's1')).toEqual({ kind: 'counted', votes: 1 });
    expect([0, 1, 2, 3].map((v) => votes.has(v))).toEqual([true, true, true, false]);
    expect(votes.valueWith(3)).toBeUndefined();
    votes.add(3, 'a', 's3');
    expect(votes.valueWith(3)).toBe('a');
    expect(votes.certificate('a')).toEqual([
      { voter: 0, signature: 's0' },
      { voter: 2, signature: 's2' },
      { voter: 3, signature: 's3' },
    ]);
    expect(votes.size).toBe(4);
  });

  it('rejects a voter outside the set with a typed error', () => {
    const votes = new VoteSet(4);
    let caught: unknown;
    try {
      votes.add(4, 'a', new Uint8Array());
    } catch (err) {
      caught = err;
    }
    expect(isThermoError(caught, 'PROTOCOL_UNKNOWN_VOTER')).toBe(true);
  });
});
