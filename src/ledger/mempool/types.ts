/**
 * Mempool options, results and rejection codes. `add` never throws for bad input: it returns a
 * typed rejection, and the mempool is unchanged. Every transaction that leaves the pool after
 * being accepted is reported once, with its reason, by the call that removed it.
 */
import { ThermoError } from '../../core/errors.js';
import type { Hash } from '../account.js';
import { MAX_TX_BYTES } from '../limits.js';
import type { Transfer } from '../transaction.js';

export interface MempoolOptions {
  /** Transfers with another chain id are refused. */
  readonly chainId: string;
  /** Most pending transfers in total. Default 10,000. */
  readonly maxCount?: number;
  /** Most encoded bytes pending in total. Default 4 MiB. */
  readonly maxBytes?: number;
  /** Most pending transfers from one sender. Default 64. */
  readonly maxPerSender?: number;
  /** Largest accepted (tx.nonce - sender's account nonce). Default 63, so 64 nonces fit. */
  readonly maxNonceAhead?: number;
  /** Largest accepted transfer encoding. Default MAX_TX_BYTES (256). */
  readonly maxTxBytes?: number;
}

export interface ResolvedMempoolOptions {
  readonly chainId: string;
  readonly maxCount: number;
  readonly maxBytes: number;
  readonly maxPerSender: number;
  readonly maxNonceAhead: number;
  readonly maxTxBytes: number;
}

export const MEMPOOL_DEFAULTS = Object.freeze({
  maxCount: 10_000,
  maxBytes: 4 * 1024 * 1024,
  maxPerSender: 64,
  maxNonceAhead: 63,
  maxTxBytes: MAX_TX_BYTES,
});

export type MempoolRejection =
  | { code: 'MEMPOOL_MALFORMED'; reason: string }
  | { code: 'MEMPOOL_TX_TOO_LARGE'; size: number; max: number }
  | { code: 'MEMPOOL_DUPLICATE'; txId: string }
  | { code: 'MEMPOOL_WRONG_CHAIN'; expected: string; actual: string }
  | { code: 'MEMPOOL_INVALID_TX'; reason: 'LEDGER_ZERO_AMOUNT' | 'LEDGER_SELF_TRANSFER' }
  | { code: 'MEMPOOL_BAD_SIGNATURE'; txId: string }
  | { code: 'MEMPOOL_NONCE_STALE'; accountNonce: number; nonce: number }
  | { code: 'MEMPOOL_NONCE_TOO_FAR'; accountNonce: number; nonce: number; maxAhead: number }
  /** Another pending transfer already uses this sender nonce (first seen wins: there are no fees to bid). */
  | { code: 'MEMPOOL_NONCE_TAKEN'; nonce: number; pendingTxId: string }
  /** The sender's pending amounts, this one included, exceed its balance. */
  | { code: 'MEMPOOL_INSUFFICIENT_BALANCE'; balance: bigint; pending: bigint }
  | { code: 'MEMPOOL_SENDER_CAP'; max: number }
  | { code: 'MEMPOOL_FULL'; count: number; bytes: number; maxCount: number; maxBytes: number };

export type MempoolRejectionCode = MempoolRejection['code'];

/** For callers that prefer to throw a rejection. */
export class MempoolError extends ThermoError<MempoolRejection> {}

export type DropReason =
  /** Made room for a transfer from a less-loaded sender. */
  | 'MEMPOOL_EVICTED'
  /** In a committed block. */
  | 'MEMPOOL_INCLUDED'
  /** The committed state's nonce for the sender has passed it (a conflicting transfer won). */
  | 'MEMPOOL_NONCE_STALE'
  /** The committed balance no longer covers the sender's pending amounts. */
  | 'MEMPOOL_UNAFFORDABLE'
  /** Removed on request (`remove`). */
  | 'MEMPOOL_REMOVED';

export interface DroppedTx {
  readonly txId: Hash;
  readonly txIdHex: string;
  readonly tx: Transfer;
  readonly reason: DropReason;
}

export type AddResult =
  | { readonly accepted: true; readonly txId: Hash; readonly evicted: readonly DroppedTx[] }
  | { readonly accepted: false; readonly rejection: MempoolRejection };
