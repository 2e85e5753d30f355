/**
 * What one simulation run contributes to the claims: per-decision costs, latency, throughput,
 * bytes per committed transaction, and for ThermoTruth the aggregate's error. Everything is read
 * from the simulator's result, except signature checks: the simulator charges them to the CPU
 * model without reporting a count, so the runner wraps each engine definition and counts the
 * `cost` effects with op 'sig-verify' that every node (honest or not) emits.
 */
import type { Effect, EngineDefinition, ErasedEngine, ErasedEngineDefinition } from '../../protocol/index.js';
import type { SimResult } from '../../sim/index.js';
import { median } from './stats.js';

export interface RunMetrics {
  readonly seed: number;
  /** Decisions (finalized log entries) of the least advanced honest node. */
  readonly decisions: number;
  readonly finalizedTxs: number;
  readonly latencyP50: number | null;
  readonly tps: number;
  readonly msgsPerDecision: number | null;
  readonly bytesPerDecision: number | null;
  readonly sigChecksPerDecision: number | null;
  /** All bytes sent by all nodes over the run / transactions finalized. */
  readonly bytesPerTx: number | null;
  /** Bytes sent by the busiest node over the run / transactions finalized. */
  readonly busiestBytesPerTx: number | null;
  /** ThermoTruth: mean relative error of the finalized aggregates (median over honest nodes). */
  readonly error: number | null;
  readonly errorMax: number | null;
  /** ThermoTruth: minted-identity proposals per finalized batch. */
  readonly minted: number | null;
  readonly viewChanges: number | null;
  readonly violations: number;
  readonly engineErrors: number;
  readonly truncated: boolean;
}

export interface SigCounter {
  sigVerify: number;
}

function countingEngine(engine: ErasedEngine, counter: SigCounter): ErasedEngine {
  return {
    handle(input) {
      const effects = engine.handle(input);
      for (const e of effects as readonly Effect<unknown, unknown>[]) if (e.kind === 'cost' && e.op === 'sig-verify') counter.sigVerify += e.count;
      return effects;
    },
    status: () => engine.status(),
    finalizedState: () => engine.finalizedState(),
  };
}

/** The same definition, with every engine it creates counting signature checks into `counter`. */
export function countingDefinition(definition: ErasedEngineDefinition, counter: SigCounter): ErasedEngineDefinition {
  const adversaries: Record<string, NonNullable<ErasedEngineDefinition['adversaries']>[string]> = {};
  for (const [name, make] of Object.entries(definition.adversaries ?? {})) adversaries[name] = (ctx) => countingEngine(make(ctx), counter);
  const wrapped: EngineDefinition<unknown, unknown, unknown, unknown> = {
    ...definition,
    create: (ctx) => countingEngine(definition.create(ctx), counter),
    adversaries,
  };
  return wrapped;
}

function honestGauge(r: SimResult, name: string): number | null {
  const values = (r.gauges[name] ?? []).filter((v, i): v is number => v !== null && r.perNode[i]?.honest === true);
  return median(values);
}

const per = (x: number, d: number): number | null => (d > 0 ? x / d : null);

export function measure(seed: number, r: SimResult, counter: SigCounter): RunMetrics {
  const s = r.summary;
  let msgs = 0;
  let bytes = 0;
  let busiest = 0;
  for (const node of r.perNode) {
    msgs += node.msgsOut;
    bytes += node.bytesOut;
    if (node.bytesOut > busiest) busiest = node.bytesOut;
  }
  const decisions = s.finalized_entries;
  return Object.freeze({
    seed,
    decisions,
    finalizedTxs: s.finalized,
    latencyP50: s.latency_p50_ms,
    tps: s.tps,
    msgsPerDecision: per(msgs, decisions),
    bytesPerDecision: per(bytes, decisions),
    sigChecksPerDecision: per(counter.sigVerify, decisions),
    bytesPerTx: per(bytes, s.finalized),
    busiestBytesPerTx: per(busiest, s.finalized),
    error: honestGauge(r, 'tt_error_mean'),
    errorMax: honestGauge(r, 'tt_error_max'),
    minted: honestGauge(r, 'tt_minted_mean'),
    viewChanges: honestGauge(r, 'tt_view_changes'),
    violations: s.safety_violations,
    engineErrors: s.engine_errors,
    truncated: s.truncated,
  });
}

export const METRIC_NAMES = [
  'decisions',
  'finalizedTxs',
  'latencyP50',
  'tps',
  'msgsPerDecision',
  'bytesPerDecision',
  'sigChecksPerDecision',
  'bytesPerTx',
  'busiestBytesPerTx',
  'error',
  'errorMax',
  'minted',
  'viewChanges',
  'violations',
  'engineErrors',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];
