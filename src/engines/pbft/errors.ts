/**
 * Typed errors of the PBFT engine. Every refusal of peer input is one of these; the engine turns
 * it into a `penalize` effect with the same code and leaves its state unchanged.
 * PBFT_PENALTY gives each code its blame: 0 for input an honest replica that is behind or ahead
 * can legitimately send (outside our watermarks, a view we have not reached), more for provable
 * misbehaviour (bad signatures, equivocation, malformed or oversized data, forged certificates).
 */
import { ThermoError } from '../../core/index.js';

export type PbftErrorType =
  | { code: 'PBFT_MALFORMED'; reason: string }
  | { code: 'PBFT_BAD_PARAMS'; field: string; reason: string }
  | { code: 'PBFT_CORRUPT_RECORD'; key: string; reason: string }
  | { code: 'PBFT_NOT_PRIMARY'; view: number; from: number }
  | { code: 'PBFT_PRIMARY_PREPARE'; view: number; from: number }
  | { code: 'PBFT_BAD_SIGNATURE'; what: string; from: number }
  | { code: 'PBFT_EQUIVOCATION'; what: string; view: number; seq: number; from: number }
  | { code: 'PBFT_SEQ_OUT_OF_WINDOW'; seq: number; low: number; high: number }
  | { code: 'PBFT_VIEW_TOO_FAR'; view: number; limit: number }
  | { code: 'PBFT_BAD_BLOCK'; reason: string }
  | { code: 'PBFT_BAD_PARENT'; seq: number }
  | { code: 'PBFT_INVALID_BLOCK'; ledgerCode: string }
  | { code: 'PBFT_BATCH_TOO_LARGE'; what: 'txs' | 'bytes'; size: number; max: number }
  | { code: 'PBFT_BAD_CHECKPOINT'; reason: string }
  | { code: 'PBFT_BAD_CERTIFICATE'; reason: string }
  | { code: 'PBFT_BAD_VIEW_CHANGE'; reason: string }
  | { code: 'PBFT_BAD_NEW_VIEW'; reason: string }
  | { code: 'PBFT_BUFFER_FULL'; what: string; max: number };

export type PbftErrorCode = PbftErrorType['code'];

export class PbftError extends ThermoError<PbftErrorType> {}

export const PBFT_PENALTY: Readonly<Record<PbftErrorCode, number>> = Object.freeze({
  PBFT_MALFORMED: 5,
  PBFT_BAD_PARAMS: 0,
  PBFT_CORRUPT_RECORD: 0,
  PBFT_NOT_PRIMARY: 5,
  PBFT_PRIMARY_PREPARE: 1,
  PBFT_BAD_SIGNATURE: 10,
  PBFT_EQUIVOCATION: 10,
  PBFT_SEQ_OUT_OF_WINDOW: 0,
  PBFT_VIEW_TOO_FAR: 0,
  PBFT_BAD_BLOCK: 5,
  PBFT_BAD_PARENT: 5,
  PBFT_INVALID_BLOCK: 5,
  PBFT_BATCH_TOO_LARGE: 5,
  PBFT_BAD_CHECKPOINT: 5,
  PBFT_BAD_CERTIFICATE: 10,
  PBFT_BAD_VIEW_CHANGE: 10,
  PBFT_BAD_NEW_VIEW: 10,
  PBFT_BUFFER_FULL: 0,
});
