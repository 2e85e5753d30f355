/**
 * The values the canonical codec round-trips (codec.ts encodes and decodes them, cbor-encode.ts
 * and cbor-decode.ts do the work): the JSON-like subset of CBOR plus byte strings and integers.
 * Integers are CBOR major types 0/1, so a bigint must lie in [-2^64, 2^64 - 1]; wider numbers
 * (256-bit targets, cumulative work) travel as fixed-length big-endian byte strings.
 */
export type CborValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly CborValue[]
  | { readonly [key: string]: CborValue };
