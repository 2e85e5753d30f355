/**
 * Typed ledger errors. Callers branch on `err.type.code`. Transaction-level errors carry the
 * tx id (hex) and, when raised while applying a list or block, the transaction's `index` in it,
 * so a validator can say exactly which transaction made a block invalid.
 */
import { CodecError } from '../core/codec.js';
import { ThermoError } from '../core/errors.js';

export type LedgerErrorType =
  // Encodings
  | { code: 'LEDGER_TOO_LARGE'; what: string; size: number; max: number }
  | { code: 'LEDGER_MALFORMED'; what: string; reason: string }
  // Transactions (stateless)
  | { code: 'LEDGER_WRONG_CHAIN'; expected: string; actual: string; index?: number }
  | { code: 'LEDGER_ZERO_AMOUNT'; txId: string; index?: number }
  | { code: 'LEDGER_SELF_TRANSFER'; txId: string; index?: number }
  | { code: 'LEDGER_BAD_SIGNATURE'; txId: string; index?: number }
  // Transactions (against the state)
  | { code: 'LEDGER_NONCE_REPLAYED'; txId: string; expected: number; actual: number; index?: number }
  | { code: 'LEDGER_NONCE_GAP'; txId: string; expected: number; actual: number; index?: number }
  | { code: 'LEDGER_INSUFFICIENT_BALANCE'; txId: string; balance: bigint; amount: bigint; index?: number }
  | { code: 'LEDGER_BALANCE_OVERFLOW'; address: string; index?: number }
  // Blocks
  | { code: 'LEDGER_TOO_MANY_TXS'; count: number; max: number }
  | { code: 'LEDGER_TX_ROOT_MISMATCH'; expected: string; actual: string }
  | { code: 'LEDGER_STATE_ROOT_MISMATCH'; expected: string; actual: string }
  // Proofs and genesis
  | { code: 'LEDGER_PROOF_INVALID'; reason: string }
  | { code: 'LEDGER_INVALID_GENESIS'; reason: string };

export type LedgerErrorCode = LedgerErrorType['code'];

export class LedgerError extends ThermoError<LedgerErrorType> {}

export function malformed(what: string, reason: string): LedgerError {
  return new LedgerError({ code: 'LEDGER_MALFORMED', what, reason });
}

/**
 * Runs a decoder body and turns every codec failure into a LEDGER_MALFORMED for `what`, so the
 * public decoders throw exactly one error class. Anything else escaping is a bug and is rethrown.
 */
export function asLedgerDecode<T>(what: string, body: () => T): T {
  try {
    return body();
  } catch (err) {
    if (err instanceof LedgerError) throw err;
    if (err instanceof CodecError) {
      const t = err.type;
      const reason = t.code === 'CODEC_MALFORMED' ? t.reason : t.code;
      throw malformed(what, reason);
    }
    throw err;
  }
}
