/**
 * The canonical codec: deterministic CBOR (RFC 8949 section 4.2 core deterministic encoding),
 * encoded and parsed by cbor.ts (cborg remains the reference for floats and exotic values).
 * Same value, same bytes, on every node; that is what makes hashes of encoded objects
 * consensus-safe.
 *
 * Decoding is defensive, because its input comes from peers, clients and files:
 *   1. the size cap is checked before a single byte is parsed;
 *   2. indefinite lengths, `undefined`, tags and non-minimal integers are refused;
 *   3. nesting deeper than MAX_DEPTH is refused while parsing (no recursion blow-up);
 *   4. only the canonical encoding of a value is accepted (shortest heads and floats, sorted
 *      keys, valid UTF-8), so there is one and only one accepted encoding of every value (no
 *      malleability). These checks are made while parsing; the earlier implementation
 *      re-encoded the decoded value and compared bytes, and the differential test holds the
 *      two to the same verdicts.
 * Any failure is a `CodecError` with a code; the decoder never throws anything else.
 */
import { CborDecodeFailure, decodeCanonical } from './cbor-decode.js';
import { encodeCanonical } from './cbor-encode.js';
import type { CborValue } from './cbor-value.js';
import { ThermoError } from './errors.js';

export type { CborValue } from './cbor-value.js';

/** Default cap for one encoded object: 1 MiB. Callers with tighter budgets pass their own. */
export const DEFAULT_MAX_ENCODED_BYTES = 1 << 20;
/** Maximum container nesting accepted by `decode`. Our own schemas nest at most ~6 deep. */
export const MAX_DEPTH = 32;

export type CodecErrorType =
  | { code: 'CODEC_TOO_LARGE'; size: number; max: number }
  | { code: 'CODEC_EMPTY' }
  | { code: 'CODEC_TOO_DEEP'; max: number }
  | { code: 'CODEC_MALFORMED'; reason: string }
  | { code: 'CODEC_NON_CANONICAL' }
  | { code: 'CODEC_UNENCODABLE'; reason: string };

export class CodecError extends ThermoError<CodecErrorType> {}

/** Canonical encoding of `value`. Throws CODEC_UNENCODABLE for values outside `CborValue`. */
export function encode(value: CborValue): Uint8Array {
  try {
    return encodeCanonical(value);
  } catch (err) {
    throw new CodecError({ code: 'CODEC_UNENCODABLE', reason: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Decodes exactly one canonical CBOR item filling all of `bytes`. The caller still validates
 * the shape (see the `read*` helpers below and each module's schema functions).
 */
export function decode(bytes: Uint8Array, maxBytes: number = DEFAULT_MAX_ENCODED_BYTES): CborValue {
  if (bytes.length > maxBytes) throw new CodecError({ code: 'CODEC_TOO_LARGE', size: bytes.length, max: maxBytes });
  if (bytes.length === 0) throw new CodecError({ code: 'CODEC_EMPTY' });
  // Decoded byte strings are views into the buffer decoded from. Decode from a private plain
  // Uint8Array copy so they never alias the caller's buffer (a later write to a network buffer
  // must not change accepted data) and are never Node Buffers.
  const own = new Uint8Array(bytes);
  try {
    return decodeCanonical(own, MAX_DEPTH);
  } catch (err) {
    if (!(err instanceof CborDecodeFailure)) throw new CodecError({ code: 'CODEC_MALFORMED', reason: err instanceof Error ? err.message : String(err) });
    if (err.failure === 'too-deep') throw new CodecError({ code: 'CODEC_TOO_DEEP', max: MAX_DEPTH });
    if (err.failure === 'non-canonical') throw new CodecError({ code: 'CODEC_NON_CANONICAL' });
    throw new CodecError({ code: 'CODEC_MALFORMED', reason: err.reason });
  }
}

// ---- Shape readers: turn a decoded `CborValue` into typed fields, or a CODEC_MALFORMED. ----

function malformed(reason: string): CodecError {
  return new CodecError({ code: 'CODEC_MALFORMED', reason });
}

export function readMap(value: CborValue, what: string): { readonly [key: string]: CborValue } {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw malformed(`${what}: expected a map`);
  }
  return value as { readonly [key: string]: CborValue };
}

export function readArray(value: CborValue | undefined, what: string, maxLength: number): readonly CborValue[] {
  if (!Array.isArray(value)) throw malformed(`${what}: expected an array`);
  if (value.length > maxLength) throw malformed(`${what}: ${value.length} items exceeds ${maxLength}`);
  return value as readonly CborValue[];
}

export function readBytes(value: CborValue | undefined, what: string, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(`${what}: expected bytes`);
  if (length !== undefined && value.length !== length) throw malformed(`${what}: expected ${length} bytes, got ${value.length}`);
  return value;
}

export function readString(value: CborValue | undefined, what: string, maxLength: number): string {
  if (typeof value !== 'string') throw malformed(`${what}: expected a string`);
  if (value.length > maxLength) throw malformed(`${what}: longer than ${maxLength}`);
  return value;
}

/** A safe non-negative integer (cborg yields numbers up to 2^53-1 and bigints above). */
export function readUint(value: CborValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw malformed(`${what}: expected a uint`);
  return value;
}

/** A non-negative integer of any size, as bigint (amounts, balances, work). */
export function readBigUint(value: CborValue | undefined, what: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n) return value;
  throw malformed(`${what}: expected an unsigned integer`);
}

export function readFloat(value: CborValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(`${what}: expected a finite number`);
  return value;
}

export function readBool(value: CborValue | undefined, what: string): boolean {
  if (typeof value !== 'boolean') throw malformed(`${what}: expected a boolean`);
  return value;
}

/** Encodes a bigint the way the codec does: as a number when it is safe, else a CBOR bignum. */
export function bigToCbor(value: bigint): CborValue {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= 0n ? Number(value) : value;
}
