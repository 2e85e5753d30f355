/**
 * ThermoTruth's twin of finding 3 (docs/reliability-cluster.md): answers to sync requests below
 * the in-memory window (KEEP_FINALS = 256 epochs) come from the durable `final/<epoch>` records.
 * The window is too many epochs to build in a test, so the records of a short simulation are
 * served with a small `keep`, and an empty replica must accept every answer, ask on after each
 * batch, and reach the same finalized epoch and state root as the node whose records it read.
 */
import { describe, expect, it } from 'vitest';
import { Prng, toHex } from '../../src/core/index.js';
import { ENGINES } from '../../src/engines/index.js';
import { SYNC_BATCH } from '../../src/engines/thermotruth/engine.js';
import { answerFromRecords, finalKey } from '../../src/engines/thermotruth/index.js';
import type { LedgerState } from '../../src/ledger/index.js';
import type { ErasedEngineDefinition } from '../../src/protocol/index.js';
import { recordSyncServer } from '../../src/node/sync/index.js';
import { SIM_CHAIN_ID, runScenario, validatorKeyPair } from '../../src/sim/index.js';

const def = ENGINES.get('thermotruth')!;

/** Node 0's durable final records after a short simulation, with its params, genesis and root. */
function simulatedRecords(): { records: Map<string, Uint8Array>; height: number; root: string; params: unknown; genesis: LedgerState } {
  const records = new Map<string, Uint8Array>();
  let node0: ReturnType<ErasedEngineDefinition['create']> | null = null;
  let params: unknown = null;
  let genesis: LedgerState | null = null;
  const wrapped: ErasedEngineDefinition = {
    ...def,
    create: (ctx) => {
      const e = def.create(ctx);
      if (ctx.self !== 0) return e;
      params = ctx.params;
      genesis = ctx.genesis;
      node0 = e;
      return {
        handle: (input) => {
          const out = e.handle(input);
          for (const x of out) {
            if (x.kind !== 'persist' || !x.key.startsWith('final/')) continue;
            if (x.value === null) records.delete(x.key);
            else records.set(x.key, x.value);
          }
          return out;
        },
        status: () => e.status(),
        finalizedState: () => e.finalizedState(),
      };
    },
  };
  runScenario({ engine: 'thermotruth', nodes: 4, seed: 5, durationS: 8, drainS: 1, load: { tps: 20 } }, { resolve: () => wrapped });
  const e = node0!;
  return { records, height: e.status().height, root: toHex(e.finalizedState().root), params, genesis: genesis! };
}

describe('thermotruth: catch-up answers from durable records', () => {
  const sim = simulatedRecords();
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
    const replica = def.create({
      chainId: SIM_CHAIN_ID,
      validators: Array.from({ length: 4 }, (_, i) => validatorKeyPair(i).publicKey),
      self: 1,
      keyPair: validatorKeyPair(1),
      params: sim.params,
      genesis: sim.genesis,
      rng: Prng.fromSeed(1),
      restored: new Map(),
    });
    replica.handle({ kind: 'start', now: 0 });
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
