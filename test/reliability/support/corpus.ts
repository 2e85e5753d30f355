/**
 * Valid wire messages of every registered engine, captured from a short simulation (the
 * simulator encodes every message it delivers with the engine's codec): the seeds that the
 * decoder and handler fuzzers mutate. Deterministic (same scenario, same bytes).
 */
import { ENGINES } from '../../../src/engines/index.js';
import type { EngineInput, ErasedEngineDefinition } from '../../../src/protocol/index.js';
import type { LedgerState } from '../../../src/ledger/index.js';
import { runScenario } from '../../../src/sim/index.js';

/** Engines whose messages are fuzzed: every registered one but the deliberately broken fixture. */
export const FUZZED_ENGINES: readonly string[] = [...ENGINES.keys()].filter((n) => n !== 'reference-broken');

export interface Captured {
  readonly bytes: Uint8Array;
  readonly message: unknown;
}

const cache = new Map<string, Captured[]>();

/** Up to `max` distinct encoded messages, spread over the message kinds the run produced. */
export function captureMessages(engine: string, max = 60): Captured[] {
  const hit = cache.get(engine);
  if (hit !== undefined) return hit;
  const def = ENGINES.get(engine)!;
  const byKind = new Map<string, Captured[]>();
  const seen = new Set<string>();
  const wrapped: ErasedEngineDefinition = {
    ...def,
    codec: {
      encode: (m) => {
        const bytes = def.codec.encode(m);
        const key = Buffer.from(bytes).toString('base64');
        if (!seen.has(key) && bytes.length < 1024 * 1024) {
          seen.add(key);
          const kind = kindOf(m);
          const list = byKind.get(kind) ?? [];
          if (list.length < max) list.push({ bytes, message: m });
          byKind.set(kind, list);
        }
        return bytes;
      },
      decode: (b) => def.codec.decode(b),
    },
  };
  runScenario({ engine, nodes: 4, seed: 7, durationS: engine === 'coherence' ? 40 : 3, drainS: 1, load: { tps: 30 } }, { resolve: () => wrapped });
  // Round-robin over kinds so rare kinds are represented.
  const lists = [...byKind.values()];
  const out: Captured[] = [];
  for (let i = 0; out.length < max && lists.some((l) => i < l.length); i++) for (const l of lists) if (i < l.length && out.length < max) out.push(l[i]!);
  cache.set(engine, out);
  return out;
}

export function kindOf(m: unknown): string {
  if (typeof m === 'object' && m !== null) {
    const r = m as Record<string, unknown>;
    for (const k of ['t', 'type', 'kind']) if (typeof r[k] === 'string' || typeof r[k] === 'number') return String(r[k]);
  }
  return '?';
}

/** Every input validator 1 got in a short simulation, in order (its `start` first). */
export interface CapturedRun {
  readonly params: unknown;
  readonly genesis: LedgerState;
  readonly inputs: readonly EngineInput<unknown, unknown>[];
}

const runs = new Map<string, CapturedRun>();

export function captureRun(engine: string, self = 1, maxInputs = 800): CapturedRun {
  const hit = runs.get(engine);
  if (hit !== undefined) return hit;
  const def = ENGINES.get(engine)!;
  const inputs: EngineInput<unknown, unknown>[] = [];
  let params: unknown = def.defaultParams;
  let genesis: CapturedRun['genesis'] | null = null;
  const wrapped: ErasedEngineDefinition = {
    ...def,
    create: (ctx) => {
      const e = def.create(ctx);
      if (ctx.self !== self) return e;
      params = ctx.params;
      genesis = ctx.genesis;
      return {
        handle: (input) => {
          if (inputs.length < maxInputs) inputs.push(input);
          return e.handle(input);
        },
        status: () => e.status(),
        finalizedState: () => e.finalizedState(),
      };
    },
  };
  runScenario({ engine, nodes: 4, seed: 7, durationS: engine === 'coherence' ? 40 : 3, drainS: 1, load: { tps: 30 } }, { resolve: () => wrapped });
  const out: CapturedRun = { params, genesis: genesis!, inputs };
  runs.set(engine, out);
  return out;
}
