/**
 * Transaction batching shared by the leader-based BFT engines (pbft, hotstuff, and any other
 * engine that wants the same rule): one set of limits, one selection order, one builder, so
 * throughput comparisons between engines measure the protocols and not their batching.
 *
 * A batch is a ledger block (header + transfers) built on a parent's post-state with
 * `proposeBlock`; what consensus agrees on is that block's hash. Pipelined engines build on a
 * parent that is not final yet: the transfers already in the uncommitted ancestors must not be
 * selected again, so the caller passes their ids as `exclude` (the mempool only forgets a
 * transfer when a block holding it is committed).
 *
 * Limits: at most `maxTxsPerBlock` transfers and `maxBlockBytes` encoded bytes (header
 * included). The selection leaves BATCH_HEADER_RESERVE bytes for the header, whose consensus
 * map may carry a certificate.
 */
import type { Block, ChainRules, LedgerState, Mempool, Transfer } from '../ledger/index.js';
import { MAX_BLOCK_BYTES, MAX_HEADER_BYTES, MAX_TX_BYTES, encodeBlock, proposeBlock, transferIdHex, transferSize } from '../ledger/index.js';
import type { ConsensusFields } from '../ledger/index.js';

export interface BatchLimits {
  /** Most transfers in one block. */
  readonly maxTxsPerBlock: number;
  /** Most encoded bytes of one block (header and transfers). */
  readonly maxBlockBytes: number;
}

/** The defaults every BFT engine uses, so that runs compare like with like. */
export const DEFAULT_BATCH_LIMITS: BatchLimits = Object.freeze({ maxTxsPerBlock: 500, maxBlockBytes: 1 << 20 });
/** Default least time between two proposals of one leader (a batch fills meanwhile). */
export const DEFAULT_BATCH_INTERVAL_MS = 50;
/** Bytes kept free for the header when filling a block. */
export const BATCH_HEADER_RESERVE = MAX_HEADER_BYTES + 64;
/** Bounds a parameter parser should enforce on BatchLimits (a block must hold its header). */
export const BATCH_LIMIT_BOUNDS = Object.freeze({
  maxTxsPerBlock: Object.freeze({ min: 0, max: 10_000 }),
  maxBlockBytes: Object.freeze({ min: BATCH_HEADER_RESERVE + 1024, max: MAX_BLOCK_BYTES }),
});

/**
 * Executable transfers for the next block, in the mempool's fair order, skipping `exclude`
 * (ids already in uncommitted ancestors). Asks the mempool for enough extra candidates to make
 * up for the excluded ones.
 */
export function selectBatch(mempool: Mempool, limits: BatchLimits, exclude: ReadonlySet<string>): readonly Transfer[] {
  const room = Math.max(0, limits.maxBlockBytes - BATCH_HEADER_RESERVE);
  if (limits.maxTxsPerBlock === 0 || room === 0) return [];
  const candidates = mempool.select(limits.maxTxsPerBlock + exclude.size, room + exclude.size * (MAX_TX_BYTES + 5));
  const out: Transfer[] = [];
  let bytes = 0;
  for (const tx of candidates) {
    if (out.length >= limits.maxTxsPerBlock) break;
    if (exclude.size > 0 && exclude.has(transferIdHex(tx))) continue;
    const size = transferSize(tx) + 5;
    if (bytes + size > room) break;
    out.push(tx);
    bytes += size;
  }
  return Object.freeze(out);
}

export interface BatchFields {
  readonly height: number;
  readonly parent: Uint8Array;
  readonly timestamp: number;
  readonly proposer: Uint8Array;
  readonly consensus: ConsensusFields;
}

export interface Batch {
  readonly block: Block;
  /** Post-state of the block. */
  readonly state: LedgerState;
  /** Ids of selected transfers the parent state refused (stale nonce, balance): drop them. */
  readonly rejectedIds: readonly string[];
}

/** Selects and builds the next block on `state` (the parent's post-state). */
export function buildBatch(
  state: LedgerState,
  mempool: Mempool,
  fields: BatchFields,
  limits: BatchLimits,
  chainId: string,
  exclude: ReadonlySet<string>,
): Batch {
  const txs = selectBatch(mempool, limits, exclude);
  const rules: ChainRules = { chainId, blockReward: 0n, maxTxsPerBlock: limits.maxTxsPerBlock };
  const proposal = proposeBlock(
    state,
    { height: fields.height, parents: [fields.parent], timestamp: fields.timestamp, proposer: fields.proposer, txs, consensus: fields.consensus },
    rules,
  );
  return Object.freeze({
    block: proposal.block,
    state: proposal.state,
    rejectedIds: Object.freeze(proposal.rejected.map((r) => transferIdHex(r.tx))),
  });
}

export type BatchViolation =
  | { readonly code: 'BATCH_TOO_MANY_TXS'; readonly count: number; readonly max: number }
  | { readonly code: 'BATCH_TOO_LARGE'; readonly size: number; readonly max: number };

/** Why `block` exceeds `limits`, or null when it fits (count first, then encoded bytes). */
export function batchViolation(block: Block, limits: BatchLimits): BatchViolation | null {
  if (block.txs.length > limits.maxTxsPerBlock) return { code: 'BATCH_TOO_MANY_TXS', count: block.txs.length, max: limits.maxTxsPerBlock };
  const size = encodeBlock(block).length;
  if (size > limits.maxBlockBytes) return { code: 'BATCH_TOO_LARGE', size, max: limits.maxBlockBytes };
  return null;
}
