/**
 * Names of the traces the live model records (Traces columns) and the telemetry keys the
 * panels look for. Engine gauges go in as `tel:<key>` (EngineStatus.telemetry) and
 * `gauge:<name>` (the engine's `metric` effects).
 */
export const TRACE = Object.freeze({
  height: 'height',
  finalized: 'finalized',
  peers: 'peers',
  entriesPerS: 'entriesPerS',
  txPerS: 'txPerS',
  finalIntervalMs: 'finalIntervalMs',
  finalityLatencyMs: 'finalityLatencyMs',
  ackLatencyMs: 'ackLatencyMs',
  bytesInPerS: 'bytesInPerS',
  bytesOutPerS: 'bytesOutPerS',
  mempool: 'mempool',
});

export const telemetryTrace = (key: string): string => `tel:${key}`;
export const gaugeTrace = (key: string): string => `gauge:${key}`;

/** Candidate telemetry keys per quantity, first present wins (engines name them differently). */
export const KEYS = Object.freeze({
  temperature: ['temperature', 'T', 'temp'],
  coherence: ['coherenceR', 'coherence_r', 'coherence', 'r'],
  difficulty: ['difficultyLog2', 'difficulty_log2', 'difficulty', 'powDifficulty'],
  mempool: ['mempool', 'mempoolSize', 'mempool_size'],
  /** Proposed for every engine: p50 ms from a client's submission to this node until final here. */
  finalityLatencyMs: ['finalityLatencyMs', 'finality_latency_ms', 'finalityP50Ms'],
});

/** z_c = sqrt(3)/2: Proof-of-Coherence's coherence threshold. */
export const Z_C = Math.sqrt(3) / 2;

/** The first key of `candidates` present in `record`, or null. */
export function firstKey(record: Readonly<Record<string, number>> | undefined, candidates: readonly string[]): string | null {
  if (record === undefined) return null;
  for (const k of candidates) if (typeof record[k] === 'number') return k;
  return null;
}
