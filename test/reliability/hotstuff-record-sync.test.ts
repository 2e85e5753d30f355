/**
 * HotStuff's twin of finding 3 (docs/reliability-cluster.md): answers to sync requests below the
 * in-memory window (KEEP_COMMITTED) now come from the durable `hs/blk/<height>` records. The
 * engine's window is 1,024 blocks, too many to build in a test, so the records of a short
 * simulation are served with a small `keep`, and an empty replica must accept every answer and
 * follow whole answers with the next request until it has everything the records hold.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SYNC_BLOCKS, answerFromRecords } from '../../src/engines/hotstuff/index.js';
import type { HsMessage } from '../../src/engines/hotstuff/index.js';
import { recordSyncServer } from '../../src/node/sync/index.js';
import { emptyReplica, simulatedRecords } from './support/record-sim.js';

describe('hotstuff: catch-up answers from durable records', () => {
  const sim = simulatedRecords('hotstuff', 'hs/blk/', 4);
  const read = (k: string): Uint8Array | undefined => sim.records.get(k);

  it('serves the blocks below the window, MAX_SYNC_BLOCKS at a time, and nothing for other messages', () => {
    const keep = 4;
    expect(sim.height).toBeGreaterThan(MAX_SYNC_BLOCKS + keep);
    const a = answerFromRecords({ t: 'sync-request', fromHeight: 1 }, sim.height, read, keep);
    expect(a.length).toBe(1);
    expect(a[0]!.t === 'sync-response' ? a[0]!.blocks.map((b) => b.header.height) : []).toEqual(Array.from({ length: MAX_SYNC_BLOCKS }, (_, i) => i + 1));
    expect(answerFromRecords({ t: 'sync-request', fromHeight: sim.height - keep + 1 }, sim.height, read, keep)).toEqual([]);
    expect(answerFromRecords({ t: 'sync-request', fromHeight: 1 }, sim.height, read, sim.height)).toEqual([]); // all in memory
  });

  it('an empty replica applies the record answers and asks on after each whole one', () => {
    const keep = 4;
    const replica = emptyReplica('hotstuff', sim);
    let request: HsMessage = { t: 'sync-request', fromHeight: 1 };
    let answers = 0;
    for (let round = 0; round < 100; round++) {
      const answer = answerFromRecords(request, sim.height, read, keep);
      if (answer.length === 0) break;
      answers++;
      const effects = replica.handle({ kind: 'message', now: 1000 + round, from: 0, message: answer[0]! });
      expect(effects.filter((e) => e.kind === 'penalize')).toEqual([]);
      const next = effects.flatMap((e) => (e.kind === 'send' && (e.message as HsMessage).t === 'sync-request' ? [e.message as HsMessage] : []));
      if (next.length === 0) break;
      request = next[0]!;
    }
    const served = sim.height - keep;
    expect(answers).toBeGreaterThanOrEqual(Math.floor(served / MAX_SYNC_BLOCKS));
    // Committed: everything served but the last blocks, which wait for their 3-chain.
    expect(replica.status().height).toBeGreaterThanOrEqual(served - 3);
  });

  it('the node registers the HotStuff record server', () => {
    expect(recordSyncServer('hotstuff')).toBeDefined();
  });
});
