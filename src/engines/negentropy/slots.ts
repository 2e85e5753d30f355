/**
 * Names of the things the engine decides. A "slot" is one Snowball instance:
 *   cs:<sender hex>:<nonce>   a conflict set: the transfers of one sender with one nonce; the
 *                             decided value is the transfer id (DESIGN.md section 3)
 *   sb:<index>                a super-block: the decided value is its header hash
 * These strings are also the FinalizedEntry slots the simulator's agreement checker compares.
 * On the wire a slot travels as a 12-byte digest and a value as a 16-byte prefix (messages.ts).
 */
import { taggedHash, toHex, utf8 } from '../../core/index.js';
import type { Transfer } from '../../ledger/index.js';
import { SLOT_DIGEST_BYTES, VALUE_PREFIX_BYTES } from './messages.js';

export function csSlot(sender: Uint8Array, nonce: number): string {
  return `cs:${toHex(sender)}:${nonce}`;
}

export function txSlot(tx: Transfer): string {
  return csSlot(tx.from, tx.nonce);
}

export function sbSlot(index: number): string {
  return `sb:${index}`;
}

/** First 12 bytes of taggedHash('thermo/neg/slot', slot): the slot on the wire. */
export function slotDigest(slot: string): Uint8Array {
  return taggedHash('thermo/neg/slot', utf8(slot)).slice(0, SLOT_DIGEST_BYTES);
}

/** Big-endian 32-bit word of wire bytes[offset .. offset + 4) (a small integer). Hot path only. */
export function word(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
}

/**
 * `count` words of bytes from `offset` (cold path: once per slot or value). Deliberately not
 * sharing `word` with the hot path: V8 keeps element-load feedback per function, and arrays from
 * different sources (hash outputs, hex decodes, wire messages) would make the hot loads
 * megamorphic (measured 50x slower).
 */
export function words(bytes: Uint8Array, offset: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const o = offset + 4 * i;
    out.push((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!);
  }
  return out;
}

/** digestKey for a digest held by this node (cold path; see `words`). */
export function ownDigestKey(digest: Uint8Array): number {
  return words(digest, 0, 1)[0]! & 0x3fffffff;
}

/**
 * The map key under which a node finds a slot while answering a query: 30 bits of the digest
 * (a small integer, so the Map lookup allocates nothing). A hit is confirmed against all 12 bytes
 * (`sameWords`); slots whose keys collide are chained (conflict-book.ts).
 */
export function digestKey(bytes: Uint8Array, offset = 0): number {
  return word(bytes, offset) & 0x3fffffff;
}

/** The 12-byte digest at bytes[offset..] has words d0, d1, d2 (wire bytes, hot path). */
export function digestIs(bytes: Uint8Array, offset: number, d0: number, d1: number, d2: number): boolean {
  return word(bytes, offset) === d0 && word(bytes, offset + 4) === d1 && word(bytes, offset + 8) === d2;
}

/** The 16-byte prefix at bytes[offset..] has words a0..a3 (wire bytes, hot path). */
export function prefixIs(bytes: Uint8Array, offset: number, a0: number, a1: number, a2: number, a3: number): boolean {
  return word(bytes, offset) === a0 && word(bytes, offset + 4) === a1 && word(bytes, offset + 8) === a2 && word(bytes, offset + 12) === a3;
}

/**
 * bytes[offset ..] equals the bytes whose words are `w`. Comparing words computed once per slot
 * or value keeps the query loop reading a single typed array (mixing typed arrays from different
 * sources made V8's element loads megamorphic: 50x slower in the simulator). Wire bytes only.
 */
export function sameWords(bytes: Uint8Array, offset: number, w: readonly number[]): boolean {
  for (let i = 0; i < w.length; i++) if (word(bytes, offset + 4 * i) !== w[i]) return false;
  return true;
}

/** bytes[offset .. offset + b.length) equals b (cold paths only). */
export function sameBytes(bytes: Uint8Array, offset: number, b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (bytes[offset + i] !== b[i]) return false;
  return true;
}

/** The 16-byte wire prefix of a 32-byte value id given in hex. */
export function prefixHex(idHex: string): string {
  return idHex.slice(0, 2 * VALUE_PREFIX_BYTES);
}
