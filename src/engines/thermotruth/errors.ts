/**
 * Typed errors of the ThermoTruth engine. Proposal rejections carry the proposer so the engine
 * can flag it (a `penalize` effect with the same code); callers branch on `err.type.code`.
 */
import { ThermoError } from '../../core/index.js';

/** Why one proposal was refused (each has a test that triggers it). */
export type ProposalRejectCode =
  | 'TT_UNKNOWN_PROPOSER'
  | 'TT_WRONG_EPOCH'
  | 'TT_OVERSIZED'
  | 'TT_WRONG_DIMENSION'
  | 'TT_NAN'
  | 'TT_INFINITE'
  | 'TT_OUT_OF_RANGE'
  | 'TT_BAD_VCLOCK'
  | 'TT_BAD_POW'
  | 'TT_BAD_SIGNATURE';

export type TtErrorType =
  | { code: ProposalRejectCode; proposer: string; reason: string }
  | { code: 'TT_MALFORMED'; reason: string }
  | { code: 'TT_BAD_PARAMS'; field: string; reason: string }
  | { code: 'TT_BAD_BATCH'; reason: string }
  | { code: 'TT_AGGREGATE_MISMATCH'; epoch: number }
  | { code: 'TT_BAD_QC'; reason: string }
  | { code: 'TT_EMPTY_AGGREGATE' }
  | { code: 'TT_CORRUPT_RECORD'; key: string; reason: string };

export type TtErrorCode = TtErrorType['code'];

export class TtError extends ThermoError<TtErrorType> {}

export function rejectProposal(code: ProposalRejectCode, proposer: string, reason: string): TtError {
  return new TtError({ code, proposer, reason });
}
