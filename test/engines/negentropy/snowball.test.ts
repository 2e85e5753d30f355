import { describe, expect, it } from 'vitest';
import { SNOWBALL_START, pollWinner, snowballFinal, snowballStep } from '../../../src/engines/negentropy/snowball.js';

describe('Snowball counter', () => {
  it('a poll succeeds with alpha answers for one value, not with alpha - 1', () => {
    expect(pollWinner(new Map([['a', 15], ['b', 5]]), 15)).toBe('a');
    expect(pollWinner(new Map([['a', 14], ['b', 6]]), 15)).toBeNull();
    expect(pollWinner(new Map(), 15)).toBeNull();
  });

  it('counts consecutive successes for the same value; final at betaC, not betaC - 1', () => {
    let c = SNOWBALL_START;
    for (let i = 0; i < 19; i++) c = snowballStep(c, 'a');
    expect(c).toEqual({ last: 'a', count: 19 });
    expect(snowballFinal(c, 20)).toBe(false);
    c = snowballStep(c, 'a');
    expect(snowballFinal(c, 20)).toBe(true);
  });

  it('a failed poll resets; a success for another value restarts at 1', () => {
    let c = SNOWBALL_START;
    for (let i = 0; i < 10; i++) c = snowballStep(c, 'a');
    expect(snowballStep(c, null)).toEqual(SNOWBALL_START);
    c = snowballStep(c, 'b');
    expect(c).toEqual({ last: 'b', count: 1 });
    expect(snowballStep(SNOWBALL_START, null)).toBe(SNOWBALL_START);
  });
});
