/**
 * Parameters of the HotStuff engine, validated from unknown input (config file, CLI JSON).
 * The batch fields and their defaults are src/protocol/batching.ts's, shared with PBFT, so the
 * two baselines carry the same transaction batches.
 */
import { BATCH_LIMIT_BOUNDS, DEFAULT_BATCH_INTERVAL_MS, DEFAULT_BATCH_LIMITS } from '../../protocol/index.js';
import { HotStuffError } from './errors.js';

export interface HotStuffParams {
  /** Most transfers per block (shared batching default). */
  readonly maxTxsPerBlock: number;
  /** Most encoded bytes per block (shared batching default). */
  readonly maxBlockBytes: number;
  /** Least time between a block and its child's proposal (shared batching default). */
  readonly batchIntervalMs: number;
  /** Pacemaker: base view timeout; doubles with every consecutive view without a new QC. */
  readonly viewTimeoutMs: number;
  /** Largest backoff exponent: the timeout never exceeds viewTimeoutMs * 2^this. */
  readonly maxBackoffExponent: number;
  /** Period of transaction re-gossip and catch-up requests. */
  readonly retransmitMs: number;
}

export const DEFAULT_HOTSTUFF_PARAMS: HotStuffParams = Object.freeze({
  maxTxsPerBlock: DEFAULT_BATCH_LIMITS.maxTxsPerBlock,
  maxBlockBytes: DEFAULT_BATCH_LIMITS.maxBlockBytes,
  batchIntervalMs: DEFAULT_BATCH_INTERVAL_MS,
  viewTimeoutMs: 1000,
  // 2^2: a view waits at most 4 s. With 2^6 (64 s) a run of failed views (silent leaders, a
  // crashed replica leaving no quorum) pushed every timer past the liveness window and the
  // cluster then tried a new leader once a minute (swarm seed 116: no QC in 41 s). Views are
  // re-synchronised by NEW-VIEW messages (f + 1 rule), so the backoff only has to absorb delay
  // variance; production pacemakers cap it likewise (DiemBFT/Aptos: 1.2^6 ≈ 3x the base).
  maxBackoffExponent: 2,
  retransmitMs: 500,
});

const BOUNDS: Readonly<Record<keyof HotStuffParams, { readonly min: number; readonly max: number }>> = Object.freeze({
  maxTxsPerBlock: BATCH_LIMIT_BOUNDS.maxTxsPerBlock,
  maxBlockBytes: BATCH_LIMIT_BOUNDS.maxBlockBytes,
  batchIntervalMs: { min: 0, max: 60_000 },
  viewTimeoutMs: { min: 10, max: 3_600_000 },
  maxBackoffExponent: { min: 0, max: 16 },
  retransmitMs: { min: 10, max: 3_600_000 },
});

export function parseHotStuffParams(raw: unknown): HotStuffParams {
  if (raw === null || raw === undefined) return DEFAULT_HOTSTUFF_PARAMS;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new HotStuffError({ code: 'HOTSTUFF_BAD_PARAMS', field: '(root)', reason: 'an object' });
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (!(k in BOUNDS)) throw new HotStuffError({ code: 'HOTSTUFF_BAD_PARAMS', field: k, reason: 'unknown parameter' });
  }
  const out: Record<string, number> = {};
  for (const [name, { min, max }] of Object.entries(BOUNDS)) {
    const v = r[name];
    if (v === undefined) {
      out[name] = DEFAULT_HOTSTUFF_PARAMS[name as keyof HotStuffParams];
      continue;
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new HotStuffError({ code: 'HOTSTUFF_BAD_PARAMS', field: name, reason: `an integer in [${min}, ${max}]` });
    }
    out[name] = v;
  }
  return Object.freeze(out as unknown as HotStuffParams);
}
