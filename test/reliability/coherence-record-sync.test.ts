/**
 * Coherence's twin of finding 3 (docs/reliability-cluster.md): answers to range sync requests
 * below what the engine keeps in memory (KEEP_FINALIZED = 1,024 finalized blocks) come from the
 * durable `final/<height>` records. The window is too many blocks to mine in a test, so the
 * records of a short simulation are served with a small `keep`, and an empty node must accept
 * every answer (seal, difficulty, parent and transfers checked as for any block), ask on after
 * each batch, and reach the finalized block and state root of the node whose records it read.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/index.js';
import { blockHash, decodeBlock } from '../../src/ledger/index.js';
import { MAX_SYNC_BLOCKS, answerFromRecords, finalKey } from '../../src/engines/coherence/index.js';
import type { CoherenceMessage } from '../../src/engines/coherence/index.js';
import { recordSyncServer } from '../../src/node/sync/index.js';
import { emptyReplica, simulatedRecords } from './support/record-sim.js';

const heights = (ms: readonly CoherenceMessage[]): number[] => ms.map((m) => (m.t === 'block' ? m.block.header.height : -1));

describe('coherence: catch-up answers from durable records', () => {
  // 40 s of 500 ms blocks: about 70 blocks, all but the last confirmations (6) finalized.
  const sim = simulatedRecords('coherence', 'final/', 40, { targetIntervalMs: 500, networkHashPower: 4 });
  const read = (k: string): Uint8Array | undefined => sim.records.get(k);
  const finalized = sim.records.size; // final/1 .. final/<root>; sim.height is the head

  it('serves the heights up to head - keep, MAX_SYNC_BLOCKS at a time, and nothing for other messages', () => {
    expect(finalized).toBeGreaterThan(MAX_SYNC_BLOCKS + 4);
    const keep = sim.height - finalized; // the engine would keep everything above the root
    const a = answerFromRecords({ t: 'sync-request', fromHeight: 1 }, sim.height, read, keep);
    expect(heights(a)).toEqual(Array.from({ length: MAX_SYNC_BLOCKS }, (_, i) => i + 1));
    const edge = answerFromRecords({ t: 'sync-request', fromHeight: finalized }, sim.height, read, keep);
    expect(heights(edge)).toEqual([finalized]);
    expect(answerFromRecords({ t: 'sync-request', fromHeight: finalized + 1 }, sim.height, read, keep)).toEqual([]);
    expect(answerFromRecords({ t: 'sync-request', fromHeight: 1 }, sim.height, read, sim.height)).toEqual([]); // all in memory
    const gapped = (k: string): Uint8Array | undefined => (k === finalKey(3) ? undefined : read(k));
    expect(heights(answerFromRecords({ t: 'sync-request', fromHeight: 1 }, sim.height, gapped, keep))).toEqual([1, 2]);
    expect(answerFromRecords({ t: 'get-block', hash: new Uint8Array(32) }, sim.height, read, keep)).toEqual([]);
  });

  it('an empty node applies the record answers, asks on after each batch, and finalizes the same blocks and state', () => {
    const blockAt = (h: number) => decodeBlock(read(finalKey(h))!);
    expect(toHex(blockAt(finalized).header.stateRoot)).toBe(sim.root); // the source's finalized state
    const replica = emptyReplica('coherence', sim);
    const keep = 0; // serve everything from records
    const now = 1_000_000_000_000; // after every block's timestamp
    const finalizedByReplica: string[] = [];
    let fromHeight = 1;
    for (let round = 0; round < 100 && replica.status().height < finalized; round++) {
      const answer = answerFromRecords({ t: 'sync-request', fromHeight }, finalized, read, keep);
      expect(answer.length).toBeGreaterThan(0);
      for (const m of answer) {
        const effects = replica.handle({ kind: 'message', now: now + round, from: 0, message: m });
        expect(effects.filter((e) => e.kind === 'penalize')).toEqual([]);
        for (const e of effects) if (e.kind === 'finalize') finalizedByReplica.push(e.entry.value);
      }
      fromHeight = replica.status().height + 1;
    }
    expect(replica.status().height).toBe(finalized);
    // It finalized (k = 6 deep under its head) exactly the source's blocks 1 .. finalized - 6,
    // and its finalized state is the one those blocks' headers commit to.
    const k = 6;
    expect(finalizedByReplica).toEqual(Array.from({ length: finalized - k }, (_, i) => toHex(blockHash(blockAt(i + 1)))));
    expect(toHex(replica.finalizedState().root)).toBe(toHex(blockAt(finalized - k).header.stateRoot));
  });

  it('the node registers the coherence record server', () => {
    expect(recordSyncServer('coherence')).toBeDefined();
  });
});
