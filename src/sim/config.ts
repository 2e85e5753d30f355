/**
 * The scenario configuration: everything that determines a run. Two runs with equal configs
 * (and the same engine code) execute the same events in the same order and end with the same
 * trace hash. `replay.ts` turns a config into the `thermo sim ...` command that rebuilds it.
 */
import type { CostModelName } from './cost-model.js';
import { badConfig } from './errors.js';
import type { FaultConfig } from './faults.js';
import { NO_FAULTS, validateFaults } from './faults.js';
import type { BandwidthModel, LatencyModel } from './network.js';
import { validateLatency } from './network.js';
import type { LoadConfig } from './workload.js';
import { validateLoad } from './workload.js';

export interface ByzantineConfig {
  /** Fraction of nodes that are Byzantine: floor(fraction * n), chosen by a seeded shuffle. */
  readonly fraction: number;
  /** Explicit Byzantine node indices; overrides `fraction` when given. */
  readonly nodes?: readonly number[];
  /** 'silent' or a name from the engine definition's `adversaries`. */
  readonly behaviour: string;
}

export interface SimLimits {
  /** Stop (and flag the result `truncated`) after this many executed events. */
  readonly maxEvents: number;
  /** Most pending events in the heap (SIM_QUEUE_FULL beyond). */
  readonly maxQueue: number;
  /** Most inputs waiting for a busy node's CPU; later ones are dropped (`inbox_overflow`). */
  readonly maxInbox: number;
  /** Longest uplink (downlink) backlog a node queues before dropping (`upload_overflow`, `download_overflow`). */
  readonly maxBacklogMs: number;
}

export interface ScenarioConfig {
  readonly engine: string;
  readonly nodes: number;
  readonly seed: number;
  /** Measured duration: clients submit during [0, durationS). */
  readonly durationS: number;
  /** Extra time after the measured duration for in-flight work to finish (no new load). */
  readonly drainS: number;
  readonly byzantine: ByzantineConfig;
  readonly latency: LatencyModel;
  readonly bandwidth: BandwidthModel;
  readonly faults: FaultConfig;
  readonly load: LoadConfig;
  /** Raw engine parameters (JSON-like), parsed by the engine's `parseParams`; null = defaults. */
  readonly params: unknown;
  readonly costModel: CostModelName;
  /** Relative hash power per node for `job` effects (mining); default 1 each. */
  readonly hashPower?: readonly number[];
  readonly limits: SimLimits;
}

export const MAX_NODES = 4096;

export const DEFAULT_LIMITS: SimLimits = Object.freeze({
  maxEvents: 200_000_000,
  maxQueue: 20_000_000,
  maxInbox: 100_000,
  maxBacklogMs: 30_000,
});

export const DEFAULT_LOAD: LoadConfig = Object.freeze({ tps: 100, accounts: 256, clientTimeoutMs: 5_000, maxResubmits: 5 });

export const DEFAULT_LATENCY: LatencyModel = Object.freeze({ kind: 'fixed', rttMs: 100, jitterMs: 5 });

export const DEFAULT_SCENARIO: Omit<ScenarioConfig, 'engine'> = Object.freeze({
  nodes: 4,
  seed: 1,
  durationS: 10,
  drainS: 5,
  byzantine: Object.freeze({ fraction: 0, behaviour: 'silent' }),
  latency: DEFAULT_LATENCY,
  bandwidth: Object.freeze({ kind: 'unlimited' }),
  faults: NO_FAULTS,
  load: DEFAULT_LOAD,
  params: null,
  costModel: 'measured',
  limits: DEFAULT_LIMITS,
});

export type ScenarioInput = Partial<Omit<ScenarioConfig, 'faults' | 'load' | 'limits' | 'byzantine'>> & {
  readonly engine: string;
  readonly faults?: Partial<FaultConfig>;
  readonly load?: Partial<LoadConfig>;
  readonly limits?: Partial<SimLimits>;
  readonly byzantine?: Partial<ByzantineConfig>;
};

/** A complete, frozen, validated config from a partial one (defaults filled in). */
export function makeScenario(input: ScenarioInput): ScenarioConfig {
  const d = DEFAULT_SCENARIO;
  const config: ScenarioConfig = {
    engine: input.engine,
    nodes: input.nodes ?? d.nodes,
    seed: input.seed ?? d.seed,
    durationS: input.durationS ?? d.durationS,
    drainS: input.drainS ?? d.drainS,
    byzantine: Object.freeze({ ...d.byzantine, ...input.byzantine }),
    latency: input.latency ?? d.latency,
    bandwidth: input.bandwidth ?? d.bandwidth,
    faults: Object.freeze({ ...d.faults, ...input.faults }),
    load: Object.freeze({ ...d.load, ...input.load }),
    params: input.params ?? d.params,
    costModel: input.costModel ?? d.costModel,
    hashPower: input.hashPower,
    limits: Object.freeze({ ...d.limits, ...input.limits }),
  };
  if (config.hashPower === undefined) delete (config as { hashPower?: unknown }).hashPower;
  validateScenario(config);
  return Object.freeze(config);
}

export function validateScenario(c: ScenarioConfig): void {
  if (typeof c.engine !== 'string' || c.engine.length === 0) throw badConfig('engine', 'a registered engine name');
  if (!Number.isInteger(c.nodes) || c.nodes < 1 || c.nodes > MAX_NODES) throw badConfig('nodes', `an integer in [1, ${MAX_NODES}]`);
  if (!Number.isSafeInteger(c.seed) || c.seed < 0) throw badConfig('seed', 'a non-negative safe integer');
  if (!Number.isFinite(c.durationS) || c.durationS <= 0 || c.durationS > 1_000_000) throw badConfig('durationS', 'in (0, 1000000]');
  if (!Number.isFinite(c.drainS) || c.drainS < 0 || c.drainS > 1_000_000) throw badConfig('drainS', 'in [0, 1000000]');
  const b = c.byzantine;
  if (!Number.isFinite(b.fraction) || b.fraction < 0 || b.fraction > 1) throw badConfig('byzantine.fraction', 'in [0, 1]');
  if (b.nodes !== undefined) {
    const seen = new Set<number>();
    for (const i of b.nodes) {
      if (!Number.isInteger(i) || i < 0 || i >= c.nodes || seen.has(i)) throw badConfig('byzantine.nodes', `distinct indices in [0, ${c.nodes})`);
      seen.add(i);
    }
  }
  if (typeof b.behaviour !== 'string' || b.behaviour.length === 0) throw badConfig('byzantine.behaviour', 'a behaviour name');
  validateLatency(c.latency);
  validateFaults(c.faults, c.nodes);
  validateLoad(c.load);
  if (c.costModel !== 'measured' && c.costModel !== 'zero') throw badConfig('costModel', "'measured' or 'zero'");
  if (c.hashPower !== undefined) {
    if (c.hashPower.length !== c.nodes) throw badConfig('hashPower', `one value per node (${c.nodes})`);
    for (const h of c.hashPower) if (!Number.isFinite(h) || h < 0) throw badConfig('hashPower', 'non-negative numbers');
  }
  const l = c.limits;
  if (!Number.isSafeInteger(l.maxEvents) || l.maxEvents < 1) throw badConfig('limits.maxEvents', 'a positive integer');
  if (!Number.isSafeInteger(l.maxQueue) || l.maxQueue < 1) throw badConfig('limits.maxQueue', 'a positive integer');
  if (!Number.isSafeInteger(l.maxInbox) || l.maxInbox < 1) throw badConfig('limits.maxInbox', 'a positive integer');
  if (!Number.isFinite(l.maxBacklogMs) || l.maxBacklogMs <= 0) throw badConfig('limits.maxBacklogMs', 'positive');
}

/** Honest nodes needed by the fault model: how many Byzantine nodes the config asks for. */
export function byzantineCount(c: ScenarioConfig): number {
  return c.byzantine.nodes !== undefined ? c.byzantine.nodes.length : Math.floor(c.byzantine.fraction * c.nodes + 1e-9);
}
