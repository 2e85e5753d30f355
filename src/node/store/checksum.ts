/**
 * Record checksums. lmdb keeps no checksums of its own, so a flipped bit in a value would be
 * read back silently. Every value we store is `tag || payload` with
 * tag = first 8 bytes of SHA-256(db name || 0 || key || 0 || payload): it binds the payload to
 * its key and sub-database, so a byte flip or a value moved under another key is caught on read.
 */
import { equalBytes, sha256Concat, utf8 } from '../../core/index.js';

export const CHECKSUM_BYTES = 8;
const ZERO = Uint8Array.of(0);

function tag(db: string, key: string | number, payload: Uint8Array): Uint8Array {
  return sha256Concat(utf8(db), ZERO, utf8(String(key)), ZERO, payload).subarray(0, CHECKSUM_BYTES);
}

export function seal(db: string, key: string | number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHECKSUM_BYTES + payload.length);
  out.set(tag(db, key, payload), 0);
  out.set(payload, CHECKSUM_BYTES);
  return out;
}

/** The payload when the checksum matches, else null. Returns a fresh copy (lmdb reuses buffers). */
export function unseal(db: string, key: string | number, stored: Uint8Array): Uint8Array | null {
  if (stored.length < CHECKSUM_BYTES) return null;
  const payload = Uint8Array.from(stored.subarray(CHECKSUM_BYTES));
  return equalBytes(stored.subarray(0, CHECKSUM_BYTES), tag(db, key, payload)) ? payload : null;
}
