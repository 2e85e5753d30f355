/**
 * ThermoTruth's twin of finding 3 (docs/reliability-cluster.md): answers to sync requests below
 * the in-memory window (KEEP_FINALS = 256 epochs) come from the durable `final/<epoch>` records.
 * The window is too many epochs to build in a test, so the records of a short simulation are
 * served with a small `keep`, and an empty replica must accept every answer, ask on after each
 * batch, and reach the same finalized epoch and state root as the node whose records it read.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/index.js';
import { SYNC_BATCH } from '../../src/engines/thermotruth/engine.js';
import { answerFromRecords, finalKey } from '../../src/engines/thermotruth/index.js';
import { recordSyncServer } from '../../src/node/sync/index.js';
import { emptyReplica, simulatedRecords } from './support/record-sim.js';

describe('thermotruth: catch-up answers from durable records', () => {
  const sim = simulatedRecords('thermotruth', 'final/', 8);
  const read = (k: string): Uint8Array | undefined => sim.records.get(k);

  it('serves the epochs below the window, SYNC_BATCH at a time, and nothing for other messages', () => {
    const keep = 4;
    expect(sim.height).toBeGreaterThan(SYNC_BATCH + keep);
    expect(sim.records.size).toBe(sim.height);
    const a = answerFromRecords({ t: 'sync-request', fromEpoch: 1 }, sim.height, read, keep);
    expect(a.map((m) => (m.t === 'sync-final' ? m.batch.epoch : -1))).toEqual(Array.from({ length: SYNC_BATCH }, (_, i) => i + 1));
    expect(a.every((m) => m.t === 'sync-final' && m.qc.epoch === m.batch.epoch)).toBe(true);
    // the last epoch below the window, exactly
    const edge = answerFromRecords({ t: 'sync-request', fromEpoch: sim.height - keep }, sim.height, read, keep);
    expect(edge.map((m) => (m.t === 'sync-final' ? m.batch.epoch : -1))).toEqual([sim.height - keep]);
    expect(answerFromRecords({ t: 'sync-request', fromEpoch: sim.height - keep + 1 }, sim.height, read, keep)).toEqual([]);
    expect(answerFromRecords({ t: 'sync-request', fromEpoch: 1 }, sim.height, read, sim.height)).toEqual([]); // all in memory
    // a gap in the records ends the answer at the gap
    const gapped = (k: string): Uint8Array | undefined => (k === finalKey(3) ? undefined : read(k));
    expect(answerFromRecords({ t: 'sync-request', fromEpoch: 1 }, sim.height, gapped, keep).length).toBe(2);
  });

  it('an empty replica applies the record answers, asks on after each batch, and reaches the same root', () => {
    const keep = 0; // serve everything from records
    const replica = emptyReplica('thermotruth', sim);
    let fromEpoch = 1;
    for (let round = 0; round < 100 && replica.status().height < sim.height; round++) {
      const answer = answerFromRecords({ t: 'sync-request', fromEpoch }, sim.height, read, keep);
      expect(answer.length).toBeGreaterThan(0);
      // delivered newest first, as a network may: the replica buffers what is ahead of it
      for (const m of [...answer].reverse()) {
        const effects = replica.handle({ kind: 'message', now: 1000 + round, from: 0, message: m });
        expect(effects.filter((e) => e.kind === 'penalize')).toEqual([]);
      }
      fromEpoch = replica.status().height + 1;
    }
    expect(replica.status().height).toBe(sim.height);
    expect(toHex(replica.finalizedState().root)).toBe(sim.root);
  });

  it('the node registers the ThermoTruth record server', () => {
    expect(recordSyncServer('thermotruth')).toBeDefined();
  });
});
