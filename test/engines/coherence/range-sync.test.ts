/**
 * Range catch-up (engine.ts onSyncRequest / maybeRequestSync, messages.ts tag 4): a node that
 * sees a block more than one above its head asks that peer for its chain from head + 1, 32
 * blocks per answer, and asks for the next batch as soon as one has connected. Issue 6: a node
 * restarted 10,000 blocks behind could only fetch parent by parent through a 256-block orphan
 * pool, from peers keeping 1,024 finalized blocks in memory.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/core/index.js';
import type { Block } from '../../../src/ledger/index.js';
import {
  CoherenceEngine,
  MAX_SYNC_BLOCKS,
  SYNC_ANSWER_MIN_MS,
  SYNC_MIN_GAP,
  SYNC_RETRY_MS,
  blockMessage,
  decodeMessage,
  encodeMessage,
} from '../../../src/engines/coherence/index.js';
import type { ChainEntry, CoherenceMessage, MiningJob } from '../../../src/engines/coherence/index.js';
import type { Effect } from '../../../src/protocol/index.js';
import { contextFor, genesisOf, mineOn, testParams } from './helpers.js';

type Out = readonly Effect<CoherenceMessage, MiningJob>[];

const p = testParams({ confirmations: 3, relayFanout: 2 });
const genesis = genesisOf(p);
const NOW = 10_000_000;
const LENGTH = MAX_SYNC_BLOCKS + 8;

/** One chain of LENGTH blocks mined by validator 1, shared by the tests (mining is the cost). */
const CHAIN: readonly ChainEntry[] = (() => {
  const out: ChainEntry[] = [];
  let cur = genesis;
  for (let i = 0; i < LENGTH; i++) out.push((cur = mineOn(cur, p, { proposer: 1 }).entry));
  return out;
})();
const block = (height: number): Block => CHAIN[height - 1]!.block!;

function started(self = 0): CoherenceEngine {
  const engine = new CoherenceEngine(contextFor(self, 4, p));
  engine.handle({ kind: 'start', now: NOW });
  return engine;
}

function deliver(engine: CoherenceEngine, b: Block, from: number, now: number): Out {
  return engine.handle({ kind: 'message', now, from, message: blockMessage(b) });
}

const syncRequests = (out: Out): [number, number][] =>
  out.flatMap((e) => (e.kind === 'send' && e.message.t === 'sync-request' ? [[e.to, e.message.fromHeight] as [number, number]] : []));
const sentHeights = (out: Out): number[] => out.flatMap((e) => (e.kind === 'send' && e.message.t === 'block' ? [e.message.block.header.height] : []));

describe('coherence range catch-up: wire form', () => {
  it('[4, fromHeight] round-trips; a wrong shape or a negative height is malformed', () => {
    const m: CoherenceMessage = { t: 'sync-request', fromHeight: 12345 };
    expect(decodeMessage(encodeMessage(m))).toEqual(m);
    expect(() => decodeMessage(encode([4]))).toThrow(/sync-request: expected 2 items/);
    expect(() => decodeMessage(encode([4, -1]))).toThrow(/fromHeight/);
    expect(() => decodeMessage(encode([4, 1, 2]))).toThrow();
  });
});

describe('coherence range catch-up: answering', () => {
  const full = started(0);
  for (let h = 1; h <= LENGTH; h++) deliver(full, block(h), 1, NOW + h);

  it(`answers with the best chain from the requested height, ${MAX_SYNC_BLOCKS} blocks at most, oldest first`, () => {
    expect(full.status().height).toBe(LENGTH);
    const out = full.handle({ kind: 'message', now: NOW + 1000, from: 2, message: { t: 'sync-request', fromHeight: 3 } });
    expect(sentHeights(out)).toEqual(Array.from({ length: MAX_SYNC_BLOCKS }, (_, i) => 3 + i));
    expect(out.every((e) => e.kind !== 'send' || e.to === 2)).toBe(true);
    // Finalized (below the root) and unfinalized (above it) heights alike; up to the head.
    const tail = full.handle({ kind: 'message', now: NOW + 1000, from: 3, message: { t: 'sync-request', fromHeight: LENGTH - 4 } });
    expect(sentHeights(tail)).toEqual([LENGTH - 4, LENGTH - 3, LENGTH - 2, LENGTH - 1, LENGTH]);
    expect(sentHeights(full.handle({ kind: 'message', now: NOW + 1000, from: 1, message: { t: 'sync-request', fromHeight: LENGTH + 1 } }))).toEqual([]);
  });

  it(`answers one peer at most once per ${SYNC_ANSWER_MIN_MS} ms (N - 1 ms: nothing; N: answered)`, () => {
    const t = NOW + 5000;
    expect(sentHeights(full.handle({ kind: 'message', now: t, from: 3, message: { t: 'sync-request', fromHeight: 1 } })).length).toBe(MAX_SYNC_BLOCKS);
    expect(sentHeights(full.handle({ kind: 'message', now: t + SYNC_ANSWER_MIN_MS - 1, from: 3, message: { t: 'sync-request', fromHeight: 1 } }))).toEqual([]);
    expect(sentHeights(full.handle({ kind: 'message', now: t + SYNC_ANSWER_MIN_MS - 1, from: 2, message: { t: 'sync-request', fromHeight: 1 } })).length).toBe(MAX_SYNC_BLOCKS);
    expect(sentHeights(full.handle({ kind: 'message', now: t + SYNC_ANSWER_MIN_MS, from: 3, message: { t: 'sync-request', fromHeight: 1 } })).length).toBe(MAX_SYNC_BLOCKS);
  });
});

describe('coherence range catch-up: asking', () => {
  it('a block far above the head makes the node ask its sender from head + 1, and the next batch as soon as one connected', () => {
    const e = started(0);
    const tip = deliver(e, block(LENGTH), 1, NOW + 1);
    expect(syncRequests(tip)).toEqual([[1, 1]]);
    // The answer: blocks 1..32, which connect one after the other.
    let out: Out = [];
    for (let h = 1; h <= MAX_SYNC_BLOCKS; h++) {
      out = deliver(e, block(h), 1, NOW + 10 + h);
      if (h < MAX_SYNC_BLOCKS) expect(syncRequests(out)).toEqual([]);
    }
    expect(e.status().height).toBe(MAX_SYNC_BLOCKS);
    expect(syncRequests(out)).toEqual([[1, MAX_SYNC_BLOCKS + 1]]); // pipelined: no wait
    for (let h = MAX_SYNC_BLOCKS + 1; h < LENGTH; h++) expect(syncRequests(deliver(e, block(h), 1, NOW + 100 + h))).toEqual([]);
    expect(e.status().height).toBe(LENGTH); // the held tip connected after its parent
  });

  it(`a request not answered is asked again after ${SYNC_RETRY_MS} ms, of the latest peer that showed a block above us`, () => {
    const e = started(0);
    expect(syncRequests(deliver(e, block(LENGTH), 1, NOW))).toEqual([[1, 1]]);
    expect(syncRequests(deliver(e, block(LENGTH - 1), 2, NOW + SYNC_RETRY_MS - 1))).toEqual([]);
    expect(syncRequests(deliver(e, block(LENGTH - 2), 3, NOW + SYNC_RETRY_MS))).toEqual([[3, 1]]);
  });

  it(`one missing block is left to the orphan path (gap ${SYNC_MIN_GAP - 1}); two start the range catch-up (gap ${SYNC_MIN_GAP})`, () => {
    const e = started(0);
    deliver(e, block(1), 1, NOW);
    const one = deliver(e, block(3), 1, NOW + 1);
    expect(syncRequests(one)).toEqual([]);
    expect(one.some((x) => x.kind === 'send' && x.message.t === 'get-block')).toBe(true);
    expect(syncRequests(deliver(e, block(4), 2, NOW + 2))).toEqual([[2, 2]]);
  });
});
