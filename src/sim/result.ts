/**
 * What a run reports. `summary` is flat and JSON-ready (snake_case: it is the `--json` line of
 * `thermo sim`); the rest is detail for tests, reports and the dashboard.
 */
import type { EngineStatus } from '../protocol/index.js';
import type { ScenarioConfig } from './config.js';
import type { InvariantKind, Violation } from './invariants.js';
import type { GaugeSample } from './metrics.js';

export interface SimSummary {
  readonly engine: string;
  readonly nodes: number;
  readonly seed: number;
  readonly duration_s: number;
  readonly byzantine: number;
  readonly behaviour: string;
  /** Client transactions finalized at the node they were submitted to (by the end of drain). */
  readonly finalized: number;
  /** Finalized-log length of the least advanced honest node that is up at the end. */
  readonly finalized_entries: number;
  readonly submitted: number;
  readonly acked: number;
  readonly rejected: number;
  /** Liveness: acknowledged transactions some honest, up node has not finalized by the end. */
  readonly acked_not_final: number;
  readonly abandoned: number;
  readonly backlogged: number;
  readonly latency_p50_ms: number | null;
  readonly latency_p99_ms: number | null;
  readonly latency_mean_ms: number | null;
  readonly latency_all_p50_ms: number | null;
  readonly latency_all_p99_ms: number | null;
  /** Transactions finalized at their submitting node within the measured duration, per second. */
  readonly tps: number;
  readonly offered_tps: number;
  /**
   * Bytes sent per node per second over the measured window [0, duration] (framing included;
   * copies the network later lost count, they were sent). All nodes, Byzantine included.
   */
  readonly bytes_per_node_per_s: number;
  readonly msgs_per_node_per_s: number;
  readonly safety_violations: number;
  readonly violations_by_kind: Readonly<Record<InvariantKind, number>>;
  readonly engine_errors: number;
  readonly penalties: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly duplicated: number;
  readonly events: number;
  readonly sim_end_ms: number;
  readonly truncated: boolean;
  readonly trace_hash: string;
}

export type DropReason = 'loss' | 'partition' | 'crashed' | 'upload_overflow' | 'download_overflow' | 'inbox_overflow' | 'decode';

export interface NodeReport {
  readonly node: number;
  readonly honest: boolean;
  readonly region: number;
  readonly up: boolean;
  readonly skewMs: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly msgsOut: number;
  readonly msgsIn: number;
  readonly penaltiesReceived: number;
  readonly finalizedEntries: number;
  readonly crashes: number;
  readonly lostWrites: number;
  readonly status: EngineStatus | null;
}

export interface EngineErrorReport {
  readonly node: number;
  readonly atMs: number;
  readonly error: string;
}

export interface SimResult {
  readonly summary: SimSummary;
  readonly config: ScenarioConfig;
  readonly violations: readonly Violation[];
  readonly engineErrors: readonly EngineErrorReport[];
  readonly perNode: readonly NodeReport[];
  readonly rejectedByCode: Readonly<Record<string, number>>;
  readonly penaltiesByCode: Readonly<Record<string, number>>;
  readonly gauges: Readonly<Record<string, readonly (number | null)[]>>;
  readonly series: Readonly<Record<string, readonly GaugeSample[]>>;
  /** The command that reproduces this run (printed on any violation). */
  readonly replay: string;
  /** Wall-clock milliseconds the run took (outside the trace; the only wall-clock reading). */
  readonly wallMs: number;
}
