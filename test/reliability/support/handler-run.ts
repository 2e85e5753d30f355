/**
 * The engine handler harness (fuzz-handlers.test.ts, regressions.test.ts): validator 1 of 4
 * replays the inputs it got in a simulation (support/corpus.ts), with inputs dropped and messages
 * injected from random peers, and every effect and status checked after every input.
 */
import { Prng } from '../../../src/core/index.js';
import { ENGINES } from '../../../src/engines/index.js';
import type { Effect, EngineContext, EngineInput, ErasedEngine } from '../../../src/protocol/index.js';
import { SIM_CHAIN_ID, validatorKeyPair } from '../../../src/sim/index.js';
import { captureMessages, captureRun } from './corpus.js';
import { mutate, recordFailure } from './fuzz.js';
import type { Mutation } from './fuzz.js';

export const N = 4;
const SELF = 1;

export interface Injection {
  readonly at: number;
  readonly from: number;
  readonly pick: number;
  readonly mutations: readonly Mutation[];
}

export interface Plan {
  readonly injections: readonly Injection[];
  /** Raw encoded messages injected as they are (regression inputs), decoded by the engine's codec. */
  readonly raw?: readonly { readonly at: number; readonly from: number; readonly bytes: Uint8Array }[];
  readonly drops: readonly number[];
}

function ctxOf(engine: string): EngineContext<unknown> {
  const run = captureRun(engine);
  return {
    chainId: SIM_CHAIN_ID,
    validators: Array.from({ length: N }, (_, i) => validatorKeyPair(i).publicKey),
    self: SELF,
    keyPair: validatorKeyPair(SELF),
    params: run.params,
    genesis: run.genesis,
    rng: Prng.fromSeed(SELF),
    restored: new Map(),
  };
}

/** What the runs exercised, per engine (the test fails if the fuzzer reached nothing). */
export const stats = new Map<string, { inputs: number; injected: number; mutated: number; effects: number; penalties: number; finalized: number }>();

/** Runs one plan; returns null or what broke. */
export function runPlan(engineName: string, plan: Plan): string | null {
  const def = ENGINES.get(engineName)!;
  const corpus = captureMessages(engineName, 60);
  const log = captureRun(engineName).inputs;
  const engine: ErasedEngine = def.create(ctxOf(engineName));
  const st0 = stats.get(engineName) ?? { inputs: 0, injected: 0, mutated: 0, effects: 0, penalties: 0, finalized: 0 };
  stats.set(engineName, st0);
  const txSeen = new Set<string>();
  let finalized = 0;
  const check = (what: string, effects: readonly Effect<unknown, unknown>[]): string | null => {
    st0.effects += effects.length;
    for (const e of effects) {
      if (e.kind === 'penalize') st0.penalties++;
      if (e.kind === 'finalize') {
        st0.finalized++;
        if (e.entry.seq !== finalized) return `${what}: finalize seq ${e.entry.seq}, expected ${finalized}`;
        finalized++;
        for (const id of e.entry.txIds) {
          if (txSeen.has(id)) return `${what}: transaction ${id} finalized twice`;
          txSeen.add(id);
        }
      }
      if (e.kind === 'send' && (!Number.isInteger(e.to) || e.to < 0 || e.to >= N)) return `${what}: send to ${e.to}`;
      if (e.kind === 'penalize' && (!Number.isInteger(e.peer) || e.peer < 0 || e.peer >= N || !(e.weight > 0))) return `${what}: penalize ${e.peer} weight ${e.weight}`;
      if (e.kind === 'send' || e.kind === 'broadcast') {
        try {
          def.codec.encode(e.message);
        } catch (err) {
          return `${what}: emitted a message its codec cannot encode: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
    }
    let st;
    try {
      st = engine.status();
    } catch (err) {
      return `${what}: status() threw ${err instanceof Error ? err.message : String(err)}`;
    }
    if (st.finalized !== finalized) return `${what}: status().finalized ${st.finalized} but ${finalized} finalize effects`;
    return null;
  };
  const feed = (what: string, input: EngineInput<unknown, unknown>): string | null => {
    st0.inputs++;
    let effects: readonly Effect<unknown, unknown>[];
    try {
      effects = engine.handle(input);
    } catch (err) {
      return `${what}: handle threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
    }
    return check(what, effects);
  };
  const drops = new Set(plan.drops.map((d) => 1 + (d % Math.max(1, log.length - 1))));
  const byPos = new Map<number, Injection[]>();
  for (const inj of plan.injections) {
    const at = 1 + (inj.at % Math.max(1, log.length - 1));
    byPos.set(at, [...(byPos.get(at) ?? []), inj]);
  }
  const rawByPos = new Map<number, { from: number; bytes: Uint8Array }[]>();
  for (const r of plan.raw ?? []) {
    const at = 1 + (r.at % Math.max(1, log.length - 1));
    rawByPos.set(at, [...(rawByPos.get(at) ?? []), r]);
  }
  for (const [i, input] of log.entries()) {
    for (const r of rawByPos.get(i) ?? []) {
      let message: unknown;
      try {
        message = def.codec.decode(r.bytes);
      } catch {
        continue;
      }
      const bad = feed(`input ${i}: raw message from ${r.from}`, { kind: 'message', now: input.now, from: r.from, message });
      if (bad !== null) return bad;
    }
    for (const inj of byPos.get(i) ?? []) {
      const seed = corpus[inj.pick % corpus.length]!;
      let message: unknown = seed.message;
      if (inj.mutations.length > 0) {
        try {
          message = def.codec.decode(mutate(seed.bytes, inj.mutations));
        } catch {
          continue; // refused at decoding: never reaches the engine
        }
        st0.mutated++;
      }
      st0.injected++;
      const from = inj.from >= SELF ? inj.from + 1 : inj.from;
      const bad = feed(`input ${i}: injected message from ${from}`, { kind: 'message', now: input.now, from, message });
      if (bad !== null) {
        if (inj.mutations.length > 0) recordFailure(`handler.${engineName}`, mutate(seed.bytes, inj.mutations));
        return bad;
      }
    }
    if (drops.has(i)) continue;
    const bad = feed(`input ${i} (${input.kind})`, input);
    if (bad !== null) return bad;
  }
  return null;
}

