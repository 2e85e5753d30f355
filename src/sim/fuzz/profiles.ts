/**
 * Per-engine swarm profiles: the fault bound the swarm stays inside (each engine's documented
 * one, docs/protocols/*.md), the behaviours it draws, the engine parameters it runs with, and
 * how long after the last heal every honest node must finalize again (the liveness bound).
 *
 * The bound is honest, not generous:
 *   pbft, hotstuff, thermotruth, reference: f = floor((n - 1) / 3) Byzantine (f < n/3);
 *     reference is not live with a Byzantine leader (no view change, on purpose), so its
 *     Byzantine nodes are drawn from 1..n-1.
 *   negentropy: floor(0.2 n) (SAFE_BYZANTINE_FRACTION, docs/protocols/negentropy.md section 4).
 *   coherence: probabilistic finality (k = 6 confirmations). Inside its bound: Byzantine hash
 *     share <= 1/4 (floor(n / 4) equal-power miners; selfish mining below Eyal-Sirer's 1/4..1/3
 *     profitability threshold) and every partition at most 1.5 target block intervals, far below
 *     the k-block finality depth. Longer partitions and a majority selfish miner break it by
 *     design (docs/protocols/coherence.md 8.7) and are control runs (controls.ts).
 */
import { SILENT } from '../adversary.js';

/** A Byzantine node that runs the honest engine; only the generic attacks (tamper.ts) bend it. */
export const HONEST_BEHAVIOUR = 'honest';

export interface EngineProfile {
  readonly engine: string;
  /** Most Byzantine nodes at n inside the documented bound. */
  readonly bound: (n: number) => number;
  /** The bound in words, for the report and the CLI. */
  readonly boundText: string;
  /** Behaviours drawn for the Byzantine nodes ('silent', 'honest' and the engine's adversaries). */
  readonly behaviours: readonly string[];
  /** Whether node 0 may be Byzantine (false: the engine is not live with a Byzantine node 0). */
  readonly byzantineMayLead: boolean;
  /** Longest partition drawn, ms (null: the common limit). */
  readonly maxPartitionMs: number | null;
  /** Engine parameters at n (null: the engine's defaults). */
  readonly params: (n: number) => unknown;
  /** Every honest node must finalize within this long after the last heal or restart. */
  readonly livenessMs: number;
  /** Offered load range, transfers per second. */
  readonly tps: readonly [number, number];
}

const bft = (n: number): number => Math.floor((n - 1) / 3);

export const PROFILES: ReadonlyMap<string, EngineProfile> = new Map<string, EngineProfile>([
  [
    'pbft',
    {
      engine: 'pbft',
      bound: bft,
      boundText: 'f = floor((n - 1) / 3) Byzantine of n (f < n/3)',
      behaviours: [SILENT, HONEST_BEHAVIOUR, 'equivocate', 'double-vote'],
      byzantineMayLead: true,
      maxPartitionMs: null,
      params: () => null,
      livenessMs: 30_000,
      tps: [2, 10],
    },
  ],
  [
    'hotstuff',
    {
      engine: 'hotstuff',
      bound: bft,
      boundText: 'f = floor((n - 1) / 3) Byzantine of n (f < n/3)',
      behaviours: [SILENT, HONEST_BEHAVIOUR, 'equivocate', 'double-vote'],
      byzantineMayLead: true,
      maxPartitionMs: null,
      params: () => null,
      livenessMs: 30_000,
      tps: [2, 10],
    },
  ],
  [
    'thermotruth',
    {
      engine: 'thermotruth',
      bound: bft,
      boundText: 'f = floor((n - 1) / 3) Byzantine of n (f < n/3)',
      behaviours: [SILENT, HONEST_BEHAVIOUR, 'outlier', 'in-range-drag', 'split-world'],
      byzantineMayLead: true,
      maxPartitionMs: null,
      params: () => null,
      livenessMs: 30_000,
      tps: [2, 10],
    },
  ],
  [
    'negentropy',
    {
      engine: 'negentropy',
      bound: (n) => Math.floor(0.2 * n + 1e-9),
      boundText: 'floor(0.2 n) Byzantine of n (SAFE_BYZANTINE_FRACTION = 0.2)',
      behaviours: [SILENT, HONEST_BEHAVIOUR, 'split-world', 'flip', 'sample-poison'],
      byzantineMayLead: true,
      maxPartitionMs: null,
      params: () => ({ attackIntervalMs: 500 }),
      livenessMs: 30_000,
      tps: [2, 10],
    },
  ],
  [
    'coherence',
    {
      engine: 'coherence',
      bound: (n) => Math.floor(n / 4),
      boundText: 'Byzantine hash share <= 1/4 (floor(n / 4) equal-power miners) and partitions <= 1.5 target intervals (k = 6)',
      behaviours: [SILENT, HONEST_BEHAVIOUR, 'selfish'],
      byzantineMayLead: true,
      maxPartitionMs: 1_500,
      params: (n) => ({ targetIntervalMs: 1_000, networkHashPower: n }),
      livenessMs: 40_000,
      tps: [1, 4],
    },
  ],
  [
    'reference',
    {
      engine: 'reference',
      bound: bft,
      boundText: 'f = floor((n - 1) / 3) Byzantine of n, never node 0 (the fixture has no view change)',
      behaviours: [SILENT, HONEST_BEHAVIOUR, 'equivocate'],
      byzantineMayLead: false,
      maxPartitionMs: null,
      params: () => null,
      livenessMs: 20_000,
      tps: [2, 10],
    },
  ],
]);

/** The engines the swarm runs, in report order. */
export const SWARM_ENGINES: readonly string[] = Object.freeze(['pbft', 'hotstuff', 'thermotruth', 'negentropy', 'coherence', 'reference']);

export function profileOf(engine: string): EngineProfile | undefined {
  return PROFILES.get(engine);
}
