/**
 * Recently verified transfers by their wire bytes: a bounded map from a key cut from the last
 * bytes of an encoding (signature bytes, 53 bits of them) to the one object that holds that
 * encoding. Decoding the same bytes again, as a validator does for every transfer of a block it
 * already admitted from gossip, then hands back the object it has instead of building another:
 * a fresh decode allocated more than anything else on a busy node (docs/NODE.md, "Where the
 * CPU goes"). A hit needs the whole encoding to be equal, so a key collision (chance or a
 * ground signature) only costs a decode. Only the ledger's transaction module feeds it, with
 * transfers whose signature verified; forgetting an entry only costs a decode.
 */
import { assert } from '../core/assert.js';
import { equalBytes } from '../core/bytes.js';

/** Fewest bytes a key is cut from. */
const KEY_BYTES = 7;

/** 53 bits from the last 7 bytes: an exact double, a cheap Map key, no string built. */
export function encodingKey(bytes: Uint8Array): number | null {
  const n = bytes.length;
  if (n < KEY_BYTES) return null;
  const hi = ((bytes[n - 7]! & 0x1f) << 16) | (bytes[n - 6]! << 8) | bytes[n - 5]!;
  const lo = ((bytes[n - 4]! << 24) | (bytes[n - 3]! << 16) | (bytes[n - 2]! << 8) | bytes[n - 1]!) >>> 0;
  return hi * 0x1_0000_0000 + lo;
}

export class RecentByEncoding<T> {
  // A Map iterates in insertion order, so its first entry is the oldest.
  private readonly entries = new Map<number, T>();

  constructor(
    readonly max: number,
    private readonly encodingOf: (value: T) => Uint8Array,
  ) {
    assert(Number.isSafeInteger(max) && max >= 1, 'RecentByEncoding max must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value whose encoding equals `bytes`, if it is still held. */
  get(bytes: Uint8Array): T | undefined {
    const key = encodingKey(bytes);
    if (key === null) return undefined;
    const hit = this.entries.get(key);
    return hit !== undefined && equalBytes(this.encodingOf(hit), bytes) ? hit : undefined;
  }

  /** Holds `value` under its encoding (replacing a colliding one), the oldest forgotten when full. */
  add(value: T): void {
    const key = encodingKey(this.encodingOf(value));
    if (key === null) return;
    if (this.entries.has(key)) {
      this.entries.delete(key); // a colliding or repeated key takes the newest value and age
    } else if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  clear(): void {
    this.entries.clear();
  }
}
