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

/**
 * The first 48 bits of a digest as a number: the map key under which a node finds a slot while
 * answering a query without building a string per key (the hot loop of the engine). A hit is
 * confirmed by comparing all 12 bytes (`sameBytes`), so a 48-bit collision is only a miss.
 */
export function digestKey(bytes: Uint8Array, offset = 0): number {
  return (bytes[offset]! * 16777216 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!)) * 65536 + ((bytes[offset + 4]! << 8) | bytes[offset + 5]!);
}

/** bytes[offset .. offset + b.length) equals b. */
export function sameBytes(bytes: Uint8Array, offset: number, b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (bytes[offset + i] !== b[i]) return false;
  return true;
}

/** The 16-byte wire prefix of a 32-byte value id given in hex. */
export function prefixHex(idHex: string): string {
  return idHex.slice(0, 2 * VALUE_PREFIX_BYTES);
}
