/**
 * Byte helpers: hex, utf8, concatenation, comparison and fixed-width big-endian integers.
 * Everything returns fresh Uint8Arrays; nothing here aliases its input.
 */
import { ThermoError } from './errors.js';

export type BytesErrorType =
  | { code: 'BYTES_INVALID_HEX'; reason: string }
  | { code: 'BYTES_WRONG_LENGTH'; expected: number; actual: number };

export class BytesError extends ThermoError<BytesErrorType> {}

const HEX = '0123456789abcdef';

// toHex writes the ASCII codes of the digits into a scratch array and decodes it once: string
// concatenation built a rope of one piece per byte, the largest source of garbage on a busy node
// after the transfers themselves (docs/NODE.md, "Where the CPU goes"); this is ~3x faster.
const HEX_HI = Uint8Array.from({ length: 256 }, (_, i) => HEX.charCodeAt(i >> 4));
const HEX_LO = Uint8Array.from({ length: 256 }, (_, i) => HEX.charCodeAt(i & 15));
const HEX_SCRATCH_MAX = 4096;
const hexScratch = new Uint8Array(HEX_SCRATCH_MAX);
const asciiDecoder = new TextDecoder();

export function toHex(bytes: Uint8Array): string {
  const n = bytes.length;
  // Short inputs (ids, keys, addresses) reuse one scratch array; long ones get their own.
  const out = 2 * n <= HEX_SCRATCH_MAX ? hexScratch : new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    out[2 * i] = HEX_HI[b]!;
    out[2 * i + 1] = HEX_LO[b]!;
  }
  return asciiDecoder.decode(out.subarray(0, 2 * n));
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/** Parses hex (optionally 0x-prefixed, either case). Rejects odd length and non-hex digits. */
export function fromHex(hex: string): Uint8Array {
  const s = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (s.length % 2 !== 0) throw new BytesError({ code: 'BYTES_INVALID_HEX', reason: 'odd length' });
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(s.charCodeAt(2 * i));
    const lo = hexNibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new BytesError({ code: 'BYTES_INVALID_HEX', reason: `bad digit at ${2 * i}` });
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** fromHex, and the result must be exactly `length` bytes. */
export function fromHexExact(hex: string, length: number): Uint8Array {
  const out = fromHex(hex);
  if (out.length !== length) throw new BytesError({ code: 'BYTES_WRONG_LENGTH', expected: length, actual: out.length });
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order; a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, false);
  return out;
}

export function u64be(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, value), false);
  return out;
}

export function readU32be(bytes: Uint8Array, offset = 0): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, false);
}

/** Big-endian unsigned integer of any length (256-bit targets, hashes as numbers). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** Big-endian, exactly `length` bytes; throws when the value does not fit. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n || value >> BigInt(8 * length) !== 0n) {
    throw new BytesError({ code: 'BYTES_WRONG_LENGTH', expected: length, actual: Math.ceil(value.toString(16).length / 2) });
  }
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** IEEE-754 bits of a double, big-endian: how floats enter hashes and digests. */
export function f64be(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value, false);
  return out;
}
