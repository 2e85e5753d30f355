/**
 * src/ledger/mempool: pending transfers waiting for a block.
 * Owns: admission (typed rejections), the count/bytes/per-sender/nonce-window bounds,
 * eviction with reported ids, fair deterministic selection, clean-up after a committed block.
 * Does not own: gossip (src/node, engines), transaction validity against a block (apply.ts),
 * persistence of pending transfers (src/node).
 */
export { Mempool } from './mempool.js';
export { MempoolError, MEMPOOL_DEFAULTS } from './types.js';
export type {
  MempoolOptions,
  ResolvedMempoolOptions,
  MempoolRejection,
  MempoolRejectionCode,
  DropReason,
  DroppedTx,
  AddResult,
} from './types.js';
