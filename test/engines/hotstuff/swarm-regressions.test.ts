/**
 * Liveness stalls the swarm (src/sim/fuzz, docs/RELIABILITY.md, issue 8) found in HotStuff, one
 * block per cause; safety held in every one of them.
 *
 * 1. Nothing was re-sent within a view. A proposal, a vote and a NEW-VIEW each went out once;
 *    under loss one lost copy cost the whole view, and a commit needs three consecutive
 *    certified views (the three-chain), so under 25.7 % loss with n = 5 no block was committed
 *    for 30 s. Now, on the retransmission tick once the last copy is retransmitMs / 2 old, the
 *    leader re-broadcasts its proposal until a QC of its view is seen, a voter re-sends its last
 *    vote to leader(v + 1) while it waits for that view, and a replica that entered a view by
 *    timeout re-broadcasts its NEW-VIEW (as LibraBFT/DiemBFT v4 re-send the last vote or
 *    timeout message).
 * 2. The backoff ran away. Every failed view doubled the timeout up to 2^6 = 64 s; a run of
 *    failed views (silent leaders, or a crashed replica leaving exactly no quorum) put every timer
 *    beyond the liveness window and the cluster tried a new leader about once a minute. Now the
 *    default cap is 2^2 (4 s; DiemBFT/Aptos cap near 3x), and only a QC newer than the highest
 *    one known counts as progress (old QCs ride in every block and NEW-VIEW).
 * 3. A crash in drainPending, found replaying the drawn seeds after 1 and 2: proposals waiting
 *    for the same parent were drained from a snapshot; when an earlier one committed, the store
 *    was pruned (the parent with it) and validating the next one read an undefined parent.
 * 4. A Byzantine leader heard by one replica stopped every commit (seed 578): the view after
 *    it never heard n - f NEW-VIEWs (its voter announced nothing), failed by timeout, and the
 *    QC ending each three-chain, formed by the Byzantine leader, was lost. A vote now counts as
 *    heard when the leader decides whether the previous view failed (checkFailed).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOTSTUFF_PARAMS, HotStuffEngine, PROPOSE_TIMER, Pacemaker, RETRANSMIT_TIMER, VIEW_TIMER, blockMeta, parseHotStuffParams, signVote } from '../../../src/engines/hotstuff/index.js';
import type { HsMessage } from '../../../src/engines/hotstuff/index.js';
import type { Effect } from '../../../src/protocol/index.js';
import { toHex } from '../../../src/core/index.js';
import { validatorKeyPair } from '../../../src/sim/index.js';
import { blockHash } from '../../../src/ledger/index.js';
import { decodeCase, drawCase, runCase } from '../../../src/sim/fuzz/index.js';
import { expectRecovered } from '../../support/swarm-verdict.js';
import { CHAIN, GENESIS, GENESIS_BLOCK, GENESIS_QC, craftBlock, ctxFor, msg, penalties, qcFor, sentVotes } from './helpers.js';
import type { Out } from './helpers.js';

const N = 4;
/** Transfers the simulated clients got acknowledged in these runs (the load is part of the case). */
const ACKED_107 = 14;
const ACKED_116 = 42;
const ACKED_130 = 96;
const TICK = DEFAULT_HOTSTUFF_PARAMS.retransmitMs;

function replica(self: number, params: Record<string, unknown> = {}): HotStuffEngine {
  const e = new HotStuffEngine(ctxFor(self, N, params));
  e.handle({ kind: 'start', now: 0 });
  return e;
}

function tick(e: HotStuffEngine, now: number): readonly Out[] {
  return e.handle({ kind: 'timer', timer: RETRANSMIT_TIMER, now });
}

function broadcasts(effects: readonly Out[], t: HsMessage['t']): readonly HsMessage[] {
  return effects.flatMap((x) => (x.kind === 'broadcast' && x.message.t === t ? [x.message] : []));
}

describe('hotstuff swarm regression 1: proposals, votes and new-views are re-sent within a view', () => {
  it('shrunk case (n = 5, 25.7 % loss, no Byzantine node) finalizes every acknowledged transfer', () => {
    // Before: 5 acknowledged, 2 never finalized (a two-chain locked, no direct three-chain in 30 s).
    const v = runCase(
      decodeCase(
        'eyJ2IjoxLCJlbmdpbmUiOiJob3RzdHVmZiIsInNlZWQiOjIsIm5vZGVzIjo1LCJieXphbnRpbmUiOltdLCJiZWhhdmlvdXIiOiJzaWxlbnQiLCJhdHRhY2tzIjpbXSwibG9zcyI6MC4yNTcsImR1cGxpY2F0ZSI6MCwicmVvcmRlciI6MCwicmVvcmRlck1heE1zIjowLCJwYXJ0aXRpb25zIjpbXSwiY3Jhc2hlcyI6W10sInNrZXdzIjpbMCwwLDAsMCwwXSwiZHVyYXRpb25TIjo0LCJkcmFpblMiOjMwLCJ0cHMiOjEsInBhcmFtcyI6bnVsbCwibGl2ZW5lc3NNcyI6MzAwMDB9',
      ),
    );
    expectRecovered(v, 5);
  });

  it('the leader re-broadcasts its proposal each tick until a QC of its view is seen', () => {
    const leader1 = replica(1, { batchIntervalMs: 0 }); // leader of view 1 proposes at start
    const first = broadcasts(tick(leader1, TICK), 'proposal');
    expect(first).toHaveLength(1);
    const b1 = first[0]!.t === 'proposal' ? first[0]!.block : GENESIS_BLOCK;
    expect(blockMeta(b1).view).toBe(1);
    expect(broadcasts(tick(leader1, 2 * TICK), 'proposal')).toEqual([{ t: 'proposal', block: b1 }]);
    // The proposal of view 2 carries a QC of view 1: the view is over, no more copies.
    expect(b1.txs).toHaveLength(0); // empty mempool: b1's post-state is the genesis state
    const b2 = craftBlock(N, 2, b1, GENESIS, qcFor(1, b1, [0, 1, 2]));
    leader1.handle(msg(2, { t: 'proposal', block: b2 }, 2 * TICK + 10));
    expect(broadcasts(tick(leader1, 3 * TICK), 'proposal')).toEqual([]);
  });

  it('a voter re-sends its vote to leader(v + 1) each tick until it sees a QC of view v', () => {
    const e = replica(3);
    const b1 = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC);
    const first = sentVotes(e.handle(msg(1, { t: 'proposal', block: b1 })));
    expect(first).toHaveLength(1);
    expect(sentVotes(tick(e, TICK))).toEqual(first);
    expect(sentVotes(tick(e, 2 * TICK))).toEqual(first);
    // A QC of view 1 (in the proposal of view 2): replica 3 votes for b2 and, being leader(3)
    // itself, counts that vote locally; nothing is re-sent.
    const b2 = craftBlock(N, 2, b1, GENESIS, qcFor(1, b1, [0, 1, 2]));
    e.handle(msg(2, { t: 'proposal', block: b2 }, 2 * TICK + 10));
    expect(e.status().telemetry['highQcView']).toBe(1);
    expect(sentVotes(tick(e, 3 * TICK))).toEqual([]);
  });

  it('a replica that timed out re-broadcasts its NEW-VIEW each tick while it stays in that view', () => {
    const e = replica(3);
    const timeout = e.handle({ kind: 'timer', timer: VIEW_TIMER, now: 1000 });
    expect(broadcasts(timeout, 'new-view').map((m) => (m.t === 'new-view' ? m.view : -1))).toEqual([2]);
    expect(broadcasts(tick(e, 1000 + TICK), 'new-view').map((m) => (m.t === 'new-view' ? m.view : -1))).toEqual([2]);
    // The proposal of view 2 arrives: replica 3 votes and moves to view 3; nothing to announce.
    e.handle(msg(2, { t: 'proposal', block: craftBlock(N, 2, GENESIS_BLOCK, GENESIS, GENESIS_QC) }, 1000 + TICK + 10));
    expect(e.status().telemetry['view']).toBe(3);
    expect(broadcasts(tick(e, 1000 + 2 * TICK), 'new-view')).toEqual([]);
  });
});

describe('hotstuff swarm regression 2: the view timeout is bounded and grows only while no QC forms', () => {
  it('shrunk case of seed 107 (n = 10, 2 silent, 13.4 % loss) finalizes every acknowledged transfer', () => {
    // Before: no QC at all; 8 honest replicas stalled in views 8-9 with 32 s timers, 10 acknowledged
    // transfers never finalized. Either fix alone lets this case finish; both together: 14 acked.
    const v = runCase(
      decodeCase(
        'eyJ2IjoxLCJlbmdpbmUiOiJob3RzdHVmZiIsInNlZWQiOjEwNywibm9kZXMiOjEwLCJieXphbnRpbmUiOls0LDddLCJiZWhhdmlvdXIiOiJzaWxlbnQiLCJhdHRhY2tzIjpbXSwibG9zcyI6MC4xMzQsImR1cGxpY2F0ZSI6MCwicmVvcmRlciI6MCwicmVvcmRlck1heE1zIjowLCJwYXJ0aXRpb25zIjpbXSwiY3Jhc2hlcyI6W10sInNrZXdzIjpbMCwwLDAsMCwwLDAsMCwwLDAsMF0sImR1cmF0aW9uUyI6MTMsImRyYWluUyI6MzAsInRwcyI6MSwicGFyYW1zIjpudWxsLCJsaXZlbmVzc01zIjozMDAwMH0',
      ),
    );
    expectRecovered(v, ACKED_107);
  });

  it('drawn seed 116 (n = 31, 10 silent, two crashes leaving exactly no quorum) finalizes every acknowledged transfer', () => {
    // Before: views 8-10 with 32 s timers after the crashes, no QC in 41 s, 42 transfers pending.
    // Re-sending alone does not fix this one (no loss here): the bounded timeout does.
    const v = runCase(drawCase('hotstuff', 116));
    expectRecovered(v, ACKED_116);
  });

  it('by default a view waits at most 4 x viewTimeoutMs, however many views failed', () => {
    const p = new Pacemaker(N, parseHotStuffParams(null));
    const out: Effect<HsMessage>[] = [];
    const seen: number[] = [];
    for (let k = 0; k < 8; k++) {
      seen.push(p.timeoutMs());
      p.onTimeout(0, out);
    }
    expect(seen).toEqual([1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000]);
  });

  it('an old QC (in a NEW-VIEW or a block) does not reset the backoff; a newer QC does', () => {
    const e = replica(3);
    const b1 = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC);
    const qc1 = qcFor(1, b1, [0, 1, 2]);
    const b2 = craftBlock(N, 2, b1, GENESIS, qc1);
    e.handle(msg(1, { t: 'proposal', block: b1 }, 10));
    e.handle(msg(2, { t: 'proposal', block: b2 }, 20));
    expect(e.status().telemetry['highQcView']).toBe(1);
    expect(e.status().telemetry['view']).toBe(3);
    e.handle({ kind: 'timer', timer: VIEW_TIMER, now: 1100 });
    e.handle({ kind: 'timer', timer: VIEW_TIMER, now: 3100 });
    expect(e.status().telemetry['view']).toBe(5);
    expect(e.status().telemetry['backoff']).toBe(2);
    // The QC of view 1 again, in a NEW-VIEW: nothing new formed, the backoff stays.
    e.handle(msg(1, { t: 'new-view', view: 5, qc: qc1, vote: null }, 3200));
    expect(e.status().telemetry['backoff']).toBe(2);
    // A QC of view 2 is new: progress.
    e.handle(msg(2, { t: 'new-view', view: 5, qc: qcFor(2, b2, [0, 1, 2]), vote: null }, 3300));
    expect(e.status().telemetry['highQcView']).toBe(2);
    expect(e.status().telemetry['backoff']).toBe(0);
  });
});

describe('hotstuff swarm regression 3: draining pending proposals after a commit', () => {
  it('drawn seed 130 (n = 21, 6 flooding, 7.3 % loss, a crash) runs without an engine error', () => {
    // Before (with fixes 1 and 2): TypeError "reading 'height'" in validate at replica 1, 7.9 s.
    const v = runCase(drawCase('hotstuff', 130));
    expect(v.engineErrors, v.firstEngineError ?? '').toBe(0);
    expect(v.safetyViolations, v.replay).toBe(0);
    expect(v.failure, v.replay).toBe(null);
    expect(v.summary.acked).toBe(ACKED_130);
    expect(v.ackedNotFinal).toBe(0);
  });
});

describe('hotstuff swarm regression 4: a Byzantine leader heard by one replica (seed 578)', () => {
  // n = 4, replica 1 runs the honest engine but sends only to replica 0. Before: no block was
  // ever final at replicas 0, 2 and 3 (95 acknowledged transfers in the drawn seed). Replica 1
  // leads every fourth view and collects the votes of the view before it, so the QC that ends
  // each three-chain of honest views was formed by replica 1 and reached replica 0 only, inside
  // replica 1's block. The leader after replica 1 heard replica 0's vote for that block and two
  // NEW-VIEWs, but waited for a third NEW-VIEW (replica 0, having voted, was already in the view
  // and announced nothing): the view failed by timeout every time, and the QC was lost with it.
  // Now (checkFailed) a vote counts as heard; with n - f heard and no block able to reach a
  // quorum the view failed, and the leader first fetches the voted block (its QC may be newer).
  it('the shrunk case (replica 1 talking to replica 0 only, nothing else) finalizes every acknowledged transfer', () => {
    const v = runCase(
      decodeCase(
        'eyJ2IjoxLCJlbmdpbmUiOiJob3RzdHVmZiIsInNlZWQiOjU3OCwibm9kZXMiOjQsImJ5emFudGluZSI6WzFdLCJiZWhhdmlvdXIiOiJob25lc3QiLCJhdHRhY2tzIjpbeyJraW5kIjoid2l0aGhvbGQiLCJyZWFjaCI6WzAsMV19XSwibG9zcyI6MCwiZHVwbGljYXRlIjowLCJyZW9yZGVyIjowLCJyZW9yZGVyTWF4TXMiOjAsInBhcnRpdGlvbnMiOltdLCJjcmFzaGVzIjpbXSwic2tld3MiOlswLDAsMCwwXSwiZHVyYXRpb25TIjo0LCJkcmFpblMiOjMwLCJ0cHMiOjEsInBhcmFtcyI6bnVsbCwibGl2ZW5lc3NNcyI6MzAwMDB9',
      ),
    );
    expectRecovered(v, 4);
  });

  it('drawn seed 578 (3.7 % loss, replica 0 down 6.3-7.0 s) finalizes every acknowledged transfer', () => {
    expectRecovered(runCase(drawCase('hotstuff', 578)), 83);
  });

  it('the leader of v + 1 counts a vote of v as heard: n - f heard, no quorum possible, it fetches the block and proposes', () => {
    const e = replica(2); // leader of view 2
    e.handle({ kind: 'timer', timer: VIEW_TIMER, now: 1000 }); // view 1 timed out: replica 2 enters 2
    e.handle(msg(3, { t: 'new-view', view: 2, qc: GENESIS_QC, vote: null }, 1010));
    expect(broadcasts(tick(e, 1020), 'proposal')).toEqual([]); // two of n - f = 3 in view 2
    // Replica 0 voted for replica 1's block b1 (never seen by replica 2), and moved to view 2.
    const b1 = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC);
    const hash = blockHash(b1);
    const out = e.handle(msg(0, { t: 'vote', view: 1, hash, signature: signVote(validatorKeyPair(0), CHAIN, 1, hash) }, 1030));
    expect(out.filter((x) => x.kind === 'send' && x.message.t === 'sync-request').map((x) => (x.kind === 'send' ? x.to : -1))).toEqual([0]);
    expect(broadcasts(out, 'proposal')).toEqual([]); // waits for b1 (its QC may be newer)
    const after = e.handle(msg(0, { t: 'sync-response', blocks: [b1], qc: null }, 1040));
    const fired = [...after, ...e.handle({ kind: 'timer', timer: PROPOSE_TIMER, now: 1040 + DEFAULT_HOTSTUFF_PARAMS.batchIntervalMs })];
    const proposals = broadcasts(fired, 'proposal');
    expect(proposals).toHaveLength(1);
    const p = proposals[0]!;
    if (p.t !== 'proposal') throw new Error('unreachable');
    expect(blockMeta(p.block).view).toBe(2);
    expect(toHex(p.block.header.parents[0]!)).toBe(toHex(hash)); // its leaf: the fetched block replica 0 voted for
  });
});

describe('hotstuff swarm regression 5: a forged trailing QC in a sync answer (seed 581)', () => {
  // The drawn seed (n = 30, 13 s of CPU: too slow for npm test) replays with
  // `npx thermo sim fuzz --engine hotstuff --seed 581`: a revert violation before, ok since.
  it('the good blocks of the answer keep their commits, records and finalize entries; the sender is penalized', () => {
    // Blocks 1-4 in views 1-4, each carrying the QC of its parent: QC(3) inside block 4 commits
    // block 1 (three-chain 1 <- 2 <- 3). The answer's trailing QC has a forged signature.
    const b1 = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC);
    const b2 = craftBlock(N, 2, b1, GENESIS, qcFor(1, b1, [0, 1, 2]));
    const b3 = craftBlock(N, 3, b2, GENESIS, qcFor(2, b2, [0, 1, 2]));
    const b4 = craftBlock(N, 4, b3, GENESIS, qcFor(3, b3, [0, 1, 2]));
    const good = qcFor(4, b4, [0, 1, 2]);
    const forged = { ...good, votes: good.votes.map((v, i) => (i === 0 ? { ...v, signature: new Uint8Array(64) } : v)) };
    const e = replica(3);
    const out = e.handle(msg(2, { t: 'sync-response', blocks: [b1, b2, b3, b4], qc: forged }, 100));
    expect(penalties(out)).toEqual(['HOTSTUFF_BAD_QC']);
    // Before the fix: no effect at all survived, yet the engine had committed block 1.
    expect(out.filter((x) => x.kind === 'finalize').map((x) => (x.kind === 'finalize' ? x.entry.slot : ''))).toEqual(['h:1']);
    expect(out.some((x) => x.kind === 'persist' && x.key === 'hs/blk/1' && x.sync)).toBe(true);
    expect(e.status().finalized).toBe(1);
  });
});
