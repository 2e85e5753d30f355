/**
 * For the store-backed catch-up tests: node 0's durable records (those whose key starts with
 * `prefix`) after a short simulation, kept as the node's store would keep them (a null value
 * deletes), with node 0's final status and root, its params and genesis; and an empty replica
 * of the same chain to feed the record answers to.
 */
import { Prng, toHex } from '../../../src/core/index.js';
import { ENGINES } from '../../../src/engines/index.js';
import type { LedgerState } from '../../../src/ledger/index.js';
import type { ErasedEngineDefinition } from '../../../src/protocol/index.js';
import { SIM_CHAIN_ID, runScenario, validatorKeyPair } from '../../../src/sim/index.js';

type ErasedEngine = ReturnType<ErasedEngineDefinition['create']>;

export interface SimulatedRecords {
  readonly records: ReadonlyMap<string, Uint8Array>;
  /** Node 0's finalized height and state root (hex) at the end of the run. */
  readonly height: number;
  readonly root: string;
  readonly params: unknown;
  readonly genesis: LedgerState;
}

export function simulatedRecords(engine: string, prefix: string, durationS: number, engineParams: unknown = null): SimulatedRecords {
  const def = ENGINES.get(engine)!;
  const records = new Map<string, Uint8Array>();
  let node0: ErasedEngine | null = null;
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
            if (x.kind !== 'persist' || !x.key.startsWith(prefix)) continue;
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
  runScenario({ engine, nodes: 4, seed: 5, durationS, drainS: 1, load: { tps: 20 }, params: engineParams }, { resolve: () => wrapped });
  const e: ErasedEngine = node0!;
  return { records, height: e.status().height, root: toHex(e.finalizedState().root), params, genesis: genesis! };
}

/** Validator 1 of the simulated 4-validator chain, started with no records. */
export function emptyReplica(engine: string, sim: SimulatedRecords): ErasedEngine {
  const replica = ENGINES.get(engine)!.create({
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
  return replica;
}
