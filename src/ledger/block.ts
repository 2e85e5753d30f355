/**
 * Blocks: a header and its transfers. Wire form, canonical CBOR:
 *   [headerBytes, [txBytes, ...]]
 * Header and transfers travel as their own canonical encodings (byte strings), so a tx has one
 * encoding everywhere (gossip, mempool, block) and its id is hashed from the bytes received,
 * without re-encoding. Decoding checks the byte cap first, then the tx count, then each part.
 * Whether the txs are valid and match header.txRoot is `applyBlock`'s job.
 */
import { decode, encode, readArray, readBytes } from '../core/codec.js';
import type { Hash } from './account.js';
import { LedgerError, asLedgerDecode, malformed } from './errors.js';
import type { BlockHeader } from './header.js';
import { decodeHeader, encodeHeader, headerHash, makeHeader } from './header.js';
import { MAX_BLOCK_BYTES, MAX_HEADER_BYTES, MAX_TXS_PER_BLOCK, MAX_TX_BYTES } from './limits.js';
import type { Transfer } from './transaction.js';
import { asTransfer, decodeTransfer, encodeTransfer } from './transaction.js';

export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly Transfer[];
}

export interface BlockLimits {
  readonly maxBlockBytes: number;
  readonly maxTxsPerBlock: number;
}

export const DEFAULT_BLOCK_LIMITS: BlockLimits = Object.freeze({ maxBlockBytes: MAX_BLOCK_BYTES, maxTxsPerBlock: MAX_TXS_PER_BLOCK });

/** Validates the parts' shapes and returns a frozen block (frozen parts are reused, not copied). */
export function makeBlock(header: BlockHeader, txs: readonly Transfer[], limits: BlockLimits = DEFAULT_BLOCK_LIMITS): Block {
  if (txs.length > limits.maxTxsPerBlock) throw new LedgerError({ code: 'LEDGER_TOO_MANY_TXS', count: txs.length, max: limits.maxTxsPerBlock });
  const h = Object.isFrozen(header) ? header : makeHeader(header);
  // A transfer not built by the ledger (even a frozen one: it may carry a stale `id`) is copied.
  const list = txs.map(asTransfer);
  return Object.freeze({ header: h, txs: Object.freeze(list) });
}

export function blockHash(block: Block): Hash {
  return headerHash(block.header);
}

export function encodeBlock(block: Block, limits: BlockLimits = DEFAULT_BLOCK_LIMITS): Uint8Array {
  if (block.txs.length > limits.maxTxsPerBlock) throw new LedgerError({ code: 'LEDGER_TOO_MANY_TXS', count: block.txs.length, max: limits.maxTxsPerBlock });
  const bytes = encode([encodeHeader(block.header), block.txs.map(encodeTransfer)]);
  if (bytes.length > limits.maxBlockBytes) throw new LedgerError({ code: 'LEDGER_TOO_LARGE', what: 'block', size: bytes.length, max: limits.maxBlockBytes });
  return bytes;
}

export function decodeBlock(bytes: Uint8Array, limits: BlockLimits = DEFAULT_BLOCK_LIMITS): Block {
  if (bytes.length > limits.maxBlockBytes) throw new LedgerError({ code: 'LEDGER_TOO_LARGE', what: 'block', size: bytes.length, max: limits.maxBlockBytes });
  return asLedgerDecode('block', () => {
    const items = readArray(decode(bytes, limits.maxBlockBytes), 'block', 2);
    if (items.length !== 2) throw malformed('block', `expected 2 fields, got ${items.length}`);
    const rawTxs = items[1];
    if (Array.isArray(rawTxs) && rawTxs.length > limits.maxTxsPerBlock) {
      throw new LedgerError({ code: 'LEDGER_TOO_MANY_TXS', count: rawTxs.length, max: limits.maxTxsPerBlock });
    }
    const header = decodeHeader(readBytes(items[0], 'block.header'), MAX_HEADER_BYTES);
    const txs = readArray(rawTxs, 'block.txs', limits.maxTxsPerBlock).map((t, i) => {
      const txBytes = readBytes(t, `block.txs[${i}]`);
      try {
        return decodeTransfer(txBytes, MAX_TX_BYTES);
      } catch (err) {
        // Name the position in the block; keep the size error as a size error.
        if (err instanceof LedgerError && err.type.code === 'LEDGER_MALFORMED') throw malformed(`block.txs[${i}]`, err.type.reason);
        if (err instanceof LedgerError && err.type.code === 'LEDGER_TOO_LARGE') {
          throw new LedgerError({ code: 'LEDGER_TOO_LARGE', what: `block.txs[${i}]`, size: err.type.size, max: err.type.max });
        }
        throw err;
      }
    });
    return Object.freeze({ header, txs: Object.freeze(txs) });
  });
}
