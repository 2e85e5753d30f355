/**
 * Parameters of the PBFT engine, validated from unknown input (config file, CLI JSON). The batch
 * fields and their defaults are src/protocol/batching.ts's, shared with HotStuff.
 *
 * Defaults: checkpoints every K = 16 sequence numbers and a watermark window L = 64 = 4K
 * (Castro and Liskov use K = 128, L = 256 = 2K for single requests; a sequence number here
 * carries a whole batch, so the window is shorter in numbers and similar in requests).
 */
import { BATCH_LIMIT_BOUNDS, DEFAULT_BATCH_INTERVAL_MS, DEFAULT_BATCH_LIMITS } from '../../protocol/index.js';
import { PbftError } from './errors.js';

export interface PbftParams {
  readonly maxTxsPerBlock: number;
  readonly maxBlockBytes: number;
  /** Least time between two pre-prepares of the primary. */
  readonly batchIntervalMs: number;
  /** K: a checkpoint every K sequence numbers. */
  readonly checkpointInterval: number;
  /** L: sequence numbers accepted above the low watermark h (the high watermark is h + L). */
  readonly watermarkWindow: number;
  /** Most sequence numbers the primary keeps in flight (assigned, not yet executed). */
  readonly maxInFlight: number;
  /** Base of the request timer and of the view-change timer; doubles per failed view change. */
  readonly viewChangeTimeoutMs: number;
  /** Largest backoff exponent: timers never exceed viewChangeTimeoutMs * 2^this. */
  readonly maxBackoffExponent: number;
  /** Period of retransmissions, transaction re-gossip and catch-up requests. */
  readonly retransmitMs: number;
}

export const DEFAULT_PBFT_PARAMS: PbftParams = Object.freeze({
  maxTxsPerBlock: DEFAULT_BATCH_LIMITS.maxTxsPerBlock,
  maxBlockBytes: DEFAULT_BATCH_LIMITS.maxBlockBytes,
  batchIntervalMs: DEFAULT_BATCH_INTERVAL_MS,
  checkpointInterval: 16,
  watermarkWindow: 64,
  maxInFlight: 4,
  viewChangeTimeoutMs: 1000,
  maxBackoffExponent: 6,
  retransmitMs: 500,
});

/** Largest accepted window (bounds decoding of view-change messages). */
export const MAX_WINDOW = 1024;

const BOUNDS: Readonly<Record<keyof PbftParams, { readonly min: number; readonly max: number }>> = Object.freeze({
  maxTxsPerBlock: BATCH_LIMIT_BOUNDS.maxTxsPerBlock,
  maxBlockBytes: BATCH_LIMIT_BOUNDS.maxBlockBytes,
  batchIntervalMs: { min: 0, max: 60_000 },
  checkpointInterval: { min: 1, max: MAX_WINDOW },
  watermarkWindow: { min: 1, max: MAX_WINDOW },
  maxInFlight: { min: 1, max: MAX_WINDOW },
  viewChangeTimeoutMs: { min: 10, max: 3_600_000 },
  maxBackoffExponent: { min: 0, max: 16 },
  retransmitMs: { min: 10, max: 3_600_000 },
});

function bad(field: string, reason: string): PbftError {
  return new PbftError({ code: 'PBFT_BAD_PARAMS', field, reason });
}

export function parsePbftParams(raw: unknown): PbftParams {
  if (raw === null || raw === undefined) return DEFAULT_PBFT_PARAMS;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('(root)', 'an object');
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!(k in BOUNDS)) throw bad(k, 'unknown parameter');
  const out: Record<string, number> = {};
  for (const [name, { min, max }] of Object.entries(BOUNDS)) {
    const v = r[name];
    if (v === undefined) {
      out[name] = DEFAULT_PBFT_PARAMS[name as keyof PbftParams];
      continue;
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw bad(name, `an integer in [${min}, ${max}]`);
    out[name] = v;
  }
  const p = out as unknown as PbftParams;
  if (p.watermarkWindow < p.checkpointInterval) throw bad('watermarkWindow', 'at least checkpointInterval (else no checkpoint is ever reached)');
  if (p.maxInFlight > p.watermarkWindow) throw bad('maxInFlight', 'at most watermarkWindow');
  return Object.freeze(p);
}
