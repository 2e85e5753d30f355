/** Parameters of the reference engine, validated from unknown input (config file, CLI JSON). */
import { RefError } from './errors.js';

export interface ReferenceParams {
  /** Period of the leader's proposal timer; a new block only once the previous one is final. */
  readonly blockIntervalMs: number;
  /** Most transfers per block. */
  readonly maxTxsPerBlock: number;
  /** Units minted to the leader by every block (exercises the supply invariant). */
  readonly blockReward: number;
  /** Period of retransmissions (own vote, open proposal, forwarded txs) and catch-up requests. */
  readonly retransmitMs: number;
  /**
   * Finalized blocks kept in memory to answer catch-up requests. A runtime that serves older
   * blocks from its durable records (the real node: sync-server.ts) can keep far fewer: full
   * blocks are most of a busy validator's memory.
   */
  readonly keepFinalBlocks: number;
}

export const DEFAULT_REFERENCE_PARAMS: ReferenceParams = Object.freeze({
  blockIntervalMs: 200,
  maxTxsPerBlock: 500,
  blockReward: 1,
  retransmitMs: 1000,
  keepFinalBlocks: 1024,
});

function field(raw: Record<string, unknown>, name: keyof ReferenceParams, min: number, max: number): number {
  const v = raw[name];
  if (v === undefined) return DEFAULT_REFERENCE_PARAMS[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new RefError({ code: 'REF_BAD_PARAMS', field: name, reason: `an integer in [${min}, ${max}]` });
  }
  return v;
}

export function parseReferenceParams(raw: unknown): ReferenceParams {
  if (raw === null || raw === undefined) return DEFAULT_REFERENCE_PARAMS;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new RefError({ code: 'REF_BAD_PARAMS', field: '(root)', reason: 'an object' });
  const r = raw as Record<string, unknown>;
  const known = new Set(Object.keys(DEFAULT_REFERENCE_PARAMS));
  for (const k of Object.keys(r)) if (!known.has(k)) throw new RefError({ code: 'REF_BAD_PARAMS', field: k, reason: 'unknown parameter' });
  return Object.freeze({
    blockIntervalMs: field(r, 'blockIntervalMs', 1, 3_600_000),
    maxTxsPerBlock: field(r, 'maxTxsPerBlock', 0, 10_000),
    blockReward: field(r, 'blockReward', 0, 1_000_000),
    retransmitMs: field(r, 'retransmitMs', 10, 3_600_000),
    keepFinalBlocks: field(r, 'keepFinalBlocks', 1, 1_000_000),
  });
}
