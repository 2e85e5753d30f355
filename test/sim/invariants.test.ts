/**
 * Each invariant checker on crafted finalize sequences: one that must pass and one that must
 * fail, per checker. Node 3 is Byzantine in every case (its decisions are never judged).
 */
import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../../src/sim/index.js';
import type { FinalizedEntry } from '../../src/protocol/index.js';

const GENESIS = 1000n;

function checker(): InvariantChecker {
  return new InvariantChecker(4, [true, true, true, false], GENESIS);
}

function entry(seq: number, h: number, value: string, extra: Partial<FinalizedEntry> = {}): FinalizedEntry {
  return { seq, slot: `h:${h}`, value, txIds: [], height: h, stateRoot: `root-${value}`, supply: GENESIS + BigInt(h), minted: BigInt(h), ...extra };
}

describe('agreement', () => {
  it('passes when honest nodes decide the same value per slot (a Byzantine node may differ)', () => {
    const c = checker();
    for (const node of [0, 1, 2]) for (let h = 1; h <= 3; h++) expect(c.onFinalize(node, h, entry(h - 1, h, `b${h}`))).toBe('new');
    expect(c.onFinalize(3, 1, entry(0, 1, 'evil'))).toBe('ignored');
    expect(c.violationCount).toBe(0);
  });

  it('fails when two honest nodes decide different values for a slot, naming the slot', () => {
    const c = checker();
    c.onFinalize(0, 10, entry(0, 1, 'A', { stateRoot: 'r' }));
    expect(c.onFinalize(1, 11, entry(0, 1, 'B', { stateRoot: 'r' }))).toBe('violation');
    expect(c.countOf('agreement')).toBe(1);
    expect(c.violations[0]).toMatchObject({ kind: 'agreement', node: 1, atMs: 11, slot: 'h:1' });
  });
});

describe('finality never reverts', () => {
  it('passes for a gap-free log and for an identical replay after a restart', () => {
    const c = checker();
    c.onFinalize(0, 1, entry(0, 1, 'a'));
    c.onFinalize(0, 2, entry(1, 2, 'b'));
    // Restarted: replays its last entry identically, then continues.
    expect(c.onFinalize(0, 3, entry(1, 2, 'b'))).toBe('replay');
    expect(c.onFinalize(0, 4, entry(2, 3, 'c'))).toBe('new');
    expect(c.violationCount).toBe(0);
    expect(c.logLength(0)).toBe(3);
  });

  it('fails when a seq is re-decided differently (e.g. after a restart that lost a decision)', () => {
    const c = checker();
    c.onFinalize(0, 1, entry(0, 1, 'a'));
    c.onFinalize(0, 2, entry(1, 2, 'b'));
    expect(c.onFinalize(0, 3, entry(1, 2, 'b2'))).toBe('violation');
    expect(c.countOf('revert')).toBe(1);
  });

  it('fails on a gap in the sequence', () => {
    const c = checker();
    c.onFinalize(1, 1, entry(0, 1, 'a'));
    expect(c.onFinalize(1, 2, entry(2, 3, 'c'))).toBe('violation');
    expect(c.violations[0]).toMatchObject({ kind: 'revert', node: 1 });
  });

  it('fails when a node decides a slot again with a new seq and another value', () => {
    const c = checker();
    c.onFinalize(2, 1, entry(0, 1, 'a'));
    c.onFinalize(2, 2, entry(1, 1, 'a-prime'));
    expect(c.countOf('revert')).toBe(1);
    expect(c.violations[0]!.slot).toBe('h:1');
  });
});

describe('equal state roots at equal heights', () => {
  it('passes when honest nodes report the same root per height (different slots naming is fine)', () => {
    const c = checker();
    c.onFinalize(0, 1, entry(0, 5, 'x', { stateRoot: 'R5' }));
    c.onFinalize(1, 1, entry(0, 5, 'x', { stateRoot: 'R5' }));
    c.onFinalize(3, 1, entry(0, 5, 'x', { stateRoot: 'byzantine' }));
    expect(c.countOf('state-root')).toBe(0);
  });

  it('fails when two honest nodes report different roots at one height', () => {
    const c = checker();
    c.onFinalize(0, 1, entry(0, 5, 'x', { stateRoot: 'R5' }));
    c.onFinalize(1, 1, entry(0, 5, 'x', { stateRoot: 'R5-other' }));
    expect(c.countOf('state-root')).toBe(1);
    expect(c.countOf('agreement')).toBe(0);
  });
});

describe('supply conserved', () => {
  it('passes when supply = genesis supply + minted', () => {
    const c = checker();
    c.onFinalize(0, 1, entry(0, 1, 'a', { supply: GENESIS + 7n, minted: 7n }));
    c.onFinalize(0, 1, entry(1, 2, 'b', { supply: GENESIS, minted: undefined }));
    expect(c.countOf('supply')).toBe(0);
  });

  it('fails when supply drifts from genesis + minted', () => {
    const c = checker();
    expect(c.onFinalize(0, 1, entry(0, 1, 'a', { supply: GENESIS + 8n, minted: 7n }))).toBe('violation');
    expect(c.countOf('supply')).toBe(1);
    expect(c.onFinalize(1, 1, entry(0, 1, 'a', { supply: GENESIS - 1n, minted: -1n }))).toBe('violation');
    expect(c.countOf('supply')).toBe(2);
  });
});

describe('every transaction finalized at most once per honest node', () => {
  it('passes when each node finalizes a transaction once (several nodes may each finalize it)', () => {
    const c = checker();
    for (const node of [0, 1, 2]) {
      c.onFinalize(node, 1, entry(0, 1, 'a', { txIds: ['t1', 't2'] }));
      c.onFinalize(node, 2, entry(1, 2, 'b', { txIds: ['t3'] }));
    }
    expect(c.countOf('exactly-once')).toBe(0);
    expect(c.finalizedAt('t2', 1)).toBe(true);
    expect(c.finalizedAt('t3', 3)).toBe(false);
  });

  it('fails when a node finalizes a transaction in two entries, or twice in one', () => {
    const c = checker();
    c.onFinalize(0, 1, entry(0, 1, 'a', { txIds: ['t1'] }));
    expect(c.onFinalize(0, 2, entry(1, 2, 'b', { txIds: ['t1'] }))).toBe('violation');
    expect(c.onFinalize(1, 2, entry(0, 1, 'a', { txIds: ['t9', 't9'] }))).toBe('violation');
    expect(c.countOf('exactly-once')).toBe(2);
    expect(c.violations.map((v) => v.node)).toEqual([0, 1]);
  });
});

describe('bounds', () => {
  it('keeps at most maxKept violations in full but counts them all', () => {
    const c = new InvariantChecker(2, [true, true], GENESIS, { maxKept: 3 });
    for (let h = 1; h <= 10; h++) {
      c.onFinalize(0, h, entry(h - 1, h, 'a', { stateRoot: undefined, supply: undefined }));
      c.onFinalize(1, h, entry(h - 1, h, 'b', { stateRoot: undefined, supply: undefined }));
    }
    expect(c.violationCount).toBe(10);
    expect(c.violations.length).toBe(3);
  });
});
