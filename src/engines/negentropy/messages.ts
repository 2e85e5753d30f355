/**
 * Wire messages of the negentropy engine: canonical CBOR arrays tagged by their first item.
 *
 *   [0, blockBytes]                                  vertex (gossip, or the answer to a fetch)
 *   [1, poll, keys]                                  query: keys = m x (slot digest 12 B ||
 *                                                    the querier's preferred value, 16 B prefix)
 *   [2, poll, agreeBits, unknownBits, [[i, v16]...], sb]
 *                                                    reply, aligned with the query's keys: bit i
 *                                                    of agreeBits = "I prefer the same value",
 *                                                    of unknownBits = "I have no preference";
 *                                                    otherwise [i, my preferred value's prefix];
 *                                                    sb = the replier's latest super-block
 *   [3, items]                                       want: items = m x (slot digest || value
 *                                                    prefix); the answer is the transfer (or the
 *                                                    super-block candidate) with that value
 *   [4, [txBytes...]]                                transfers (the answer to a want)
 *   [5, kind, [id...]]                               want by id: kind 0 vertices (unknown
 *                                                    parents), kind 1 transfers (cut members)
 *   [6, headerBytes, [txId...]]                      super-block candidate: header + cut
 *   [7, fromIndex]                                   sync request: headers from this index
 *   [8, [headerBytes...], [[txId...]...], snapshot | null]
 *                                                    sync answer: super-block headers with their
 *                                                    cuts and, with the newest, the state snapshot
 *
 * Why digests and prefixes: a poll is the engine's most frequent message (k per poll, about
 * 1 / pollIntervalMs polls per second), so it carries 28 bytes per conflict set instead of a
 * full sender, nonce and id, and the usual answer ("same as you") is one bit. The 12-byte slot
 * digest makes an accidental collision among a node's open conflict sets negligible (2^-96 per
 * pair); the 16-byte value prefix makes a crafted pair of conflicting transfers with the same
 * prefix cost about 2^64 signatures (birthday bound), and a slot never admits two candidates
 * with one prefix anyway (conflict-sets.ts).
 *
 * Decoding validates the shape and throws NEG_MALFORMED; ledger decoders check the embedded
 * blocks, headers and transfers.
 */
import { ThermoError, decode, encode, readArray, readBytes, readUint } from '../../core/index.js';
import type { CborValue } from '../../core/index.js';
import { decodeBlock, decodeHeader, decodeTransfer, encodeBlock, encodeHeader, encodeTransfer } from '../../ledger/index.js';
import type { Block, BlockHeader, Transfer } from '../../ledger/index.js';
import { NegentropyError, negMalformed } from './errors.js';

export const SLOT_DIGEST_BYTES = 12;
export const VALUE_PREFIX_BYTES = 16;
export const KEY_BYTES = SLOT_DIGEST_BYTES + VALUE_PREFIX_BYTES;
export const ID_BYTES = 32;
/** Keys in one query or want (bounds the receiver's work per message). */
export const MAX_WIRE_KEYS = 4096;
/** Transfers in one `txs` message, ids in one want-vertices. */
export const MAX_WIRE_ITEMS = 4096;
/** Headers in one sync answer. */
export const MAX_SYNC_HEADERS = 256;
/** Transfers in one super-block cut (also bounds params.superBlockTxs on the wire). */
export const MAX_CUT = 10_000;
/** Largest message the codec accepts: a 4 MiB vertex, or a sync answer with a snapshot. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** What a want-ids asks for: vertices (unknown parents) or transfers (ids in a super-block cut). */
export type WantKind = 'vertex' | 'tx';

export interface OtherAnswer {
  readonly index: number;
  readonly value: Uint8Array;
}

export type NegMessage =
  | { readonly t: 'vertex'; readonly block: Block }
  | { readonly t: 'query'; readonly poll: number; readonly keys: Uint8Array }
  | {
      readonly t: 'reply';
      readonly poll: number;
      readonly agree: Uint8Array;
      readonly unknown: Uint8Array;
      readonly other: readonly OtherAnswer[];
      readonly sb: number;
    }
  | { readonly t: 'want'; readonly items: Uint8Array }
  | { readonly t: 'txs'; readonly txs: readonly Transfer[] }
  | { readonly t: 'want-ids'; readonly kind: WantKind; readonly ids: readonly Uint8Array[] }
  | { readonly t: 'sb-candidate'; readonly header: BlockHeader; readonly ids: readonly Uint8Array[] }
  | { readonly t: 'sync-request'; readonly from: number }
  | {
      readonly t: 'sync';
      readonly headers: readonly BlockHeader[];
      readonly cuts: readonly (readonly Uint8Array[])[];
      readonly snapshot: Uint8Array | null;
    };

export function encodeNegMessage(m: NegMessage): Uint8Array {
  switch (m.t) {
    case 'vertex':
      return encode([0, encodeBlock(m.block)]);
    case 'query':
      return encode([1, m.poll, m.keys]);
    case 'reply':
      return encode([2, m.poll, m.agree, m.unknown, m.other.map((o): CborValue => [o.index, o.value]), m.sb]);
    case 'want':
      return encode([3, m.items]);
    case 'txs':
      return encode([4, m.txs.map(encodeTransfer)]);
    case 'want-ids':
      return encode([5, m.kind === 'vertex' ? 0 : 1, [...m.ids]]);
    case 'sb-candidate':
      return encode([6, encodeHeader(m.header), [...m.ids]]);
    case 'sync-request':
      return encode([7, m.from]);
    case 'sync':
      return encode([8, m.headers.map(encodeHeader), m.cuts.map((c): CborValue => [...c]), m.snapshot]);
  }
}

const ARITY = [2, 3, 6, 2, 2, 3, 3, 2, 4] as const;

/** Runs a decoder body: ledger and codec failures become NEG_MALFORMED. */
function guarded<T>(body: () => T): T {
  try {
    return body();
  } catch (err) {
    if (err instanceof NegentropyError) throw err;
    if (err instanceof ThermoError) throw negMalformed(err.message);
    throw err;
  }
}

function keyBytes(value: CborValue | undefined, what: string): Uint8Array {
  const b = readBytes(value, what);
  if (b.length % KEY_BYTES !== 0 || b.length > MAX_WIRE_KEYS * KEY_BYTES) throw negMalformed(`${what}: ${b.length} bytes is not m x ${KEY_BYTES}`);
  return Uint8Array.from(b);
}

function ids(value: CborValue | undefined, what: string, max: number): Uint8Array[] {
  return readArray(value, what, max).map((v, i) => Uint8Array.from(readBytes(v, `${what}[${i}]`, ID_BYTES)));
}

export function decodeNegMessage(bytes: Uint8Array): NegMessage {
  return guarded(() => {
    const items = readArray(decode(bytes, MAX_MESSAGE_BYTES), 'message', 6);
    const tag = readUint(items[0], 'message.tag');
    const want = ARITY[tag];
    if (want === undefined) throw negMalformed(`unknown tag ${tag}`);
    if (items.length !== want) throw negMalformed(`tag ${tag}: expected ${want} items, got ${items.length}`);
    switch (tag) {
      case 0:
        return Object.freeze({ t: 'vertex', block: decodeBlock(readBytes(items[1], 'vertex')) });
      case 1: {
        const keys = keyBytes(items[2], 'query.keys');
        return Object.freeze({ t: 'query', poll: readUint(items[1], 'query.poll'), keys });
      }
      case 2: {
        const other = readArray(items[4], 'reply.other', MAX_WIRE_KEYS).map((o, i) => {
          const pair = readArray(o, `reply.other[${i}]`, 2);
          if (pair.length !== 2) throw negMalformed('reply.other: expected [index, value]');
          return Object.freeze({ index: readUint(pair[0], 'reply.other.index'), value: Uint8Array.from(readBytes(pair[1], 'reply.other.value', VALUE_PREFIX_BYTES)) });
        });
        const agree = Uint8Array.from(readBytes(items[2], 'reply.agree'));
        const unknown = Uint8Array.from(readBytes(items[3], 'reply.unknown'));
        if (agree.length > MAX_WIRE_KEYS / 8 || unknown.length !== agree.length) throw negMalformed('reply: bitmaps of different or excessive length');
        return Object.freeze({ t: 'reply', poll: readUint(items[1], 'reply.poll'), agree, unknown, other: Object.freeze(other), sb: readUint(items[5], 'reply.sb') });
      }
      case 3:
        return Object.freeze({ t: 'want', items: keyBytes(items[1], 'want.items') });
      case 4:
        return Object.freeze({ t: 'txs', txs: Object.freeze(readArray(items[1], 'txs', MAX_WIRE_ITEMS).map((b, i) => decodeTransfer(readBytes(b, `txs[${i}]`)))) });
      case 5: {
        const kind = readUint(items[1], 'want-ids.kind');
        if (kind > 1) throw negMalformed(`want-ids: unknown kind ${kind}`);
        return Object.freeze({ t: 'want-ids', kind: kind === 0 ? 'vertex' : 'tx', ids: Object.freeze(ids(items[2], 'want-ids.ids', MAX_WIRE_ITEMS)) });
      }
      case 6:
        return Object.freeze({ t: 'sb-candidate', header: decodeHeader(readBytes(items[1], 'sb.header')), ids: Object.freeze(ids(items[2], 'sb.ids', MAX_CUT)) });
      case 7:
        return Object.freeze({ t: 'sync-request', from: readUint(items[1], 'sync.from') });
      default: {
        const headers = readArray(items[1], 'sync.headers', MAX_SYNC_HEADERS).map((h, i) => decodeHeader(readBytes(h, `sync.headers[${i}]`)));
        const cuts = readArray(items[2], 'sync.cuts', MAX_SYNC_HEADERS).map((c, i) => Object.freeze(ids(c, `sync.cuts[${i}]`, MAX_CUT)));
        if (cuts.length !== headers.length) throw negMalformed('sync: one cut per header');
        const snapshot = items[3] === null ? null : Uint8Array.from(readBytes(items[3], 'sync.snapshot'));
        return Object.freeze({ t: 'sync', headers: Object.freeze(headers), cuts: Object.freeze(cuts), snapshot });
      }
    }
  });
}

// ---- bitmaps -------------------------------------------------------------------------------

export function bitmap(m: number): Uint8Array {
  return new Uint8Array((m + 7) >> 3);
}

export function setBit(bits: Uint8Array, i: number): void {
  bits[i >> 3] = bits[i >> 3]! | (1 << (i & 7));
}

export function getBit(bits: Uint8Array, i: number): boolean {
  const b = bits[i >> 3];
  return b !== undefined && (b & (1 << (i & 7))) !== 0;
}
