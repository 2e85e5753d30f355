/**
 * The decoding half of the canonical codec's hot path (codec.ts is the face; cbor-encode.ts the
 * other half): a single-pass validating decoder for the CBOR subset `CborValue` uses, accepting
 * exactly the bytes that the cborg-based path accepted before it (test/core/codec-differential.test.ts
 * runs both on random and mutated inputs and requires the same bytes, values and error codes).
 *
 * Why not cborg alone: every message the node and the simulator send is encoded once and decoded
 * once per receiver, and the old decoder proved canonical form by re-encoding the decoded value
 * and comparing bytes, so a decode cost a cborg decode (one Token object per item) plus a cborg
 * encode. Here the canonical checks are made while parsing (RFC 8949 section 4.2.1: shortest
 * heads, sorted keys, shortest floats) and nothing is re-encoded.
 *
 * Semantics kept from the old path, on purpose, so no accepted message changes meaning:
 *   - errors: structure (truncation, trailing bytes, tags, indefinite lengths, simple values,
 *     `undefined`, non-shortest heads, duplicate or non-string map keys, 64-bit lengths) is
 *     CODEC_MALFORMED at the point parsing meets it; a value that parses but is not the
 *     canonical encoding of what it decodes to (unsorted keys, a float with a shorter form,
 *     invalid UTF-8, a text string that starts with U+FEFF) is CODEC_NON_CANONICAL, reported only once the whole input parsed, as the
 *     re-encode comparison did; nesting deeper than MAX_DEPTH non-empty containers is
 *     CODEC_TOO_DEEP when the container that crosses it is read;
 *   - values: integers up to 2^53 - 1 in magnitude are numbers, wider ones bigints; byte strings
 *     are views into one private copy of the input; a `__proto__` key is an own property;
 *   - floats and exotic inputs (non-plain objects, cycles, nesting past ENCODE_DEPTH) go through
 *     cborg, which stays the reference for them: they are rare, and byte-for-byte agreement
 *     there is worth more than speed.
 *
 * Containers are decoded by appending, never pre-sized from a declared length, so a hostile
 * length costs no allocation beyond the input's own size.
 */
import { encode as cborgEncode } from 'cborg';
import type { CborValue } from './cbor-value.js';
import { compareKeyBytes, utf8 } from './cbor-encode.js';

/** Decoding outcome codes this module reports; codec.ts wraps them in a CodecError. */
export type CborFailure = 'malformed' | 'too-deep' | 'non-canonical';

export class CborDecodeFailure extends Error {
  constructor(
    readonly failure: CborFailure,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const TWO_32 = 0x1_0000_0000;
/** Largest high word of a uint64 that is still a safe integer: (2^53 - 1) >> 32. */
const SAFE_HI = 0x1f_ffff;

// Default options on purpose: a leading U+FEFF is dropped, as cborg's decoder dropped it, so a
// text string that begins with a byte order mark does not re-encode to its bytes and is refused
// (non-canonical), as it always was.
const utf8Decoder = new TextDecoder('utf-8');

class Parser {
  pos = 0;
  /** Open non-empty containers (the depth cborg's tokenizer limited). */
  open = 0;
  /** Set when something parsed is not the canonical form of its value; thrown at the end. */
  nonCanonical: string | null = null;

  constructor(
    readonly b: Uint8Array,
    readonly maxDepth: number,
  ) {}

  fail(reason: string): never {
    throw new CborDecodeFailure('malformed', reason);
  }

  need(n: number): void {
    if (this.b.length - this.pos < n) this.fail(`truncated at byte ${this.pos}`);
  }

  /** The argument of a head with additional info `ai` (0..27), shortest form enforced. */
  argument(ai: number): number | bigint {
    const b = this.b;
    if (ai < 24) return ai;
    if (ai === 24) {
      this.need(1);
      const v = b[this.pos++]!;
      if (v < 24) this.fail('integer encoded in more bytes than necessary');
      return v;
    }
    if (ai === 25) {
      this.need(2);
      const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
      this.pos += 2;
      if (v < 0x100) this.fail('integer encoded in more bytes than necessary');
      return v;
    }
    if (ai === 26) {
      this.need(4);
      const v = b[this.pos]! * 0x100_0000 + ((b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!);
      this.pos += 4;
      if (v < 0x1_0000) this.fail('integer encoded in more bytes than necessary');
      return v;
    }
    if (ai === 27) {
      this.need(8);
      const hi = b[this.pos]! * 0x100_0000 + ((b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!);
      const lo = b[this.pos + 4]! * 0x100_0000 + ((b[this.pos + 5]! << 16) | (b[this.pos + 6]! << 8) | b[this.pos + 7]!);
      this.pos += 8;
      if (hi === 0) this.fail('integer encoded in more bytes than necessary');
      return hi <= SAFE_HI ? hi * TWO_32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
    }
    return this.fail(ai === 31 ? 'indefinite length items not allowed' : `reserved additional info ${ai}`);
  }

  /** A length: 64-bit ones are refused as cborg refused them. */
  length(ai: number, what: string): number {
    if (ai === 27) this.fail(`64-bit ${what} lengths not supported`);
    return this.argument(ai) as number;
  }

  item(): CborValue {
    this.need(1);
    const initial = this.b[this.pos++]!;
    const major = initial >> 5;
    const ai = initial & 0x1f;
    switch (major) {
      case 0:
        return this.argument(ai);
      case 1: {
        const n = this.argument(ai);
        if (typeof n === 'number') {
          const v = -1 - n;
          if (v >= Number.MIN_SAFE_INTEGER) return v;
          return -1n - BigInt(n);
        }
        return -1n - n;
      }
      case 2: {
        const len = this.length(ai, 'bytes');
        this.need(len);
        const v = this.b.subarray(this.pos, this.pos + len);
        this.pos += len;
        return v;
      }
      case 3:
        return this.text(this.length(ai, 'string'));
      case 4:
        return this.array(this.length(ai, 'array'));
      case 5:
        return this.map(this.length(ai, 'map'));
      case 6:
        return this.fail('tags not supported');
      default:
        return this.simple(ai);
    }
  }

  text(len: number): string {
    this.need(len);
    const b = this.b;
    const start = this.pos;
    const end = start + len;
    this.pos = end;
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (b[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      // Short ASCII strings (keys, names) are built directly; long ones by the native decoder.
      if (len <= 32) {
        let s = '';
        for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
        return s;
      }
      return utf8Decoder.decode(b.subarray(start, end));
    }
    const s = utf8Decoder.decode(b.subarray(start, end));
    // Invalid UTF-8 decodes with U+FFFD replacements (and a leading byte order mark is dropped):
    // neither re-encodes to the same bytes.
    const again = utf8.encode(s);
    if (again.length !== len || compareKeyBytes(again, b.subarray(start, end)) !== 0) this.nonCanonical ??= 'invalid UTF-8';
    return s;
  }

  enter(len: number): void {
    if (len > 0 && ++this.open > this.maxDepth) throw new CborDecodeFailure('too-deep', `nesting deeper than ${this.maxDepth}`);
  }

  array(len: number): CborValue[] {
    this.enter(len);
    const out: CborValue[] = [];
    for (let i = 0; i < len; i++) {
      if (this.pos >= this.b.length) this.fail(`array of ${len} items ends after ${i}`);
      out.push(this.item());
    }
    if (len > 0) this.open--;
    return out;
  }

  map(len: number): Record<string, CborValue> {
    this.enter(len);
    const out: Record<string, CborValue> = {};
    let prevStart = -1;
    let prevEnd = -1;
    for (let i = 0; i < len; i++) {
      if (this.pos >= this.b.length) this.fail(`map of ${len} entries ends after ${i}`);
      const keyStart = this.pos;
      const key = this.item();
      if (typeof key !== 'string') this.fail(`non-string map key (${typeof key})`);
      if (Object.hasOwn(out, key)) this.fail(`repeated map key "${key}"`);
      // Encoded keys of text strings sort as their UTF-8 does: shorter first, then bytewise.
      const keyEnd = this.pos;
      if (prevStart >= 0 && compareKeyBytes(this.b.subarray(prevStart, prevEnd), this.b.subarray(keyStart, keyEnd)) >= 0) {
        this.nonCanonical ??= 'map keys out of order';
      }
      prevStart = keyStart;
      prevEnd = keyEnd;
      if (this.pos >= this.b.length) this.fail(`map of ${len} entries has no value for key ${i}`);
      const value = this.item();
      if (key === '__proto__') Object.defineProperty(out, key, { value, configurable: true, enumerable: true, writable: true });
      else out[key] = value;
    }
    if (len > 0) this.open--;
    return out;
  }

  simple(ai: number): CborValue {
    switch (ai) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return this.fail('undefined values are not supported');
      case 25:
      case 26:
      case 27:
        return this.float(ai);
      case 31:
        return this.fail('indefinite length items not allowed');
      default:
        return this.fail(`simple value ${ai} not supported`);
    }
  }

  float(ai: number): number {
    const size = ai === 25 ? 2 : ai === 26 ? 4 : 8;
    this.need(size);
    const start = this.pos - 1;
    const view = new DataView(this.b.buffer, this.b.byteOffset + this.pos, size);
    let v: number;
    if (size === 2) v = half(view.getUint16(0));
    else if (size === 4) v = view.getFloat32(0);
    else v = view.getFloat64(0);
    this.pos += size;
    // Canonical only if the shortest encoding of the value (cborg's, which may be an integer)
    // is exactly what was read.
    const again = cborgEncode(v);
    if (compareKeyBytes(again, this.b.subarray(start, this.pos)) !== 0) this.nonCanonical ??= 'float not in its shortest form';
    return v;
  }
}

/** IEEE 754 binary16 to a number, exactly (every half is a float32; no pow needed). */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return (sign * mant) / 0x100_0000; // subnormal: mant x 2^-24
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  // A normal half is the float32 with the exponent re-biased (15 -> 127) and the fraction widened.
  halfView.setUint32(0, ((h & 0x8000) << 16) | ((exp - 15 + 127) << 23) | (mant << 13));
  return halfView.getFloat32(0);
}
const halfView = new DataView(new ArrayBuffer(4));

/**
 * Decodes exactly one canonical item filling all of `own` (the caller's private copy: byte
 * strings in the result are views into it). Throws CborDecodeFailure.
 */
export function decodeCanonical(own: Uint8Array, maxDepth: number): CborValue {
  const p = new Parser(own, maxDepth);
  const value = p.item();
  if (p.pos !== own.length) p.fail(`${own.length - p.pos} bytes after the item`);
  if (p.nonCanonical !== null) throw new CborDecodeFailure('non-canonical', p.nonCanonical);
  return value;
}
