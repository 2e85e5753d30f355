/**
 * The PBFT replica fed by hand: the exact effects of the normal case (pre-prepare -> persisted
 * acceptance, PREPARE; prepared -> persisted certificate, COMMIT; committed -> execution), the
 * view change (request timer, VIEW-CHANGE, the new primary's NEW-VIEW carrying the prepared
 * batch), every refusal (typed code, penalty, state unchanged), the bounds at N and N + 1, and a
 * restart that never accepts a second batch for a (view, seq).
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/index.js';
import { blockHash, encodeBlock, transferIdHex } from '../../../src/ledger/index.js';
import { validatorKeyPair } from '../../../src/sim/index.js';
import { MAX_FUTURE_MESSAGES, MAX_VIEW_AHEAD, OWN_VCS_KEPT, PbftEngine, REQUEST_TIMER, VIEW_CHANGE_TIMER, verifyVote } from '../../../src/engines/pbft/index.js';
import type { PbftMessage } from '../../../src/engines/pbft/index.js';
import { CHAIN, GENESIS, GENESIS_CKPT, G_HEADER, broadcasts, craftBlock, ctxFor, msg, penalties, prePrepare, transfer, viewChange, vote } from './helpers.js';
import type { Out } from './helpers.js';

const N = 4;
const b1 = craftBlock(1, G_HEADER, GENESIS, 0, [transfer(0, 0)]);
const d1 = blockHash(b1.block);

function replica(self: number, params: Record<string, unknown> = {}, restored?: ReadonlyMap<string, Uint8Array>): PbftEngine {
  const e = new PbftEngine(ctxFor(self, N, params, restored));
  e.handle({ kind: 'start', now: 0 });
  return e;
}

function at(effects: readonly Out[], pred: (e: Out) => boolean): number {
  return effects.findIndex(pred);
}

function persisted(effects: readonly Out[], into: Map<string, Uint8Array>): void {
  for (const e of effects) {
    if (e.kind !== 'persist') continue;
    if (e.value === null) into.delete(e.key);
    else into.set(e.key, e.value);
  }
}

describe('pbft normal case, exact effects', () => {
  it('pre-prepare: the acceptance is durable before the PREPARE leaves', () => {
    const e = replica(1);
    const out = e.handle(msg(0, prePrepare(0, 1, b1.block)));
    const p = at(out, (x) => x.kind === 'persist' && x.key === 'pbft/acc/1' && x.sync);
    const b = at(out, (x) => x.kind === 'broadcast' && x.message.t === 'prepare');
    expect(p).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThan(p);
    const m = broadcasts(out, 'prepare')[0]!;
    if (m.t !== 'prepare') throw new Error('unreachable');
    expect([m.view, m.seq, toHex(m.digest)]).toEqual([0, 1, toHex(d1)]);
    expect(verifyVote(validatorKeyPair(1).publicKey, 'prepare', CHAIN, 0, 1, d1, m.signature)).toBe(true);
    expect(penalties(out)).toEqual([]);
  });

  it('prepared (pre-prepare + 2f prepares): the certificate is durable before the COMMIT; a quorum of commits executes', () => {
    const e = replica(1);
    e.handle(msg(0, prePrepare(0, 1, b1.block)));
    const out = e.handle(msg(2, { t: 'prepare', view: 0, seq: 1, digest: d1, signature: vote('prepare', 2, 0, 1, d1) }));
    const p = at(out, (x) => x.kind === 'persist' && x.key === 'pbft/prep/1' && x.sync);
    const c = at(out, (x) => x.kind === 'broadcast' && x.message.t === 'commit');
    expect(p).toBeGreaterThanOrEqual(0);
    expect(c).toBeGreaterThan(p);
    expect(e.handle(msg(0, { t: 'commit', view: 0, seq: 1, digest: d1, signature: vote('commit', 0, 0, 1, d1) })).some((x) => x.kind === 'finalize')).toBe(false);
    const done = e.handle(msg(3, { t: 'commit', view: 0, seq: 1, digest: d1, signature: vote('commit', 3, 0, 1, d1) }));
    const fin = done.find((x) => x.kind === 'finalize');
    if (fin?.kind !== 'finalize') throw new Error('not finalized');
    expect(fin.entry).toMatchObject({ seq: 0, slot: 'h:1', value: toHex(d1), height: 1, stateRoot: b1.state.rootHex, supply: GENESIS.supply, minted: 0n });
    expect(fin.entry.txIds).toEqual([b1.block.txs[0]!.id]);
    expect(at(done, (x) => x.kind === 'persist' && x.key === 'pbft/blk/1' && x.sync)).toBeLessThan(at(done, (x) => x.kind === 'finalize'));
    expect(e.status().height).toBe(1);
  });

  it('the parent must be prepared in the view (chain-prepared) before a COMMIT for the child leaves', () => {
    const b2 = craftBlock(2, b1.block.header, b1.state, 0, [transfer(1, 0)]);
    const d2 = blockHash(b2.block);
    const e = replica(1);
    e.handle(msg(0, prePrepare(0, 1, b1.block)));
    e.handle(msg(0, prePrepare(0, 2, b2.block)));
    const child = e.handle(msg(2, { t: 'prepare', view: 0, seq: 2, digest: d2, signature: vote('prepare', 2, 0, 2, d2) }));
    expect(broadcasts(child, 'commit')).toEqual([]); // seq 2 prepared, seq 1 not yet
    const parent = e.handle(msg(2, { t: 'prepare', view: 0, seq: 1, digest: d1, signature: vote('prepare', 2, 0, 1, d1) }));
    expect(broadcasts(parent, 'commit').map((m) => (m.t === 'commit' ? m.seq : -1))).toEqual([1, 2]);
  });

  it('a pre-prepare that arrives before its parent waits, then is accepted in order', () => {
    const b2 = craftBlock(2, b1.block.header, b1.state, 0, []);
    const e = replica(2);
    expect(broadcasts(e.handle(msg(0, prePrepare(0, 2, b2.block))), 'prepare')).toEqual([]);
    const out = e.handle(msg(0, prePrepare(0, 1, b1.block)));
    expect(broadcasts(out, 'prepare').map((m) => (m.t === 'prepare' ? m.seq : -1))).toEqual([1, 2]);
  });

  it('a quorum of commits alone (a commit certificate) executes a batch this replica never prepared', () => {
    const e = replica(3);
    e.handle(msg(0, prePrepare(0, 1, b1.block)));
    for (const r of [0, 1]) e.handle(msg(r, { t: 'commit', view: 0, seq: 1, digest: d1, signature: vote('commit', r, 0, 1, d1) }));
    const out = e.handle(msg(2, { t: 'commit', view: 0, seq: 1, digest: d1, signature: vote('commit', 2, 0, 1, d1) }));
    expect(out.some((x) => x.kind === 'finalize')).toBe(true);
  });
});

describe('pbft bodies fetched by digest', () => {
  it('a sync-block whose transactions do not match the header txRoot is refused, even with a valid commit certificate', () => {
    const e = replica(3);
    // The replica accepted b1 (so it holds b1's post-state under b1's digest).
    e.handle(msg(0, prePrepare(0, 1, b1.block)));
    const commits = [0, 1, 2].map((voter) => ({ voter, signature: vote('commit', voter, 0, 1, d1) }));
    // Same header (same digest, so the commit certificate verifies), another transfer.
    const forged = { header: b1.block.header, txs: [transfer(6, 0)] };
    expect(toHex(blockHash(forged))).toBe(toHex(d1));
    const bad = e.handle(msg(2, { t: 'sync-block', block: forged, view: 0, commits }));
    expect(penalties(bad)).toEqual(['PBFT_BAD_BLOCK']);
    expect(bad.some((x) => x.kind === 'finalize')).toBe(false);
    expect(e.viewState().executed).toBe(0);
    const good = e.handle(msg(1, { t: 'sync-block', block: b1.block, view: 0, commits }));
    expect(penalties(good)).toEqual([]);
    const fin = good.filter((x) => x.kind === 'finalize');
    expect(fin.map((x) => (x.kind === 'finalize' ? [x.entry.slot, x.entry.value, x.entry.txIds] : []))).toEqual([['h:1', toHex(d1), b1.block.txs.map((tx) => transferIdHex(tx))]]);
  });
});

describe('pbft view change', () => {
  it('the request timer of a backup holding a transfer starts VIEW-CHANGE(v + 1) with its P set, view durable first', () => {
    const e = replica(2);
    e.handle(msg(0, prePrepare(0, 1, b1.block)));
    e.handle(msg(1, { t: 'prepare', view: 0, seq: 1, digest: d1, signature: vote('prepare', 1, 0, 1, d1) }));
    const txOut = e.handle({ kind: 'transaction', now: 10, tx: transfer(5, 0) });
    const timer = txOut.find((x) => x.kind === 'set-timer' && x.timer === REQUEST_TIMER);
    expect(timer).toBeDefined();
    const out = e.handle({ kind: 'timer', now: 1010, timer: REQUEST_TIMER });
    const p = at(out, (x) => x.kind === 'persist' && x.key === 'pbft/view' && x.sync);
    const b = at(out, (x) => x.kind === 'broadcast' && x.message.t === 'view-change');
    expect(p).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThan(p);
    const vc = broadcasts(out, 'view-change')[0]!;
    if (vc.t !== 'view-change') throw new Error('unreachable');
    expect(vc.vc.newView).toBe(1);
    expect(vc.vc.prepared.map((c) => [c.view, c.seq, toHex(blockHash({ header: c.header, txs: [] }))])).toEqual([[0, 1, toHex(d1)]]);
    // Liveness rule 2 (TOCS 4.5.2): no view-change timer until a quorum of VIEW-CHANGEs is held.
    expect(out.some((x) => x.kind === 'set-timer' && x.timer === VIEW_CHANGE_TIMER)).toBe(false);
    expect(e.viewState()).toMatchObject({ view: 1, status: 'view-change' });
    // Normal-case messages of view 0 are no longer accepted.
    expect(broadcasts(e.handle(msg(0, prePrepare(0, 2, craftBlock(2, b1.block.header, b1.state).block))), 'prepare')).toEqual([]);
  });

  it('the view-change timer starts with the quorum of VIEW-CHANGEs (liveness rule 2), not before', () => {
    const e = replica(2);
    e.handle({ kind: 'transaction', now: 10, tx: transfer(5, 0) });
    const first = e.handle({ kind: 'timer', now: 1010, timer: REQUEST_TIMER });
    expect(first.some((x) => x.kind === 'set-timer' && x.timer === VIEW_CHANGE_TIMER)).toBe(false);
    // A timer of an older view that was not cancelled in time does not move the replica on.
    e.handle({ kind: 'timer', now: 1500, timer: VIEW_CHANGE_TIMER });
    expect(e.viewState()).toMatchObject({ view: 1, status: 'view-change' });
    // While waiting, the VIEW-CHANGE is re-sent every retransmission period (500 ms).
    expect(broadcasts(e.handle({ kind: 'timer', now: 1510, timer: 'retransmit' }), 'view-change')).toHaveLength(1);
    // Replica 3's VIEW-CHANGE: 2 of quorum 3, still no timer.
    const two = e.handle(msg(3, { t: 'view-change', vc: viewChange(1, 3, GENESIS_CKPT, []) }, 1600));
    expect(two.some((x) => x.kind === 'set-timer' && x.timer === VIEW_CHANGE_TIMER)).toBe(false);
    // Replica 0's: a quorum; the first view change since the last execution waits the base 1000 ms.
    const three = e.handle(msg(0, { t: 'view-change', vc: viewChange(1, 0, GENESIS_CKPT, []) }, 1700));
    expect(three.filter((x) => x.kind === 'set-timer' && x.timer === VIEW_CHANGE_TIMER)).toEqual([{ kind: 'set-timer', timer: VIEW_CHANGE_TIMER, at: 2700 }]);
    // No NEW-VIEW from replica 1 in time: view 2, whose timer again waits for a quorum.
    const next = e.handle({ kind: 'timer', now: 2700, timer: VIEW_CHANGE_TIMER });
    expect(e.viewState()).toMatchObject({ view: 2, status: 'view-change' });
    expect(next.some((x) => x.kind === 'set-timer' && x.timer === VIEW_CHANGE_TIMER)).toBe(false);
    e.handle(msg(3, { t: 'view-change', vc: viewChange(2, 3, GENESIS_CKPT, []) }, 2800));
    const armed = e.handle(msg(0, { t: 'view-change', vc: viewChange(2, 0, GENESIS_CKPT, []) }, 2900));
    // The second view change in a row waits twice as long.
    expect(armed.filter((x) => x.kind === 'set-timer' && x.timer === VIEW_CHANGE_TIMER)).toEqual([{ kind: 'set-timer', timer: VIEW_CHANGE_TIMER, at: 4900 }]);
  });

  it('a replica that left view 1 for view 2 re-sends its own VIEW-CHANGE(1) to one still gathering them (once per retransmitMs)', () => {
    const e = replica(3); // not the primary of view 1 or 2
    e.handle({ kind: 'transaction', now: 10, tx: transfer(5, 0) });
    const own1 = broadcasts(e.handle({ kind: 'timer', now: 1010, timer: REQUEST_TIMER }), 'view-change')[0]!;
    if (own1.t !== 'view-change') throw new Error('unreachable');
    // f + 1 = 2 others announce view 2: replica 3 joins it before any NEW-VIEW of view 1.
    e.handle(msg(0, { t: 'view-change', vc: viewChange(2, 0, GENESIS_CKPT, []) }, 1100));
    e.handle(msg(2, { t: 'view-change', vc: viewChange(2, 2, GENESIS_CKPT, []) }, 1110));
    expect(e.viewState()).toMatchObject({ view: 2, status: 'view-change' });
    // Replica 1, the primary of view 1, still gathers VIEW-CHANGEs for view 1 and re-sends its own.
    const sentTo = (out: readonly Out[]) => out.flatMap((x) => (x.kind === 'send' && x.message.t === 'view-change' ? [[x.to, x.message.vc.newView, x.message.vc.replica]] : []));
    expect(sentTo(e.handle(msg(1, { t: 'view-change', vc: viewChange(1, 1, GENESIS_CKPT, []) }, 1200)))).toEqual([[1, 1, 3]]);
    expect(sentTo(e.handle(msg(1, { t: 'view-change', vc: viewChange(1, 1, GENESIS_CKPT, []) }, 1699)))).toEqual([]); // within 500 ms
    expect(sentTo(e.handle(msg(1, { t: 'view-change', vc: viewChange(1, 1, GENESIS_CKPT, []) }, 1700)))).toEqual([[1, 1, 3]]);
    // The re-sent message is the one signed when replica 3 left view 0, unchanged.
    const again = e.handle(msg(1, { t: 'view-change', vc: viewChange(1, 1, GENESIS_CKPT, []) }, 2300)).find((x) => x.kind === 'send');
    expect(again !== undefined && again.kind === 'send' && again.message.t === 'view-change' ? again.message.vc : null).toEqual(own1.vc);
  });

  it(`own VIEW-CHANGEs are kept for the last ${OWN_VCS_KEPT} views: newest - ${OWN_VCS_KEPT - 1} re-sent, newest - ${OWN_VCS_KEPT} not`, () => {
    const e = replica(3);
    const join = (view: number, now: number) => {
      e.handle(msg(0, { t: 'view-change', vc: viewChange(view, 0, GENESIS_CKPT, []) }, now));
      e.handle(msg(2, { t: 'view-change', vc: viewChange(view, 2, GENESIS_CKPT, []) }, now + 1));
      expect(e.viewState()).toMatchObject({ view, status: 'view-change' });
    };
    const newest = 1 + OWN_VCS_KEPT;
    join(1, 100);
    join(2, 200);
    join(newest, 300); // own VIEW-CHANGEs for views 1, 2 and newest
    const resent = (view: number, now: number) =>
      e.handle(msg(1, { t: 'view-change', vc: viewChange(view, 1, GENESIS_CKPT, []) }, now)).flatMap((x) => (x.kind === 'send' && x.message.t === 'view-change' ? [x.message.vc.newView] : []));
    expect(resent(newest - OWN_VCS_KEPT + 1, 1000)).toEqual([newest - OWN_VCS_KEPT + 1]);
    expect(resent(newest - OWN_VCS_KEPT, 2000)).toEqual([]);
  });

  it('the new primary re-proposes the prepared batch in NEW-VIEW and the backups accept it', () => {
    const engines = [0, 1, 2, 3].map((i) => replica(i));
    // Replicas 1, 2, 3 accept b1 at seq 1; 2 and 3 prepare it (they see each other's prepares).
    for (const i of [1, 2, 3]) engines[i]!.handle(msg(0, prePrepare(0, 1, b1.block)));
    for (const i of [2, 3]) for (const j of [1, 2, 3]) if (i !== j) engines[i]!.handle(msg(j, { t: 'prepare', view: 0, seq: 1, digest: d1, signature: vote('prepare', j, 0, 1, d1) }));
    // Everyone holds a transfer; timers fire; view-changes reach the new primary (replica 1).
    const vcs: PbftMessage[] = [];
    for (const i of [1, 2, 3]) {
      engines[i]!.handle({ kind: 'transaction', now: 5, tx: transfer(4 + i, 0) });
      vcs.push(...broadcasts(engines[i]!.handle({ kind: 'timer', now: 2000, timer: REQUEST_TIMER }), 'view-change'));
    }
    let nv: PbftMessage | undefined;
    for (const m of vcs) {
      if (m.t !== 'view-change' || m.vc.replica === 1) continue;
      nv ??= broadcasts(engines[1]!.handle(msg(m.vc.replica, m, 2001)), 'new-view')[0];
    }
    if (nv?.t !== 'new-view') throw new Error('no NEW-VIEW');
    expect(nv.nv.view).toBe(1);
    expect(nv.nv.viewChanges.length).toBe(3);
    expect(nv.nv.preprepares.map((p) => [p.seq, toHex(p.digest)])).toEqual([[1, toHex(d1)]]);
    const out = engines[3]!.handle(msg(1, nv, 2002));
    expect(penalties(out)).toEqual([]);
    expect(engines[3]!.viewState()).toMatchObject({ view: 1, status: 'normal' });
    expect(broadcasts(out, 'prepare').map((m) => (m.t === 'prepare' ? [m.view, m.seq, toHex(m.digest)] : []))).toEqual([[1, 1, toHex(d1)]]);
  });

  it('a NEW-VIEW whose O set does not follow from its V set is refused', () => {
    const e = replica(3);
    const out = e.handle(msg(1, { t: 'new-view', nv: { view: 1, viewChanges: [], preprepares: [] } }));
    expect(penalties(out)).toEqual(['PBFT_BAD_NEW_VIEW']);
    expect(e.viewState()).toMatchObject({ view: 0, status: 'normal' });
  });
});

describe('pbft refusals are typed, penalized and change nothing', () => {
  function refused(e: PbftEngine, from: number, m: PbftMessage, code: string): void {
    const before = JSON.stringify([e.status(), e.viewState()]);
    const out = e.handle(msg(from, m));
    expect(penalties(out)).toEqual([code]);
    expect(out.filter((x) => x.kind !== 'penalize' && x.kind !== 'cost')).toEqual([]);
    expect(JSON.stringify([e.status(), e.viewState()])).toBe(before);
  }

  it('pre-prepares: not from the primary, bad signature, invalid batch, second batch for (view, seq)', () => {
    const e = replica(1);
    refused(e, 2, prePrepare(0, 1, b1.block, 2), 'PBFT_NOT_PRIMARY');
    refused(e, 0, { ...(prePrepare(0, 1, b1.block) as PbftMessage & { t: 'pre-prepare' }), signature: vote('pre-prepare', 1, 0, 1, d1) }, 'PBFT_BAD_SIGNATURE');
    refused(e, 0, prePrepare(0, 1, { header: b1.block.header, txs: [transfer(0, 1)] }), 'PBFT_INVALID_BLOCK');
    e.handle(msg(0, prePrepare(0, 1, b1.block)));
    refused(e, 0, prePrepare(0, 1, craftBlock(1, G_HEADER, GENESIS, 0, [transfer(1, 0)]).block), 'PBFT_EQUIVOCATION');
  });

  it('prepares: from the primary, bad signature, a second digest', () => {
    const e = replica(1);
    refused(e, 0, { t: 'prepare', view: 0, seq: 1, digest: d1, signature: vote('prepare', 0, 0, 1, d1) }, 'PBFT_PRIMARY_PREPARE');
    refused(e, 2, { t: 'prepare', view: 0, seq: 1, digest: d1, signature: vote('prepare', 3, 0, 1, d1) }, 'PBFT_BAD_SIGNATURE');
    e.handle(msg(2, { t: 'prepare', view: 0, seq: 1, digest: d1, signature: vote('prepare', 2, 0, 1, d1) }));
    const other = Uint8Array.from(d1, (b, i) => (i === 0 ? b ^ 1 : b));
    refused(e, 2, { t: 'prepare', view: 0, seq: 1, digest: other, signature: vote('prepare', 2, 0, 1, other) }, 'PBFT_EQUIVOCATION');
  });

  it('checkpoints at a sequence number that is not a multiple of K', () => {
    refused(replica(1), 2, { t: 'checkpoint', seq: 3, digest: d1, signature: vote('checkpoint', 2, 0, 3, d1) }, 'PBFT_BAD_CHECKPOINT');
  });
});

describe('pbft bounds at N accepted and N + 1 refused', () => {
  it('watermarks: seq h + L accepted, h + L + 1 refused', () => {
    const e = replica(1, { checkpointInterval: 4, watermarkWindow: 8 });
    const ok = e.handle(msg(2, { t: 'prepare', view: 0, seq: 8, digest: d1, signature: vote('prepare', 2, 0, 8, d1) }));
    expect(penalties(ok)).toEqual([]);
    const out = e.handle(msg(2, { t: 'prepare', view: 0, seq: 9, digest: d1, signature: vote('prepare', 2, 0, 9, d1) }));
    expect(penalties(out)).toEqual(['PBFT_SEQ_OUT_OF_WINDOW']);
  });

  it('views: current + MAX_VIEW_AHEAD kept for later, one more refused', () => {
    const e = replica(1);
    const ok = e.handle(msg(2, { t: 'prepare', view: MAX_VIEW_AHEAD, seq: 1, digest: d1, signature: vote('prepare', 2, MAX_VIEW_AHEAD, 1, d1) }));
    expect(penalties(ok)).toEqual([]);
    const out = e.handle(msg(2, { t: 'prepare', view: MAX_VIEW_AHEAD + 1, seq: 1, digest: d1, signature: vote('prepare', 2, MAX_VIEW_AHEAD + 1, 1, d1) }));
    expect(penalties(out)).toEqual(['PBFT_VIEW_TOO_FAR']);
  });

  it(`messages of a view not yet entered: ${MAX_FUTURE_MESSAGES} kept, the next refused`, () => {
    const e = replica(3);
    const signature = vote('prepare', 2, 1, 1, d1);
    for (let k = 0; k < MAX_FUTURE_MESSAGES; k++) {
      expect(penalties(e.handle(msg(2, { t: 'prepare', view: 1, seq: k + 1, digest: d1, signature }, 0)))).toEqual([]);
    }
    expect(penalties(e.handle(msg(2, { t: 'prepare', view: 1, seq: 1, digest: d1, signature })))).toEqual(['PBFT_BUFFER_FULL']);
  });

  it('batch size: maxTxsPerBlock transfers accepted, one more refused', () => {
    const two = craftBlock(1, G_HEADER, GENESIS, 0, [transfer(0, 0), transfer(1, 0)]).block;
    const three = craftBlock(1, G_HEADER, GENESIS, 0, [transfer(0, 0), transfer(1, 0), transfer(2, 0)]).block;
    expect(penalties(replica(1, { maxTxsPerBlock: 2 }).handle(msg(0, prePrepare(0, 1, two))))).toEqual([]);
    expect(penalties(replica(1, { maxTxsPerBlock: 2 }).handle(msg(0, prePrepare(0, 1, three))))).toEqual(['PBFT_BATCH_TOO_LARGE']);
  });

  it('batch bytes: a block of exactly maxBlockBytes accepted, one byte more refused', () => {
    const block = craftBlock(1, G_HEADER, GENESIS, 0, Array.from({ length: 250 }, (_, k) => transfer(0, k))).block;
    const size = encodeBlock(block).length;
    expect(penalties(replica(1, { maxBlockBytes: size }).handle(msg(0, prePrepare(0, 1, block))))).toEqual([]);
    expect(penalties(replica(1, { maxBlockBytes: size - 1 }).handle(msg(0, prePrepare(0, 1, block))))).toEqual(['PBFT_BATCH_TOO_LARGE']);
  });
});

describe('pbft restart', () => {
  it('a restarted backup keeps its accepted batch for (view, seq) and its executed blocks', () => {
    const records = new Map<string, Uint8Array>();
    const e = new PbftEngine(ctxFor(1, N));
    persisted(e.handle({ kind: 'start', now: 0 }), records);
    persisted(e.handle(msg(0, prePrepare(0, 1, b1.block))), records);
    const again = replica(1, {}, records);
    const other = craftBlock(1, G_HEADER, GENESIS, 0, [transfer(2, 0)]).block;
    expect(penalties(again.handle(msg(0, prePrepare(0, 1, other))))).toEqual(['PBFT_EQUIVOCATION']);
    // Execute b1, restart again: the block is replayed from the durable record.
    persisted(again.handle(msg(2, { t: 'prepare', view: 0, seq: 1, digest: d1, signature: vote('prepare', 2, 0, 1, d1) })), records);
    for (const r of [0, 2]) persisted(again.handle(msg(r, { t: 'commit', view: 0, seq: 1, digest: d1, signature: vote('commit', r, 0, 1, d1) })), records);
    expect(again.status().height).toBe(1);
    const third = replica(1, {}, records);
    expect(third.status().height).toBe(1);
    expect(third.status().stateRoot).toBe(b1.state.rootHex);
  });

  it('a replica that crashed during a view change announces it again on restart', () => {
    const records = new Map<string, Uint8Array>();
    const e = new PbftEngine(ctxFor(2, N));
    persisted(e.handle({ kind: 'start', now: 0 }), records);
    persisted(e.handle({ kind: 'transaction', now: 1, tx: transfer(6, 0) }), records);
    persisted(e.handle({ kind: 'timer', now: 1001, timer: REQUEST_TIMER }), records);
    const again = new PbftEngine(ctxFor(2, N, {}, records));
    const out = again.handle({ kind: 'start', now: 2000 });
    expect(again.viewState()).toMatchObject({ view: 1, status: 'view-change' });
    expect(broadcasts(out, 'view-change')).toHaveLength(1);
  });
});
