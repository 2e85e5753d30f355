/**
 * The part of a simulation result (src/sim `SimResult`) that the report reads, declared here
 * structurally so src/report depends on no layer above core: a `SimResult` is assignable to
 * `SimReportInput`, and a `result.json` written by `thermo sim --report` parses back into one.
 */

export interface SimGaugeSample {
  readonly t: number;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
}

export interface SimNodeRow {
  readonly node: number;
  readonly honest: boolean;
  readonly region: number;
  readonly up: boolean;
  readonly bytesOut: number;
  readonly bytesIn: number;
  readonly msgsOut: number;
  readonly msgsIn: number;
  readonly penaltiesReceived: number;
  readonly finalizedEntries: number;
  readonly crashes: number;
}

export interface SimViolationRow {
  readonly kind: string;
  readonly node: number;
  readonly atMs: number;
  readonly slot?: string;
  readonly detail: string;
}

export interface SimEngineErrorRow {
  readonly node: number;
  readonly atMs: number;
  readonly error: string;
}

/** The flat `--json` summary: the fields the report names (every other field is shown as is). */
export interface SimSummaryInput {
  readonly engine: string;
  readonly nodes: number;
  readonly seed: number;
  readonly duration_s: number;
  readonly safety_violations: number;
  readonly trace_hash: string;
}

export interface SimReportInput {
  readonly summary: SimSummaryInput;
  readonly violations: readonly SimViolationRow[];
  readonly engineErrors: readonly SimEngineErrorRow[];
  readonly perNode: readonly SimNodeRow[];
  readonly rejectedByCode: Readonly<Record<string, number>>;
  readonly penaltiesByCode: Readonly<Record<string, number>>;
  readonly series: Readonly<Record<string, readonly SimGaugeSample[]>>;
  readonly replay: string;
}
