/**
 * The HotStuff replica fed by hand: exact effects of a proposal and a vote, the commit of the
 * three-chain through a small synchronous network, every refusal (typed code, penalty, state
 * unchanged), every bound at N accepted and N + 1 refused, and a restart that does not re-vote.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/index.js';
import { blockHash, encodeBlock } from '../../../src/ledger/index.js';
import {
  HotStuffEngine,
  MAX_PENDING_PROPOSALS,
  MAX_VIEW_AHEAD,
  PROPOSE_TIMER,
  VIEW_TIMER,
  blockMeta,
  makeQC,
  signVote,
  verifyVote,
} from '../../../src/engines/hotstuff/index.js';
import { validatorKeyPair } from '../../../src/sim/index.js';
import { CHAIN, GENESIS, GENESIS_BLOCK, GENESIS_QC, Net, craftBlock, ctxFor, msg, penalties, qcFor, sentVotes, transfer } from './helpers.js';
import type { Out } from './helpers.js';

const N = 4;

function startedReplica(self: number, params: Record<string, unknown> = {}): HotStuffEngine {
  const e = new HotStuffEngine(ctxFor(self, N, params));
  e.handle({ kind: 'start', now: 0 });
  return e;
}

function indexOf(effects: readonly Out[], pred: (e: Out) => boolean): number {
  return effects.findIndex(pred);
}

describe('hotstuff replica: proposal and vote', () => {
  it('votes for a valid proposal: safety record synced first, then the vote to leader(v + 1)', () => {
    const e = startedReplica(3);
    const b1 = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC, [transfer(0, 0)]);
    const out = e.handle(msg(1, { t: 'proposal', block: b1 }));
    const persist = indexOf(out, (x) => x.kind === 'persist' && x.key === 'hs/safety' && x.sync);
    const vote = indexOf(out, (x) => x.kind === 'send' && x.message.t === 'vote');
    expect(persist).toBeGreaterThanOrEqual(0);
    expect(vote).toBeGreaterThan(persist);
    const v = out[vote]!;
    if (v.kind !== 'send' || v.message.t !== 'vote') throw new Error('unreachable');
    expect(v.to).toBe(2); // leader of view 2
    expect(v.message.view).toBe(1);
    expect(toHex(v.message.hash)).toBe(toHex(blockHash(b1)));
    expect(verifyVote(validatorKeyPair(3).publicKey, CHAIN, 1, v.message.hash, v.message.signature)).toBe(true);
    expect(e.status().telemetry['vheight']).toBe(1);
    expect(e.status().telemetry['view']).toBe(2); // waits for the proposal of view 2
    // The same proposal again: no second vote.
    expect(sentVotes(e.handle(msg(1, { t: 'proposal', block: b1 })))).toEqual([]);
  });

  it('votes once per height: a conflicting block at the same height gets no vote', () => {
    const e = startedReplica(3);
    const a = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC, [transfer(0, 0)]);
    const b = craftBlock(N, 5, GENESIS_BLOCK, GENESIS, GENESIS_QC, [transfer(1, 0)]);
    expect(sentVotes(e.handle(msg(1, { t: 'proposal', block: a })))).toHaveLength(1);
    expect(sentVotes(e.handle(msg(1, { t: 'proposal', block: b })))).toEqual([]);
  });

  it('the next leader forms a QC from a quorum of votes and proposes on it', () => {
    const leader2 = startedReplica(2, { batchIntervalMs: 0 });
    const b1 = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC);
    leader2.handle(msg(1, { t: 'proposal', block: b1 }));
    const h = blockHash(b1);
    const v0 = leader2.handle(msg(0, { t: 'vote', view: 1, hash: h, signature: signVote(validatorKeyPair(0), CHAIN, 1, h) }));
    expect(v0.some((x) => x.kind === 'broadcast')).toBe(false); // 2 of 3 votes
    const v1 = leader2.handle(msg(1, { t: 'vote', view: 1, hash: h, signature: signVote(validatorKeyPair(1), CHAIN, 1, h) }));
    const proposal = v1.find((x) => x.kind === 'broadcast' && x.message.t === 'proposal');
    expect(proposal).toBeDefined();
    if (proposal?.kind !== 'broadcast' || proposal.message.t !== 'proposal') throw new Error('unreachable');
    const meta = blockMeta(proposal.message.block);
    expect(meta.view).toBe(2);
    expect(meta.qc.view).toBe(1);
    expect(meta.qc.votes.map((v) => v.voter)).toEqual([0, 1, 2]);
    expect(toHex(proposal.message.block.header.parents[0]!)).toBe(toHex(h));
  });

  it('commits height 1 exactly when a replica sees the QC of the third block of a direct chain', () => {
    const net = new Net(N, { batchIntervalMs: 0 });
    net.start();
    for (let k = 0; k < 2000; k++) {
      const d = net.step();
      if (d === undefined) break;
      const fin = d.out.find((x) => x.kind === 'finalize');
      if (d.to !== 1 || fin?.kind !== 'finalize') continue;
      // The first decision at replica 1 (replica 0 leads view 4 and commits when it forms
      // QC(B3) from the votes): height 1, on a proposal whose QC certifies B3, whose
      // QC certifies B2, whose QC certifies B1 (B1 <- B2 <- B3 direct parents).
      expect(fin.entry.seq).toBe(0);
      expect(fin.entry.slot).toBe('h:1');
      expect(fin.entry.height).toBe(1);
      expect(fin.entry.minted).toBe(0n);
      expect(fin.entry.supply).toBe(GENESIS.supply);
      if (d.message.t !== 'proposal') throw new Error('commit not triggered by a proposal');
      const meta = blockMeta(d.message.block);
      expect(meta.qc.view).toBe(3);
      expect(d.message.block.header.height).toBe(4);
      for (const i of [2, 3]) expect(net.finalized(i)).toEqual([]);
      return;
    }
    throw new Error('no commit');
  });

  it('a silent leader: replicas time out, forward their last vote, and the next leader continues', () => {
    const net = new Net(N, { batchIntervalMs: 0, viewTimeoutMs: 100 }, new Set([0]));
    net.start();
    net.flush();
    // Views 1, 2, 3 succeed; votes for view 3 go to the silent leader of view 4.
    for (let t = 1; t <= 6 && net.finalized(1).length < 3; t++) {
      for (const i of [1, 2, 3]) net.timer(i, VIEW_TIMER, net.now + 100 * 2 ** t);
      net.flush();
    }
    expect(net.finalized(1).length).toBeGreaterThanOrEqual(1);
    expect(Number(net.engines[1]!.status().telemetry['view'])).toBeGreaterThan(4);
    expect(net.finalized(1)).toEqual(net.finalized(2).slice(0, net.finalized(1).length));
  });
});

describe('hotstuff replica: refusals are typed, penalized and change nothing', () => {
  function refused(e: HotStuffEngine, from: number, m: Parameters<typeof msg>[1], code: string): void {
    const before = JSON.stringify(e.status());
    const out = e.handle(msg(from, m));
    expect(penalties(out)).toEqual([code]);
    expect(out.filter((x) => x.kind === 'persist' || x.kind === 'send' || x.kind === 'broadcast' || x.kind === 'finalize')).toEqual([]);
    expect(JSON.stringify(e.status())).toBe(before);
  }

  it('a proposal from a replica that does not lead its view', () => {
    refused(startedReplica(3), 2, { t: 'proposal', block: craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC) }, 'HOTSTUFF_NOT_LEADER');
  });

  it('a QC with a forged signature or too few votes', () => {
    const b1 = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC);
    const good = qcFor(1, b1, [0, 1, 2]);
    const forged = makeQC(1, good.hash, [good.votes[0]!, good.votes[1]!, { voter: 2, signature: good.votes[0]!.signature }]);
    const short = makeQC(1, good.hash, good.votes.slice(0, 2));
    const e = startedReplica(3);
    e.handle(msg(1, { t: 'proposal', block: b1 }));
    refused(e, 2, { t: 'new-view', view: 3, qc: forged, vote: null }, 'HOTSTUFF_BAD_QC');
    const leader2 = startedReplica(2);
    leader2.handle(msg(1, { t: 'proposal', block: b1 }));
    refused(leader2, 3, { t: 'new-view', view: 2, qc: forged, vote: null }, 'HOTSTUFF_BAD_QC');
    refused(leader2, 3, { t: 'new-view', view: 2, qc: short, vote: null }, 'HOTSTUFF_BAD_QC');
    const b2 = craftBlock(N, 2, b1, GENESIS, forged);
    refused(e, 2, { t: 'proposal', block: b2 }, 'HOTSTUFF_BAD_QC');
  });

  it('a vote with a bad signature, a vote sent to the wrong leader, and a double vote', () => {
    const leader2 = startedReplica(2);
    const h = blockHash(craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC));
    refused(leader2, 0, { t: 'vote', view: 1, hash: h, signature: signVote(validatorKeyPair(1), CHAIN, 1, h) }, 'HOTSTUFF_BAD_SIGNATURE');
    refused(startedReplica(3), 0, { t: 'vote', view: 1, hash: h, signature: signVote(validatorKeyPair(0), CHAIN, 1, h) }, 'HOTSTUFF_NOT_NEXT_LEADER');
    leader2.handle(msg(0, { t: 'vote', view: 1, hash: h, signature: signVote(validatorKeyPair(0), CHAIN, 1, h) }));
    const other = Uint8Array.from(h, (b, i) => (i === 0 ? b ^ 1 : b));
    const out = leader2.handle(msg(0, { t: 'vote', view: 1, hash: other, signature: signVote(validatorKeyPair(0), CHAIN, 1, other) }));
    expect(penalties(out)).toEqual(['HOTSTUFF_EQUIVOCATION']);
  });

  it('a block that does not apply to its parent state', () => {
    const good = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC, [transfer(0, 0)]);
    const bad = { header: good.header, txs: [transfer(0, 1)] };
    refused(startedReplica(3), 1, { t: 'proposal', block: bad }, 'HOTSTUFF_INVALID_BLOCK');
  });
});

describe('hotstuff replica: bounds at N accepted and N + 1 refused', () => {
  it('view window: view max(view, qcView + 1) + MAX_VIEW_AHEAD is accepted, one more is refused', () => {
    const limit = 1 + MAX_VIEW_AHEAD;
    const atLimit = craftBlock(N, limit, GENESIS_BLOCK, GENESIS, GENESIS_QC);
    const e = startedReplica(3);
    const ok = e.handle(msg(limit % N, { t: 'proposal', block: atLimit }));
    expect(penalties(ok)).toEqual([]);
    expect(sentVotes(ok)).toHaveLength(1);
    const beyond = craftBlock(N, limit + 1, GENESIS_BLOCK, GENESIS, GENESIS_QC);
    const out = startedReplica(3).handle(msg((limit + 1) % N, { t: 'proposal', block: beyond }));
    expect(penalties(out)).toEqual(['HOTSTUFF_VIEW_TOO_FAR']);
  });

  it('batch size: maxTxsPerBlock transfers accepted, one more refused', () => {
    const two = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC, [transfer(0, 0), transfer(1, 0)]);
    const three = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC, [transfer(0, 0), transfer(1, 0), transfer(2, 0)]);
    expect(penalties(startedReplica(3, { maxTxsPerBlock: 2 }).handle(msg(1, { t: 'proposal', block: two })))).toEqual([]);
    expect(penalties(startedReplica(3, { maxTxsPerBlock: 2 }).handle(msg(1, { t: 'proposal', block: three })))).toEqual(['HOTSTUFF_BATCH_TOO_LARGE']);
  });

  it('batch bytes: a block of exactly maxBlockBytes accepted, one byte more refused', () => {
    const txs = Array.from({ length: 250 }, (_, k) => transfer(0, k));
    const block = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC, txs);
    const size = encodeBlock(block).length;
    expect(size).toBeGreaterThan(37_056); // above the smallest allowed limit
    expect(penalties(startedReplica(3, { maxBlockBytes: size }).handle(msg(1, { t: 'proposal', block })))).toEqual([]);
    expect(penalties(startedReplica(3, { maxBlockBytes: size - 1 }).handle(msg(1, { t: 'proposal', block })))).toEqual(['HOTSTUFF_BATCH_TOO_LARGE']);
  });

  it(`pending proposals (unknown parent): ${MAX_PENDING_PROPOSALS} kept, the next refused`, () => {
    const e = startedReplica(3);
    const orphanParent = (i: number) => craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC, [], 5000 + i);
    let last: readonly Out[] = [];
    for (let i = 0; i <= MAX_PENDING_PROPOSALS; i++) {
      const child = craftBlock(N, 5, orphanParent(i), GENESIS, GENESIS_QC);
      last = e.handle(msg(1, { t: 'proposal', block: child }));
      if (i < MAX_PENDING_PROPOSALS) expect(penalties(last)).toEqual([]);
    }
    expect(penalties(last)).toEqual(['HOTSTUFF_BUFFER_FULL']);
  });
});

describe('hotstuff replica: restart', () => {
  it('a restarted replica restores its vote height and never votes twice at a height', () => {
    const records = new Map<string, Uint8Array>();
    const e = startedReplica(3);
    const a = craftBlock(N, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC, [transfer(0, 0)]);
    for (const x of e.handle(msg(1, { t: 'proposal', block: a }))) {
      if (x.kind === 'persist' && x.sync && x.value !== null) records.set(x.key, x.value);
    }
    expect(records.has('hs/safety')).toBe(true);
    const restarted = new HotStuffEngine(ctxFor(3, N, {}, records));
    restarted.handle({ kind: 'start', now: 10 });
    expect(restarted.status().telemetry['vheight']).toBe(1);
    const b = craftBlock(N, 5, GENESIS_BLOCK, GENESIS, GENESIS_QC, [transfer(1, 0)]);
    expect(sentVotes(restarted.handle(msg(1, { t: 'proposal', block: b })))).toEqual([]);
    expect(sentVotes(restarted.handle(msg(1, { t: 'proposal', block: a })))).toEqual([]);
  });

  it('a leader persists before its proposal leaves and does not propose twice in a view after a restart', () => {
    const e = new HotStuffEngine(ctxFor(1, N));
    const start = e.handle({ kind: 'start', now: 0 });
    const timer = start.find((x) => x.kind === 'set-timer' && x.timer === PROPOSE_TIMER);
    expect(timer).toBeDefined();
    const out = e.handle({ kind: 'timer', now: 50, timer: PROPOSE_TIMER });
    const persist = indexOf(out, (x) => x.kind === 'persist' && x.key === 'hs/safety' && x.sync);
    const proposal = indexOf(out, (x) => x.kind === 'broadcast' && x.message.t === 'proposal');
    expect(persist).toBeGreaterThanOrEqual(0);
    expect(proposal).toBeGreaterThan(persist);
    const records = new Map<string, Uint8Array>();
    for (const x of out) if (x.kind === 'persist' && x.value !== null) records.set(x.key, x.value);
    const again = new HotStuffEngine(ctxFor(1, N, {}, records));
    const after = [...again.handle({ kind: 'start', now: 60 }), ...again.handle({ kind: 'timer', now: 200, timer: PROPOSE_TIMER })];
    expect(after.some((x) => x.kind === 'broadcast' && x.message.t === 'proposal')).toBe(false);
  });
});
