import { describe, expect, it } from 'vitest';
import { devAddress, devKeyPair, encodeBlock, makeBlock, makeHeader, signTransfer, transferIdHex } from '../../../src/ledger/index.js';
import type { Block } from '../../../src/ledger/index.js';
import type { Effect } from '../../../src/protocol/index.js';
import { NegentropyEngine, TICK, buildVertex, decodeNegMessage, encodeNegMessage, idHex, negentropyDefinition } from '../../../src/engines/negentropy/index.js';
import type { NegMessage } from '../../../src/engines/negentropy/index.js';
import { KEY_BYTES, getBit } from '../../../src/engines/negentropy/messages.js';
import { slotDigest, txSlot } from '../../../src/engines/negentropy/slots.js';
import { CHAIN, context, genesis, genesisBlock, transfer, validatorKeys, vertex } from './helpers.js';

type Out = Effect<NegMessage>;

function of<K extends Out['kind']>(effects: readonly Out[], kind: K): Extract<Out, { kind: K }>[] {
  return effects.filter((e): e is Extract<Out, { kind: K }> => e.kind === kind);
}

function started(n = 4, self = 0): NegentropyEngine {
  const e = new NegentropyEngine(context(n, self));
  e.handle({ kind: 'start', now: 0 });
  return e;
}

describe('client transfers', () => {
  it('acknowledges a valid transfer only through a durable persist', () => {
    const e = started();
    const tx = transfer(1, 0);
    const out = e.handle({ kind: 'transaction', now: 1, tx });
    const persist = of(out, 'persist');
    expect(persist.length).toBe(1);
    expect(persist[0]!.sync).toBe(true);
    expect(persist[0]!.ack).toEqual([transferIdHex(tx)]);
    expect(e.status().telemetry['open']).toBe(1);
  });

  it.each([
    ['a wrong chain', () => signTransfer(devKeyPair(1), { chainId: 'other', to: devAddress(2), amount: 1n, nonce: 0 }), 'LEDGER_WRONG_CHAIN'],
    ['a bad signature', () => ({ ...transfer(1, 0), signature: new Uint8Array(64) }), 'LEDGER_BAD_SIGNATURE'],
    ['a nonce too far ahead', () => transfer(1, 500), 'NEG_NONCE_TOO_FAR'],
    ['more than the balance', () => transfer(1, 0, 2, 10_000_000n), 'LEDGER_INSUFFICIENT_BALANCE'],
  ])('refuses %s with a typed code and no ack', (_what, make, code) => {
    const e = started();
    const out = e.handle({ kind: 'transaction', now: 1, tx: make() });
    expect(of(out, 'tx-rejected').map((r) => r.code)).toEqual([code]);
    expect(of(out, 'persist')).toEqual([]);
  });

  it('refuses a client double spend of a pending nonce (NEG_CONFLICT)', () => {
    const e = started();
    e.handle({ kind: 'transaction', now: 1, tx: transfer(1, 0, 2) });
    const out = e.handle({ kind: 'transaction', now: 2, tx: transfer(1, 0, 3) });
    expect(of(out, 'tx-rejected').map((r) => r.code)).toEqual(['NEG_CONFLICT']);
  });

  it('batches client transfers into one signed vertex per vertexIntervalMs, broadcast to all', () => {
    const e = started();
    e.handle({ kind: 'transaction', now: 1, tx: transfer(1, 0) });
    e.handle({ kind: 'transaction', now: 2, tx: transfer(2, 0) });
    const out = e.handle({ kind: 'timer', now: 200, timer: TICK });
    const vertices = of(out, 'broadcast').filter((b) => b.message.t === 'vertex');
    expect(vertices.length).toBe(1);
    const m = vertices[0]!.message;
    expect(m.t === 'vertex' && m.block.txs.length).toBe(2);
    expect(e.status().telemetry['dagVertices']).toBe(2);
  });

  it('vertexViews: newest first with status, preference and finality; genesis accepted and final; bounded by limit', () => {
    const e = started();
    e.handle({ kind: 'transaction', now: 1, tx: transfer(1, 0) });
    e.handle({ kind: 'timer', now: 200, timer: TICK });
    const views = e.vertexViews(10);
    expect(views.map((v) => [v.height, v.status, v.preferred, v.final, v.block.txs.length])).toEqual([
      [1, 'pending', true, false, 1],
      [0, 'accepted', true, true, 0],
    ]);
    expect(views[0]!.parents).toEqual([views[1]!.id]);
    expect(e.vertexViews(1).map((v) => v.height)).toEqual([1]);
    expect(e.vertexViews(0)).toEqual([]);
  });
});

describe('peer input', () => {
  it('penalises the sender of a bad vertex and keeps its DAG unchanged', () => {
    const e = started();
    const before = JSON.stringify(e.status());
    const good = vertex(1, [genesisBlock()], [transfer(1, 0)]);
    const bad = { ...good, txs: [transfer(2, 0)] };
    const out = e.handle({ kind: 'message', now: 5, from: 1, message: { t: 'vertex', block: bad } });
    expect(of(out, 'penalize').map((p) => [p.peer, p.code])).toEqual([[1, 'NEG_BAD_TX_ROOT']]);
    expect(JSON.stringify(e.status())).toBe(before);
  });

  it('keeps a vertex with unknown parents as an orphan and asks its sender for them', () => {
    const e = started();
    const parent = vertex(2, [genesisBlock()], []);
    const child = vertex(1, [parent], [transfer(1, 0)]);
    const out = e.handle({ kind: 'message', now: 5, from: 1, message: { t: 'vertex', block: child } });
    expect(of(out, 'send').map((s) => s.message.t)).toEqual(['want-ids']);
    expect(e.status().telemetry['orphans']).toBe(1);
    expect(e.status().telemetry['open']).toBe(1); // its transfer is in a conflict set already
    e.handle({ kind: 'message', now: 6, from: 1, message: { t: 'vertex', block: parent } });
    expect(e.status().telemetry['orphans']).toBe(0);
    expect(e.status().telemetry['dagVertices']).toBe(3);
  });

  it('answers a poll per key: same / other value / unknown, and asks back for unknown slots', () => {
    const e = started();
    const tx = transfer(1, 0);
    e.handle({ kind: 'transaction', now: 1, tx });
    const id = e.slotView(slotDigest(txSlot(tx)))!.preference!;
    expect(id).toBe(transferIdHex(tx));
    const keys = new Uint8Array(3 * KEY_BYTES);
    keys.set(slotDigest(txSlot(tx)), 0);
    keys.set(Buffer.from(id.slice(0, 32), 'hex'), 12);
    keys.set(slotDigest(txSlot(tx)), KEY_BYTES);
    keys.set(new Uint8Array(16).fill(7), KEY_BYTES + 12);
    keys.set(slotDigest('cs:unknown:0'), 2 * KEY_BYTES);
    const out = e.handle({ kind: 'message', now: 2, from: 3, message: { t: 'query', poll: 9, keys } });
    const sends = of(out, 'send');
    const reply = sends.find((s) => s.message.t === 'reply')!.message;
    if (reply.t !== 'reply') throw new Error('no reply');
    expect([getBit(reply.agree, 0), getBit(reply.agree, 1), getBit(reply.unknown, 2)]).toEqual([true, false, true]);
    expect(reply.other.map((o) => o.index)).toEqual([1]);
    expect(sends.some((s) => s.to === 3 && s.message.t === 'want')).toBe(true);
  });

  it('ignores and penalises a peer that exceeds its request budget (N allowed, N + 1 refused)', () => {
    const e = new NegentropyEngine(context(4, 0, { peerRequestsPerSecond: 3 }));
    e.handle({ kind: 'start', now: 0 });
    const q = { t: 'query' as const, poll: 1, keys: new Uint8Array(0) };
    for (let i = 0; i < 3; i++) expect(of(e.handle({ kind: 'message', now: 0, from: 2, message: q }), 'send').length).toBe(1);
    const out = e.handle({ kind: 'message', now: 0, from: 2, message: q });
    expect(of(out, 'send')).toEqual([]);
    expect(of(out, 'penalize').map((p) => p.code)).toEqual(['NEG_REQUEST_FLOOD']);
  });
});

describe('bad vertices from a peer: typed code, the sender penalised, accepted data intact', () => {
  /** What a node holds: its status, every vertex it kept (encoded) and the open conflict sets' views. */
  function held(e: NegentropyEngine, slots: readonly string[]): string {
    const vertices = e.vertices().map((b) => Buffer.from(encodeBlock(b)).toString('hex')).sort();
    return JSON.stringify({ status: e.status(), vertices, views: slots.map((s) => e.slotView(slotDigest(s)) ?? null) });
  }

  /** A node that already accepted a vertex from peer 2 (transfer of account 1, nonce 0). */
  function withAccepted(over = {}): { e: NegentropyEngine; accepted: Block; slots: string[] } {
    const e = new NegentropyEngine(context(4, 0, over));
    e.handle({ kind: 'start', now: 0 });
    const tx = transfer(1, 0);
    const accepted = vertex(2, [genesisBlock()], [tx]);
    expect(of(e.handle({ kind: 'message', now: 1, from: 2, message: { t: 'vertex', block: accepted } }), 'penalize')).toEqual([]);
    return { e, accepted, slots: [txSlot(tx), txSlot(transfer(2, 0)), txSlot(transfer(3, 0)), txSlot(transfer(4, 0))] };
  }

  const g = (): Block => genesisBlock();
  const cases: [string, () => Block, string, Record<string, number>?][] = [
    ['a bad header signature', () => {
      const good = vertex(1, [g()], [transfer(2, 0)]);
      return makeBlock(makeHeader({ ...good.header, consensus: { ...good.header.consensus, sig: new Uint8Array(64) } }), good.txs);
    }, 'NEG_BAD_SIGNATURE'],
    ['more transfers than maxTxsPerVertex (N + 1)', () => vertex(1, [g()], [transfer(2, 0), transfer(3, 0), transfer(4, 0)]), 'NEG_VERTEX_TOO_LARGE', { maxTxsPerVertex: 2 }],
    ['more bytes than maxVertexBytes (N + 1)', () => vertex(1, [g()], [transfer(2, 0), transfer(3, 0), transfer(4, 0)]), 'NEG_VERTEX_TOO_LARGE', { maxVertexBytes: encodeBlock(vertex(1, [g()], [transfer(2, 0), transfer(3, 0), transfer(4, 0)])).length - 1 }],
    ['two transfers of one conflict set (same sender and nonce)', () => vertex(1, [g()], [transfer(2, 0, 3), transfer(2, 0, 4)]), 'NEG_CONFLICTING_TXS'],
    // On the accepted vertex (height 1) at height 1: a cycle would need a child not above its parent.
    ['a height a cycle would need (not above its parent)', () => buildVertex(validatorKeys(2)[1]!, { chainId: CHAIN, parents: [Buffer.from(idHex(vertex(2, [g()], [transfer(1, 0)]).header), 'hex')], height: 1, timestamp: 5, superBlock: 0, superBlockRoot: genesis().root, txs: [transfer(2, 0)] }), 'NEG_BAD_HEIGHT'],
  ];

  it.each(cases)('%s', (_what, make, code, over) => {
    const { e, accepted, slots } = withAccepted(over ?? {});
    const before = held(e, slots);
    const out = e.handle({ kind: 'message', now: 2, from: 1, message: { t: 'vertex', block: make() } });
    expect(of(out, 'penalize').map((p) => [p.peer, p.code])).toEqual([[1, code]]);
    expect(held(e, slots)).toBe(before);
    expect(e.vertices().some((b) => idHex(b.header) === idHex(accepted.header))).toBe(true);
  });

  it('the same vertex at the bound (N transfers, exactly maxVertexBytes) is accepted', () => {
    const block = vertex(1, [genesisBlock()], [transfer(2, 0), transfer(3, 0)]);
    const { e } = withAccepted({ maxTxsPerVertex: 2, maxVertexBytes: encodeBlock(block).length });
    const out = e.handle({ kind: 'message', now: 2, from: 1, message: { t: 'vertex', block } });
    expect(of(out, 'penalize')).toEqual([]);
    expect(e.vertices().some((b) => idHex(b.header) === idHex(block.header))).toBe(true);
  });

  it('an orphan whose height turns out to close a cycle is refused when its parent arrives; the sender is penalised', () => {
    const { e } = withAccepted();
    const parent = vertex(3, [genesisBlock()], []);
    const child = buildVertex(validatorKeys(2)[1]!, { chainId: CHAIN, parents: [Buffer.from(idHex(parent.header), 'hex')], height: 1, timestamp: 5, superBlock: 0, superBlockRoot: genesis().root, txs: [transfer(2, 0)] });
    expect(of(e.handle({ kind: 'message', now: 2, from: 1, message: { t: 'vertex', block: child } }), 'penalize')).toEqual([]);
    expect(e.status().telemetry['orphans']).toBe(1);
    const out = e.handle({ kind: 'message', now: 3, from: 3, message: { t: 'vertex', block: parent } });
    expect(of(out, 'penalize').map((p) => [p.peer, p.code])).toEqual([[1, 'NEG_BAD_HEIGHT']]);
    expect(e.status().telemetry['orphans']).toBe(0);
    const ids = e.vertices().map((b) => idHex(b.header));
    expect(ids).toContain(idHex(parent.header));
    expect(ids).not.toContain(idHex(child.header));
  });
});

describe('definition', () => {
  it('codec round-trips through the definition and the fault bound is 20 %', () => {
    const m: NegMessage = { t: 'sync-request', from: 1 };
    expect(decodeNegMessage(negentropyDefinition.codec.encode(m))).toEqual(m);
    expect(encodeNegMessage(m)).toEqual(negentropyDefinition.codec.encode(m));
    expect([negentropyDefinition.faultBound(100), negentropyDefinition.faultBound(1000), negentropyDefinition.faultBound(4)]).toEqual([20, 200, 0]);
    expect(Object.keys(negentropyDefinition.adversaries!).sort()).toEqual(['flip', 'sample-poison', 'split-world']);
    expect(CHAIN).toBe('neg-test');
  });
});
