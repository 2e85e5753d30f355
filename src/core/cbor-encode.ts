/**
 * The encoding half of the canonical codec's hot path (codec.ts is the face): canonical CBOR
 * (RFC 8949 section 4.2.1: shortest heads, map keys sorted shorter-first then bytewise) written
 * directly into a reusable buffer, byte-identical to what cborg wrote before
 * (test/core/codec-differential.test.ts). Floats and values outside the plain subset (objects
 * with another prototype, cycles, nesting past ENCODE_DEPTH) go to cborg, which stays the
 * reference for them. See cbor-decode.ts for the other half and the error semantics.
 */
import { encode as cborgEncode } from 'cborg';

/** Nesting beyond this goes to cborg (which also detects cycles). */
const ENCODE_DEPTH = 256;
const TWO_32 = 0x1_0000_0000;
const MAX_U64 = (1n << 64n) - 1n;

/** Thrown inside the fast encoder when a value needs cborg; never escapes this module. */
class NeedsReference extends Error {}

/** The scratch buffer encodes write into; the result is a copy of its used prefix. */
let scratch = new Uint8Array(64 * 1024);
let at = 0;
/** A big encode (a snapshot) may grow the scratch; it is given back above this size. */
const SCRATCH_KEEP = 4 * 1024 * 1024;

function reserve(n: number): void {
  if (at + n <= scratch.length) return;
  let size = scratch.length * 2;
  while (size < at + n) size *= 2;
  const grown = new Uint8Array(size);
  grown.set(scratch.subarray(0, at));
  scratch = grown;
}

function head(major: number, value: number): void {
  const m = major << 5;
  if (value < 24) {
    reserve(1);
    scratch[at++] = m | value;
  } else if (value < 0x100) {
    reserve(2);
    scratch[at++] = m | 24;
    scratch[at++] = value;
  } else if (value < 0x1_0000) {
    reserve(3);
    scratch[at++] = m | 25;
    scratch[at++] = value >>> 8;
    scratch[at++] = value & 0xff;
  } else if (value < TWO_32) {
    reserve(5);
    scratch[at++] = m | 26;
    scratch[at++] = value >>> 24;
    scratch[at++] = (value >>> 16) & 0xff;
    scratch[at++] = (value >>> 8) & 0xff;
    scratch[at++] = value & 0xff;
  } else {
    headWide(m, Math.floor(value / TWO_32), value >>> 0);
  }
}

function headWide(m: number, hi: number, lo: number): void {
  reserve(9);
  scratch[at++] = m | 27;
  scratch[at++] = hi >>> 24;
  scratch[at++] = (hi >>> 16) & 0xff;
  scratch[at++] = (hi >>> 8) & 0xff;
  scratch[at++] = hi & 0xff;
  scratch[at++] = lo >>> 24;
  scratch[at++] = (lo >>> 16) & 0xff;
  scratch[at++] = (lo >>> 8) & 0xff;
  scratch[at++] = lo & 0xff;
}

function headBig(major: number, value: bigint): void {
  if (value > MAX_U64) throw new RangeError('integer outside [-2^64, 2^64 - 1]');
  if (value <= BigInt(Number.MAX_SAFE_INTEGER)) head(major, Number(value));
  else headWide(major << 5, Number(value >> 32n), Number(value & 0xffff_ffffn));
}

function raw(bytes: Uint8Array): void {
  reserve(bytes.length);
  scratch.set(bytes, at);
  at += bytes.length;
}

export const utf8 = new TextEncoder();

function text(s: string): void {
  const n = s.length;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    const bytes = utf8.encode(s);
    head(3, bytes.length);
    raw(bytes);
    return;
  }
  head(3, n);
  reserve(n);
  for (let i = 0; i < n; i++) scratch[at++] = s.charCodeAt(i);
}

/** UTF-8 of map keys, cached: objects of one schema repeat the same few keys. */
const keyBytes = new Map<string, Uint8Array>();
const KEY_CACHE_MAX = 4096;

function keyUtf8(key: string): Uint8Array {
  let b = keyBytes.get(key);
  if (b === undefined) {
    b = utf8.encode(key);
    if (keyBytes.size >= KEY_CACHE_MAX) keyBytes.clear();
    keyBytes.set(key, b);
  }
  return b;
}

/** Canonical key order (cborg's, and RFC 8949 4.2.1's for text keys): shorter first, then bytewise. */
export function compareKeyBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function item(v: unknown, depth: number): void {
  if (depth > ENCODE_DEPTH) throw new NeedsReference();
  switch (typeof v) {
    case 'number':
      if (Number.isSafeInteger(v)) {
        if (v >= 0) head(0, v);
        else head(1, -1 - v);
      } else raw(cborgEncode(v)); // floats, NaN, +-Infinity, unsafe integers: cborg's shortest form
      return;
    case 'string':
      text(v);
      return;
    case 'boolean':
      reserve(1);
      scratch[at++] = v ? 0xf5 : 0xf4;
      return;
    case 'bigint':
      if (v >= 0n) headBig(0, v);
      else headBig(1, -1n - v);
      return;
    case 'undefined':
      reserve(1);
      scratch[at++] = 0xf7; // as cborg writes it; the decoder refuses it
      return;
    case 'object':
      if (v === null) {
        reserve(1);
        scratch[at++] = 0xf6;
      } else if (v instanceof Uint8Array) {
        head(2, v.length);
        raw(v);
      } else if (Array.isArray(v)) {
        const list = v as readonly unknown[];
        head(4, list.length);
        for (let i = 0; i < list.length; i++) item(list[i], depth + 1);
      } else if ((v as object).constructor === Object) {
        map(v as Readonly<Record<string, unknown>>, depth);
      } else throw new NeedsReference();
      return;
    default:
      throw new NeedsReference();
  }
}

function map(obj: Readonly<Record<string, unknown>>, depth: number): void {
  const keys = Object.keys(obj);
  const n = keys.length;
  const encoded = keys.map(keyUtf8);
  // Insertion sort of an index: objects have a handful of keys.
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let j = i;
    while (j > 0 && compareKeyBytes(encoded[order[j - 1]!]!, encoded[i]!) > 0) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
  head(5, n);
  for (let i = 0; i < n; i++) {
    const k = order[i]!;
    const b = encoded[k]!;
    head(3, b.length);
    raw(b);
    item(obj[keys[k]!], depth + 1);
  }
}

/**
 * Canonical bytes of `value`; throws (anything) where cborg would refuse it (codec.ts turns
 * that into CODEC_UNENCODABLE).
 */
export function encodeCanonical(value: unknown): Uint8Array {
  at = 0;
  try {
    item(value, 0);
  } catch (err) {
    at = 0;
    if (!(err instanceof NeedsReference)) throw err;
    const out = cborgEncode(value);
    // cborg may hand back a Buffer on Node; callers get one type everywhere.
    return out.constructor === Uint8Array ? out : new Uint8Array(out);
  }
  const out = scratch.slice(0, at);
  at = 0;
  if (scratch.length > SCRATCH_KEEP) scratch = new Uint8Array(64 * 1024);
  return out;
}
