/**
 * Wire messages of the coherence engine, canonical CBOR arrays tagged by their first item:
 *   [0, blockBytes]            a block (new, relayed, or the answer to a request)
 *   [1, blockHash]             "send me this block" (an orphan's missing parent)
 *   [2, txBytes]               a client transfer, gossiped so every miner can include it
 *   [3, blockHash, phaseBytes] phase gossip: a block's final phases, N big-endian doubles
 *   [4, fromHeight]            "send me your best chain from this height" (range catch-up,
 *                              answered with up to MAX_SYNC_BLOCKS [0, block] messages)
 * Decoding checks the byte cap first, then the shape, and throws a typed error (CodecError from
 * the codec, COHERENCE_MALFORMED for a bad shape, the ledger's error for a bad block or
 * transfer encoding); it never throws anything else. A decoded block remembers its encoded
 * size, which the engine checks against the chain's maxBlockBytes (COHERENCE_BODY_TOO_LARGE).
 */
import { decode, encode, readArray, readBytes, readUint } from '../../core/index.js';
import { MAX_BLOCK_BYTES, decodeBlock, decodeTransfer, encodeBlock, encodeTransfer } from '../../ledger/index.js';
import type { Block, Transfer } from '../../ledger/index.js';
import { CoherenceError } from './errors.js';

export type CoherenceMessage =
  | { readonly t: 'block'; readonly block: Block; readonly size: number }
  | { readonly t: 'get-block'; readonly hash: Uint8Array }
  | { readonly t: 'tx'; readonly tx: Transfer }
  | { readonly t: 'phases'; readonly hash: Uint8Array; readonly phases: Float64Array }
  | { readonly t: 'sync-request'; readonly fromHeight: number };

/** Largest message: a block at the ledger's cap plus framing. */
export const MAX_MESSAGE_BYTES = MAX_BLOCK_BYTES + 64;
/** Most blocks one sync-request is answered with (each its own `block` message). */
export const MAX_SYNC_BLOCKS = 32;
/** Most phases in a phase-gossip message (the largest preset). */
export const MAX_PHASES = 127;

function malformed(reason: string): CoherenceError {
  return new CoherenceError({ code: 'COHERENCE_MALFORMED', what: 'message', reason });
}

export function blockMessage(block: Block): CoherenceMessage {
  return Object.freeze({ t: 'block', block, size: encodeBlock(block).length });
}

export function encodeMessage(m: CoherenceMessage): Uint8Array {
  switch (m.t) {
    case 'block':
      return encode([0, encodeBlock(m.block)]);
    case 'get-block':
      return encode([1, m.hash]);
    case 'tx':
      return encode([2, encodeTransfer(m.tx)]);
    case 'phases': {
      const bytes = new Uint8Array(m.phases.length * 8);
      const view = new DataView(bytes.buffer);
      m.phases.forEach((x, i) => view.setFloat64(8 * i, x, false));
      return encode([3, m.hash, bytes]);
    }
    case 'sync-request':
      return encode([4, m.fromHeight]);
  }
}

export function decodeMessage(bytes: Uint8Array): CoherenceMessage {
  const items = readArray(decode(bytes, MAX_MESSAGE_BYTES), 'message', 3);
  const tag = readUint(items[0], 'message.tag');
  switch (tag) {
    case 0: {
      if (items.length !== 2) throw malformed('block: expected 2 items');
      const blockBytes = readBytes(items[1], 'block');
      return Object.freeze({ t: 'block', block: decodeBlock(blockBytes), size: blockBytes.length });
    }
    case 1:
      if (items.length !== 2) throw malformed('get-block: expected 2 items');
      return Object.freeze({ t: 'get-block', hash: readBytes(items[1], 'hash', 32) });
    case 2:
      if (items.length !== 2) throw malformed('tx: expected 2 items');
      return Object.freeze({ t: 'tx', tx: decodeTransfer(readBytes(items[1], 'tx')) });
    case 3: {
      if (items.length !== 3) throw malformed('phases: expected 3 items');
      const hash = readBytes(items[1], 'hash', 32);
      const raw = readBytes(items[2], 'phases');
      if (raw.length % 8 !== 0 || raw.length === 0 || raw.length > 8 * MAX_PHASES) throw malformed('phases: 1..127 doubles');
      const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
      const phases = new Float64Array(raw.length / 8);
      for (let i = 0; i < phases.length; i++) phases[i] = view.getFloat64(8 * i, false);
      return Object.freeze({ t: 'phases', hash, phases });
    }
    case 4:
      if (items.length !== 2) throw malformed('sync-request: expected 2 items');
      return Object.freeze({ t: 'sync-request', fromHeight: readUint(items[1], 'sync-request.fromHeight') });
    default:
      throw malformed(`unknown tag ${tag}`);
  }
}
