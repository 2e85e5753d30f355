/**
 * Regression for docs/reliability-cluster.md finding 3: a PBFT replica more than KEEP_EXECUTED
 * blocks behind (a long outage, a lost store moved aside) could not catch up: peers answer
 * sync requests from the blocks they keep in memory only. The node now also answers from the
 * durable `pbft/blk/<seq>` records (src/engines/pbft/sync-server.ts through
 * src/node/sync/record-sync.ts). In process: a peer restored from KEEP_EXECUTED + 40 executed
 * blocks, an empty replica, and the node's answering rule (engine answers + record answers).
 */
import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/ledger/index.js';
import type { BlockHeader, LedgerState } from '../../src/ledger/index.js';
import { KEEP_EXECUTED, PbftEngine, RETRANSMIT_TIMER, answerFromRecords } from '../../src/engines/pbft/index.js';
import type { PbftMessage } from '../../src/engines/pbft/index.js';
import { BLOCK_PREFIX, encodeExecuted } from '../../src/engines/pbft/records.js';
import { recordSyncServer } from '../../src/node/sync/index.js';
import { GENESIS, G_HEADER, craftBlock, ctxFor, msg, votes } from '../engines/pbft/helpers.js';

const H = KEEP_EXECUTED + 40;
const SERVER = 2;
const CLIENT = 1;

function executedRecords(count: number): Map<string, Uint8Array> {
  const records = new Map<string, Uint8Array>();
  let parent: BlockHeader = G_HEADER;
  let state: LedgerState = GENESIS;
  for (let seq = 1; seq <= count; seq++) {
    const { block, state: next } = craftBlock(seq, parent, state, 0);
    records.set(`${BLOCK_PREFIX}${seq}`, encodeExecuted({ block, view: 0, commits: votes('commit', [0, 2, 3], 0, seq, blockHash(block)) }));
    parent = block.header;
    state = next;
  }
  return records;
}

/** Runs the catch-up until the client stops asking; returns its height. */
function catchUp(records: ReadonlyMap<string, Uint8Array>, serveRecords: boolean): number {
  const server = new PbftEngine(ctxFor(SERVER, 4, {}, records));
  expect(server.status().height).toBe(H);
  const client = new PbftEngine(ctxFor(CLIENT));
  let now = 0;
  let inbox: PbftMessage[] = [];
  const take = (effects: readonly { kind: string; to?: number; message?: PbftMessage }[]): void => {
    for (const e of effects) if (e.kind === 'send' && e.to === SERVER && e.message?.t === 'sync-request') inbox.push(e.message);
  };
  take(client.handle({ kind: 'start', now }));
  for (let round = 0; round < 2000 && client.status().height < H; round++) {
    if (inbox.length === 0) {
      now += 500;
      take(client.handle({ kind: 'timer', now, timer: RETRANSMIT_TIMER }));
      continue;
    }
    const requests = inbox;
    inbox = [];
    for (const req of requests) {
      const answers: PbftMessage[] = [];
      for (const e of server.handle(msg(CLIENT, req, now))) if (e.kind === 'send' && e.to === CLIENT) answers.push(e.message);
      if (serveRecords) answers.push(...answerFromRecords(req, server.status().height, (k) => records.get(k)));
      for (const a of answers) take(client.handle(msg(SERVER, a, now)));
    }
  }
  return client.status().height;
}

describe('pbft: catch-up beyond the in-memory window from durable records', () => {
  const records = executedRecords(H);

  it('answerFromRecords serves exactly the blocks below the window, MAX_SYNC_BLOCKS at a time', () => {
    const got = answerFromRecords({ t: 'sync-request', fromSeq: 1 }, H, (k) => records.get(k));
    expect(got.map((m) => (m.t === 'sync-block' ? m.block.header.height : -1))).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    const edge = answerFromRecords({ t: 'sync-request', fromSeq: 33 }, H, (k) => records.get(k));
    expect(edge.map((m) => (m.t === 'sync-block' ? m.block.header.height : -1))).toEqual([33, 34, 35, 36, 37, 38, 39, 40]);
    expect(answerFromRecords({ t: 'sync-request', fromSeq: 41 }, H, (k) => records.get(k))).toEqual([]);
    expect(answerFromRecords({ t: 'new-view-request', view: 1 }, H, (k) => records.get(k))).toEqual([]);
  });

  it('an empty replica reaches the peer height with record answers, and stays at 0 without them', () => {
    expect(catchUp(records, false)).toBe(0);
    expect(catchUp(records, true)).toBe(H);
  });

  it('the node registers the PBFT record server', () => {
    expect(recordSyncServer('pbft')).toBeDefined();
  });
});
