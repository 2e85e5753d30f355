/**
 * Typed errors of the HotStuff engine. Every refusal of peer input is one of these; the engine
 * turns it into a `penalize` effect with the same code and leaves its state unchanged.
 * `weight` in HOTSTUFF_PENALTY says how much blame each code carries: 0 for input an honest but
 * lagging or ahead peer can legitimately send (it is only refused), more for provable
 * misbehaviour (bad signatures, equivocation, malformed or oversized data).
 */
import { ThermoError } from '../../core/index.js';

export type HotStuffErrorType =
  | { code: 'HOTSTUFF_MALFORMED'; reason: string }
  | { code: 'HOTSTUFF_BAD_PARAMS'; field: string; reason: string }
  | { code: 'HOTSTUFF_CORRUPT_RECORD'; key: string; reason: string }
  | { code: 'HOTSTUFF_NOT_LEADER'; view: number; from: number; leader: number }
  | { code: 'HOTSTUFF_NOT_NEXT_LEADER'; view: number; self: number }
  | { code: 'HOTSTUFF_BAD_PROPOSER'; view: number }
  | { code: 'HOTSTUFF_BAD_BLOCK'; reason: string }
  | { code: 'HOTSTUFF_BAD_QC'; reason: string }
  | { code: 'HOTSTUFF_BAD_SIGNATURE'; view: number; voter: number }
  | { code: 'HOTSTUFF_EQUIVOCATION'; view: number; voter: number }
  | { code: 'HOTSTUFF_VIEW_TOO_FAR'; view: number; limit: number }
  | { code: 'HOTSTUFF_BATCH_TOO_LARGE'; what: 'txs' | 'bytes'; size: number; max: number }
  | { code: 'HOTSTUFF_INVALID_BLOCK'; ledgerCode: string }
  | { code: 'HOTSTUFF_BUFFER_FULL'; what: string; max: number }
  | { code: 'HOTSTUFF_SYNC_INVALID'; reason: string };

export type HotStuffErrorCode = HotStuffErrorType['code'];

export class HotStuffError extends ThermoError<HotStuffErrorType> {}

/** Penalty weight per refusal code (see the header comment). */
export const HOTSTUFF_PENALTY: Readonly<Record<HotStuffErrorCode, number>> = Object.freeze({
  HOTSTUFF_MALFORMED: 5,
  HOTSTUFF_BAD_PARAMS: 0,
  HOTSTUFF_CORRUPT_RECORD: 0,
  HOTSTUFF_NOT_LEADER: 5,
  HOTSTUFF_NOT_NEXT_LEADER: 1,
  HOTSTUFF_BAD_PROPOSER: 5,
  HOTSTUFF_BAD_BLOCK: 5,
  HOTSTUFF_BAD_QC: 10,
  HOTSTUFF_BAD_SIGNATURE: 10,
  HOTSTUFF_EQUIVOCATION: 10,
  HOTSTUFF_VIEW_TOO_FAR: 0,
  HOTSTUFF_BATCH_TOO_LARGE: 5,
  HOTSTUFF_INVALID_BLOCK: 5,
  HOTSTUFF_BUFFER_FULL: 0,
  HOTSTUFF_SYNC_INVALID: 5,
});
