/**
 * A scriptable probe engine for simulator tests: each test gives a function from (node, input)
 * to effects, and reads what happened from the run's result (metric gauges, counters). Its
 * messages are canonical CBOR [seq, padding bytes], so a test knows their exact wire size.
 */
import { decode, encode, readArray, readBytes, readUint } from '../../src/core/index.js';
import type { Effect, EngineContext, EngineDefinition, EngineInput, ErasedEngineDefinition } from '../../src/protocol/index.js';
import { eraseDefinition, maxFaulty } from '../../src/protocol/index.js';
import { runScenario } from '../../src/sim/index.js';
import type { ScenarioInput, SimResult } from '../../src/sim/index.js';

export interface ProbeMessage {
  readonly seq: number;
  readonly pad: number;
}

export function encodeProbe(m: ProbeMessage): Uint8Array {
  return encode([m.seq, new Uint8Array(m.pad)]);
}

export function decodeProbe(bytes: Uint8Array): ProbeMessage {
  const items = readArray(decode(bytes), 'probe', 2);
  return Object.freeze({ seq: readUint(items[0], 'seq'), pad: readBytes(items[1], 'pad').length });
}

export type ProbeEffect = Effect<ProbeMessage>;
export type ProbeScript = (ctx: EngineContext<unknown>, input: EngineInput<ProbeMessage>) => ProbeEffect[];

export function probeDefinition(script: ProbeScript): ErasedEngineDefinition {
  const definition: EngineDefinition<ProbeMessage, unknown> = {
    name: 'probe',
    description: 'test probe',
    defaultParams: null,
    parseParams: () => null,
    codec: { encode: encodeProbe, decode: decodeProbe },
    create: (ctx) => ({
      handle: (input) => script(ctx, input),
      status: () => ({ finalized: 0, height: 0, telemetry: {} }),
      finalizedState: () => ctx.genesis,
    }),
    faultBound: maxFaulty,
  };
  return eraseDefinition(definition);
}

/** Runs a probe scenario: no client load, no jitter, zero CPU costs unless the test says so. */
export function runProbe(script: ProbeScript, input: Partial<ScenarioInput>): SimResult {
  return runScenario(
    {
      engine: 'probe',
      nodes: 2,
      durationS: 1,
      drainS: 0,
      latency: { kind: 'fixed', rttMs: 100, jitterMs: 0 },
      costModel: 'zero',
      ...input,
      load: { tps: 0, ...input.load },
    },
    { resolve: () => probeDefinition(script) },
  );
}

/** A node's last value of a gauge (null: never reported). */
export function gauge(r: SimResult, name: string, node: number): number | null {
  return r.gauges[name]?.[node] ?? null;
}
