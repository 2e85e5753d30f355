/**
 * Turns a POST /txs body (hex of the signed encoding, or its JSON fields) into a verified
 * Transfer, or an ApiError: MALFORMED_TX (undecodable, out of range), WRONG_CHAIN,
 * INVALID_TX (zero amount, self-transfer), BAD_SIGNATURE. The signature is checked here, once:
 * the ledger caches the verdict on the frozen transfer, so the engine's mempool reuses it.
 */
import { fromHex, fromHexExact } from '../../core/index.js';
import {
  LedgerError,
  checkTransferStateless,
  decodeTransfer,
  makeTransfer,
  verifyTransferSignature,
} from '../../ledger/index.js';
import type { Transfer } from '../../ledger/index.js';
import { apiError } from './errors.js';
import type { ApiError } from './errors.js';

export type SubmitInput =
  | { readonly tx: string }
  | { readonly chainId: string; readonly from: string; readonly to: string; readonly amount: string; readonly nonce: number; readonly signature: string };

function parse(body: SubmitInput): Transfer {
  if ('tx' in body) return decodeTransfer(fromHex(body.tx));
  return makeTransfer({
    chainId: body.chainId,
    from: fromHexExact(body.from, 32),
    to: fromHexExact(body.to, 32),
    amount: BigInt(body.amount),
    nonce: body.nonce,
    signature: fromHexExact(body.signature, 64),
  });
}

export function transferFromBody(body: SubmitInput, chainId: string): Transfer | ApiError {
  let tx: Transfer;
  try {
    tx = parse(body);
  } catch (err) {
    return apiError(400, 'MALFORMED_TX', err instanceof Error ? err.message : 'malformed transfer');
  }
  try {
    checkTransferStateless(tx, chainId);
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'LEDGER_WRONG_CHAIN') return apiError(400, 'WRONG_CHAIN', `transfer is for chain ${tx.chainId}, this node runs ${chainId}`);
    return apiError(400, 'INVALID_TX', err instanceof Error ? err.message : 'invalid transfer', err instanceof LedgerError ? err.code : undefined);
  }
  if (!verifyTransferSignature(tx)) return apiError(400, 'BAD_SIGNATURE', 'the signature does not verify against the sender key');
  return tx;
}
