/**
 * The voting, lock and three-chain commit rules (safety.ts) on hand-built block stores, and the
 * pacemaker's backoff. Nodes here carry fake hashes: the rules only look at links and heights.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/core/index.js';
import { BlockStore, Pacemaker, MAX_VIEW_AHEAD, makeQC, parseHotStuffParams, safeNode, updateFromQC } from '../../../src/engines/hotstuff/index.js';
import type { HsNode, QuorumCert } from '../../../src/engines/hotstuff/index.js';
import type { Effect } from '../../../src/protocol/index.js';
import type { HsMessage } from '../../../src/engines/hotstuff/index.js';
import { GENESIS, GENESIS_BLOCK } from './helpers.js';

function h(name: string): string {
  return name.padEnd(64, '0');
}

function qcOf(name: string, view: number): QuorumCert {
  return makeQC(view, fromHex(h(name)), [{ voter: 0, signature: new Uint8Array(64) }]);
}

function node(name: string, height: number, view: number, parent: string, justify: string, justifyView: number): HsNode {
  return Object.freeze({
    block: GENESIS_BLOCK,
    hash: fromHex(h(name)),
    hashHex: h(name),
    height,
    view,
    parentHex: parent === '' ? '' : h(parent),
    qc: qcOf(justify, justifyView),
    state: GENESIS,
    txIds: [],
  });
}

/** g <- a <- b <- c <- d, each certifying its parent; views with gaps. */
function chain(): BlockStore {
  const s = new BlockStore(node('0', 0, 0, '', '0', 0));
  s.add(node('a', 1, 1, '0', '0', 0));
  s.add(node('b', 2, 2, 'a', 'a', 1));
  s.add(node('c', 3, 5, 'b', 'b', 2)); // views 3 and 4 failed: direct parents anyway
  s.add(node('d', 4, 6, 'c', 'c', 5));
  return s;
}

describe('hotstuff three-chain commit rule (event-driven HotStuff, Algorithm 4)', () => {
  it('QC(c) over a <- b <- c with direct parents commits a and locks b', () => {
    const out = updateFromQC(chain(), qcOf('c', 5), { height: 0, hashHex: h('0') });
    expect(out.commit?.hashHex).toBe(h('a'));
    expect(out.lock?.hashHex).toBe(h('b'));
  });

  it('a gap in the parent links (justify is not the parent) commits nothing', () => {
    const s = new BlockStore(node('0', 0, 0, '', '0', 0));
    s.add(node('a', 1, 1, '0', '0', 0));
    s.add(node('9', 2, 2, 'a', 'a', 1)); // 9 was never certified
    s.add(node('b', 3, 4, '9', 'a', 1)); // b extends 9 but justifies a
    s.add(node('c', 4, 5, 'b', 'b', 4));
    const out = updateFromQC(s, qcOf('c', 5), { height: 0, hashHex: h('0') });
    expect(out.commit).toBeUndefined(); // b's parent 9 is not b.justify.node a
    expect(out.lock?.hashHex).toBe(h('b'));
  });

  it('the lock only moves up', () => {
    const out = updateFromQC(chain(), qcOf('c', 5), { height: 3, hashHex: h('c') });
    expect(out.lock).toBeUndefined();
    expect(out.commit?.hashHex).toBe(h('a'));
  });

  it('a QC of a block we lack changes nothing', () => {
    expect(updateFromQC(chain(), qcOf('f0f', 9), { height: 0, hashHex: h('0') })).toEqual({});
  });
});

describe('hotstuff safeNode', () => {
  const s = chain();
  s.add(node('e', 3, 7, 'b', 'a', 1)); // conflicts with c, justifies a (height 1)
  s.add(node('f', 3, 8, 'b', 'b', 2)); // conflicts with c, justifies b (height 2)
  it('extends the locked block: safe', () => {
    expect(safeNode(s, s.get(h('d'))!, { height: 3, hashHex: h('c') })).toBe(true);
  });
  it('conflicts with the lock, QC not higher than the lock: unsafe', () => {
    expect(safeNode(s, s.get(h('e'))!, { height: 3, hashHex: h('c') })).toBe(false);
    expect(safeNode(s, s.get(h('f'))!, { height: 2, hashHex: h('99') })).toBe(false);
  });
  it('conflicts with the lock but its QC certifies a higher block: safe (liveness rule)', () => {
    expect(safeNode(s, s.get(h('f'))!, { height: 1, hashHex: h('77') })).toBe(true);
  });
});

describe('hotstuff pacemaker', () => {
  it('doubles the timeout per consecutive timeout up to the cap, resets on a QC', () => {
    const p = new Pacemaker(4, parseHotStuffParams({ viewTimeoutMs: 100, maxBackoffExponent: 2 }));
    const out: Effect<HsMessage>[] = [];
    expect(p.timeoutMs()).toBe(100);
    expect(p.onTimeout(0, out)).toBe(2);
    expect(p.timeoutMs()).toBe(200);
    p.onTimeout(0, out);
    p.onTimeout(0, out);
    expect(p.timeoutMs()).toBe(400); // capped at 2^2
    expect(p.advance(10, true, 0, out)).toBe(true);
    expect(p.timeoutMs()).toBe(100);
    expect(p.leader(10)).toBe(2);
    expect(out.filter((e) => e.kind === 'set-timer').length).toBe(4);
  });

  it('bounds how far a message view may run ahead', () => {
    const p = new Pacemaker(4, parseHotStuffParams(null));
    expect(p.viewLimit(0)).toBe(1 + MAX_VIEW_AHEAD);
    expect(p.viewLimit(100)).toBe(101 + MAX_VIEW_AHEAD);
  });
});
