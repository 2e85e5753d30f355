/**
 * Wire codec of the HotStuff engine: canonical CBOR arrays tagged by their first item.
 *   [0, txBytes]                         tx (gossip)
 *   [1, blockBytes]                      proposal
 *   [2, view, hash, signature]           vote (the voter is the authenticated sender)
 *   [3, view, qc, vote | null]           new-view; vote = [view, hash, signature]
 *   [4, fromHeight]                      sync-request
 *   [5, [blockBytes, ...], qc | null]    sync-response
 * qc = [view, hash, [[voter, signature], ...]] with strictly increasing voters.
 * Decoding checks the byte cap first, then the shape; every failure is a HotStuffError
 * (HOTSTUFF_MALFORMED). The ledger decodes the blocks and transfers inside.
 */
import { ThermoError, decode, encode, readArray, readBytes, readUint } from '../../core/index.js';
import type { CborValue } from '../../core/index.js';
import { MAX_BLOCK_BYTES, decodeBlock, decodeTransfer, encodeBlock, encodeTransfer } from '../../ledger/index.js';
import { HotStuffError } from './errors.js';
import type { HsMessage, VoteRef } from './messages.js';
import { HASH_BYTES, MAX_SYNC_BLOCKS, SIGNATURE_BYTES, qcFromCbor, qcToCbor } from './messages.js';

/**
 * Largest encoded message: one block of the ledger's maximum size plus room for framing. A sync
 * answer is filled only up to this many bytes by its sender (it always fits one block).
 */
export const MAX_MESSAGE_BYTES = MAX_BLOCK_BYTES + 256 * 1024;

export function encodeHsMessage(m: HsMessage): Uint8Array {
  switch (m.t) {
    case 'tx':
      return encode([0, encodeTransfer(m.tx)]);
    case 'proposal':
      return encode([1, encodeBlock(m.block)]);
    case 'vote':
      return encode([2, m.view, m.hash, m.signature]);
    case 'new-view':
      return encode([3, m.view, qcToCbor(m.qc), m.vote === null ? null : [m.vote.view, m.vote.hash, m.vote.signature]]);
    case 'sync-request':
      return encode([4, m.fromHeight]);
    case 'sync-response':
      return encode([5, m.blocks.map((b) => encodeBlock(b)), m.qc === null ? null : qcToCbor(m.qc)]);
  }
}

function malformed(reason: string): HotStuffError {
  return new HotStuffError({ code: 'HOTSTUFF_MALFORMED', reason });
}

const ARITY: readonly number[] = [2, 2, 4, 4, 2, 3];

function readVote(value: CborValue | undefined): VoteRef {
  const v = readArray(value, 'new-view.vote', 3);
  if (v.length !== 3) throw malformed('new-view.vote: expected [view, hash, signature]');
  return Object.freeze({
    view: readUint(v[0], 'new-view.vote.view'),
    hash: Uint8Array.from(readBytes(v[1], 'new-view.vote.hash', HASH_BYTES)),
    signature: Uint8Array.from(readBytes(v[2], 'new-view.vote.signature', SIGNATURE_BYTES)),
  });
}

export function decodeHsMessage(bytes: Uint8Array): HsMessage {
  try {
    const items = readArray(decode(bytes, MAX_MESSAGE_BYTES), 'message', 4);
    const tag = readUint(items[0], 'message.tag');
    const want = ARITY[tag];
    if (want === undefined) throw malformed(`unknown tag ${tag}`);
    if (items.length !== want) throw malformed(`tag ${tag}: expected ${want} items, got ${items.length}`);
    switch (tag) {
      case 0:
        return Object.freeze({ t: 'tx', tx: decodeTransfer(readBytes(items[1], 'tx')) });
      case 1:
        return Object.freeze({ t: 'proposal', block: decodeBlock(readBytes(items[1], 'proposal.block')) });
      case 2:
        return Object.freeze({
          t: 'vote',
          view: readUint(items[1], 'vote.view'),
          hash: Uint8Array.from(readBytes(items[2], 'vote.hash', HASH_BYTES)),
          signature: Uint8Array.from(readBytes(items[3], 'vote.signature', SIGNATURE_BYTES)),
        });
      case 3:
        return Object.freeze({
          t: 'new-view',
          view: readUint(items[1], 'new-view.view'),
          qc: qcFromCbor(items[2], 'new-view.qc'),
          vote: items[3] === null ? null : readVote(items[3]),
        });
      case 4:
        return Object.freeze({ t: 'sync-request', fromHeight: readUint(items[1], 'sync.fromHeight') });
      default: {
        const blocks = readArray(items[1], 'sync.blocks', MAX_SYNC_BLOCKS).map((b, i) => decodeBlock(readBytes(b, `sync.blocks[${i}]`)));
        const rawQc: CborValue | undefined = items[2];
        return Object.freeze({ t: 'sync-response', blocks: Object.freeze(blocks), qc: rawQc === null ? null : qcFromCbor(rawQc, 'sync.qc') });
      }
    }
  } catch (err) {
    if (err instanceof HotStuffError) throw err;
    if (err instanceof ThermoError) throw malformed(err.message);
    throw err;
  }
}
