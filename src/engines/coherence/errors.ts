/**
 * Typed errors of the Proof-of-Coherence engine (src/core/errors.ts pattern). Every rejected
 * block, header or message names its reason with one of these codes; the engine answers a bad
 * block from a peer with a `penalize` effect carrying the code, and leaves its chain unchanged.
 */
import { ThermoError } from '../../core/index.js';

export type CoherenceErrorType =
  | { code: 'COHERENCE_BAD_PARAMS'; field: string; reason: string }
  | { code: 'COHERENCE_MALFORMED'; what: string; reason: string }
  | { code: 'COHERENCE_BODY_TOO_LARGE'; size: number; max: number }
  | { code: 'COHERENCE_TOO_MANY_TXS'; count: number; max: number }
  | { code: 'COHERENCE_WRONG_CHAIN'; expected: string; actual: string }
  | { code: 'COHERENCE_BAD_PARENT'; reason: string }
  | { code: 'COHERENCE_BAD_HEIGHT'; height: number; expected: number }
  /** The header's target is not the one the difficulty rule gives after its parent. */
  | { code: 'COHERENCE_BAD_TARGET'; expected: string; actual: string }
  /** The block hash is above the (effective) target. */
  | { code: 'COHERENCE_ABOVE_TARGET'; hash: string; threshold: string }
  /** t is outside 0..maxSteps, or r^2 <= 3/4 at step t (the system is not coherent there). */
  | { code: 'COHERENCE_BAD_T'; t: number; reason: string }
  /** An earlier step than t already had r^2 > 3/4: t must be the first (see docs). */
  | { code: 'COHERENCE_T_NOT_FIRST'; t: number; first: number }
  | { code: 'COHERENCE_BAD_R'; expected: string; actual: string }
  | { code: 'COHERENCE_BAD_DIGEST'; expected: string; actual: string }
  /** timestamp <= median of the last 11 timestamps (median-time-past). */
  | { code: 'COHERENCE_TIME_TOO_OLD'; timestamp: number; medianTimePast: number }
  /** timestamp > local time + the future bound. */
  | { code: 'COHERENCE_TIME_TOO_FAR'; timestamp: number; limit: number }
  /** The transactions do not apply (wraps the ledger's code). */
  | { code: 'COHERENCE_BAD_TXS'; ledgerCode: string; reason: string }
  | { code: 'COHERENCE_ORPHAN_POOL_FULL'; max: number }
  /** One peer's share of the orphan pool is full (orphans.ts: a flood cannot crowd others out). */
  | { code: 'COHERENCE_ORPHAN_PEER_FULL'; peer: number; maxPerPeer: number }
  /** The block forks below this node's finalized block (k confirmations): never adopted. */
  | { code: 'COHERENCE_BELOW_FINALIZED'; height: number; finalizedHeight: number }
  | { code: 'COHERENCE_BAD_PHASES'; reason: string }
  | { code: 'COHERENCE_NO_SIMD'; reason: string }
  | { code: 'COHERENCE_CORRUPT_RECORD'; key: string; reason: string };

export type CoherenceErrorCode = CoherenceErrorType['code'];

export class CoherenceError extends ThermoError<CoherenceErrorType> {}
