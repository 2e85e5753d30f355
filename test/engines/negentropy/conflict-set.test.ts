import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/core/index.js';
import { ConflictSet } from '../../../src/engines/negentropy/conflict-set.js';
import type { SlotPoll } from '../../../src/engines/negentropy/conflict-set.js';
import { prefixHex, slotDigest } from '../../../src/engines/negentropy/slots.js';
import { params } from './helpers.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const P = params();

function poll(votes: Record<string, number>, missing = 0, alpha = 15): SlotPoll {
  return { votes: new Map(Object.entries(votes)), missing, alpha, answerPeers: [], answerValues: [] };
}

function set(t0 = 0.5): ConflictSet<string> {
  return new ConflictSet<string>('cs:x:0', slotDigest('cs:x:0'), 0, t0);
}

describe('conflict set', () => {
  it('keeps candidates in id order; the first is the preference with Q = 1', () => {
    const s = set();
    expect(s.add(B, 'b', 4)).toBe('added');
    expect(s.add(A, 'a', 4)).toBe('added');
    expect(s.add(A, 'a', 4)).toBe('known');
    expect(s.candidates.map((c) => c.id)).toEqual([A, B]);
    expect(s.preference).toBe(B);
    expect(s.estimate).toEqual([0, 1]);
  });

  it('holds maxCandidates candidates (N) and refuses the next (N + 1); refuses a second id with the same wire prefix', () => {
    const s = set();
    for (let i = 0; i < 4; i++) expect(s.add(String(i).repeat(64), String(i), 4)).toBe('added');
    expect(s.add('9'.repeat(64), '9', 4)).toBe('full');
    const t = set();
    t.add(A, 'a', 4);
    expect(t.add('a'.repeat(32) + 'c'.repeat(32), 'c', 4)).toBe('prefix-collision');
  });

  it('decides after betaC consecutive alpha polls, not one fewer; a failed poll restarts the count', () => {
    const s = set();
    s.add(A, 'a', 4);
    const rng = Prng.fromSeed(1);
    for (let i = 0; i < 19; i++) expect(s.applyPoll(poll({ [prefixHex(A)]: 15 }, 5), P, rng).decided).toBeNull();
    expect(s.applyPoll(poll({ [prefixHex(A)]: 14 }, 6), P, rng).winner).toBeNull();
    expect(s.confidence.count).toBe(0);
    for (let i = 0; i < 19; i++) s.applyPoll(poll({ [prefixHex(A)]: 20 }), P, rng);
    expect(s.decided).toBeNull();
    expect(s.applyPoll(poll({ [prefixHex(A)]: 20 }), P, rng).decided).toBe(A);
    expect(s.decided).toBe(A);
  });

  it('the Gibbs choice follows Q: a cold slot adopts the sampled majority', () => {
    const s = set(0.05);
    s.add(A, 'a', 4);
    s.add(B, 'b', 4);
    expect(s.preference).toBe(A);
    const rng = Prng.fromSeed(2);
    for (let i = 0; i < 10; i++) s.applyPoll(poll({ [prefixHex(B)]: 18, [prefixHex(A)]: 2 }), P, rng);
    expect(s.preference).toBe(B);
    expect(s.estimate[1]!).toBeGreaterThan(0.8);
  });

  it('a split slot heats up to tMax (its draw approaches the voter model, pi ~ Q); an agreed one cools to tMin', () => {
    const split = set(0.05);
    split.add(A, 'a', 4);
    split.add(B, 'b', 4);
    const rng = Prng.fromSeed(6);
    for (let i = 0; i < 30; i++) split.applyPoll(poll({ [prefixHex(A)]: 10, [prefixHex(B)]: 10 }), P, rng);
    expect(split.t).toBe(P.tMax);
    for (let i = 0; i < 30; i++) split.applyPoll(poll({ [prefixHex(A)]: 20 }), P, rng);
    expect(split.t).toBe(P.tMin);
  });

  it('a value the node does not hold can win polls; it is decided once it arrives (decideIfFinal)', () => {
    const s = set();
    s.add(A, 'a', 4);
    const rng = Prng.fromSeed(3);
    for (let i = 0; i < 20; i++) s.applyPoll(poll({ [prefixHex(B)]: 20 }), P, rng);
    expect(s.decided).toBeNull();
    expect(s.decideIfFinal(P)).toBeNull();
    s.add(B, 'b', 4);
    expect(s.decideIfFinal(P)).toBe(B);
  });

  it('entropy counts each missing answer as its own outcome (an unreachable sample looks uncertain)', () => {
    const s = set();
    s.add(A, 'a', 4);
    const r = s.applyPoll(poll({ [prefixHex(A)]: 3 }, 16), P, Prng.fromSeed(4));
    expect(r.entropy).toBeCloseTo(-(3 / 19) * Math.log(3 / 19) + (16 / 19) * Math.log(19), 12);
    expect(r.entropy).toBeGreaterThan(P.entropyHigh);
    expect(s.applyPoll(poll({ [prefixHex(A)]: 20 }), P, Prng.fromSeed(4)).entropy).toBe(0);
  });

  it('wantsPoll: not once betaC successes are certain with the polls in flight', () => {
    const s = set();
    s.add(A, 'a', 4);
    const rng = Prng.fromSeed(5);
    for (let i = 0; i < 15; i++) s.applyPoll(poll({ [prefixHex(A)]: 20 }), P, rng);
    s.inFlight = 4;
    expect(s.wantsPoll(P)).toBe(true);
    s.inFlight = 5;
    expect(s.wantsPoll(P)).toBe(false);
  });
});
