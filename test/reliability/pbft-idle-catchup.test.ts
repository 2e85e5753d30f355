/**
 * Regression for docs/reliability-cluster.md finding 2: a PBFT replica that is behind an IDLE
 * cluster (restarted with an old or empty store) used to wait for the next batch, because only
 * the sequence numbers of new messages told it that peers were ahead. Now, after
 * IDLE_PROBE_PERIODS retransmit periods without progress, it asks one peer (in turn) for the
 * blocks after its own, and keeps asking while whole answers come back.
 */
import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/ledger/index.js';
import type { BlockHeader, LedgerState } from '../../src/ledger/index.js';
import { IDLE_PROBE_PERIODS } from '../../src/engines/pbft/engine.js';
import { DEFAULT_PBFT_PARAMS, MAX_SYNC_BLOCKS, PbftEngine, RETRANSMIT_TIMER } from '../../src/engines/pbft/index.js';
import type { PbftMessage } from '../../src/engines/pbft/index.js';
import { GENESIS, G_HEADER, craftBlock, ctxFor, msg, votes } from '../engines/pbft/helpers.js';
import type { Out } from '../engines/pbft/helpers.js';

const PERIOD = DEFAULT_PBFT_PARAMS.retransmitMs;

function syncRequests(effects: readonly Out[]): { to: number; fromSeq: number }[] {
  return effects.flatMap((e) => (e.kind === 'send' && e.message.t === 'sync-request' ? [{ to: e.to, fromSeq: e.message.fromSeq }] : []));
}

/** Blocks 1..count of a chain committed in view 0 by replicas 0, 2, 3, as sync-block messages. */
function committedChain(count: number): PbftMessage[] {
  const out: PbftMessage[] = [];
  let parent: BlockHeader = G_HEADER;
  let state: LedgerState = GENESIS;
  for (let seq = 1; seq <= count; seq++) {
    const { block, state: next } = craftBlock(seq, parent, state, 0);
    out.push({ t: 'sync-block', block, view: 0, commits: votes('commit', [0, 2, 3], 0, seq, blockHash(block)) });
    parent = block.header;
    state = next;
  }
  return out;
}

describe('pbft: a replica behind an idle cluster catches up by itself', () => {
  it('probes a peer after IDLE_PROBE_PERIODS quiet periods, follows whole answers, rotates peers', () => {
    const e = new PbftEngine(ctxFor(1));
    e.handle({ kind: 'start', now: 0 });
    let now = 0;
    const tick = (): Out[] => {
      now += PERIOD;
      return [...e.handle({ kind: 'timer', now, timer: RETRANSMIT_TIMER })];
    };
    for (let i = 1; i < IDLE_PROBE_PERIODS; i++) expect(syncRequests(tick())).toEqual([]);
    expect(syncRequests(tick())).toEqual([{ to: 2, fromSeq: 1 }]);
    expect(syncRequests(tick())).toEqual([]); // one probe per IDLE_PROBE_PERIODS

    // Peer 2 answers with a whole batch: the replica executes it and asks for more at once.
    const chain = committedChain(MAX_SYNC_BLOCKS + 5);
    const asked: { to: number; fromSeq: number }[] = [];
    for (const m of chain.slice(0, MAX_SYNC_BLOCKS)) asked.push(...syncRequests(e.handle(msg(2, m, now))));
    expect(e.status().height).toBe(MAX_SYNC_BLOCKS);
    expect(asked).toEqual([{ to: 2, fromSeq: MAX_SYNC_BLOCKS + 1 }]);
    // A partial answer: it has everything the peer had; no further request.
    const more: { to: number; fromSeq: number }[] = [];
    for (const m of chain.slice(MAX_SYNC_BLOCKS)) more.push(...syncRequests(e.handle(msg(2, m, now))));
    expect(e.status().height).toBe(MAX_SYNC_BLOCKS + 5);
    expect(more).toEqual([]);

    // Idle again: the next probe goes to the next peer.
    let probe: { to: number; fromSeq: number }[] = [];
    for (let i = 0; i < 2 * IDLE_PROBE_PERIODS && probe.length === 0; i++) probe = syncRequests(tick());
    expect(probe).toEqual([{ to: 3, fromSeq: MAX_SYNC_BLOCKS + 6 }]);
  });
});
