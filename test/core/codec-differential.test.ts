/**
 * The codec's fast path (src/core/cbor-encode.ts, cbor-decode.ts) against the implementation it replaced
 * (support/cborg-reference-codec.ts: cborg decode + re-encode comparison). For every value the
 * encodings must be byte-identical, and for every input, valid or not, the two decoders must
 * agree: both accept with the same value (types included: number vs bigint, plain
 * Uint8Array), or both refuse with the same error code. Inputs: random values, their encodings
 * mutated (flips, truncations, insertions, splices), random heads strung together, and the
 * boundaries named in RFC 8949 (head sizes, 2^53, 2^64, nesting depth).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, MAX_DEPTH, decode, encode } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { referenceDecode, referenceEncode } from './support/cborg-reference-codec.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Deep equality that also tells number from bigint, -0 from 0 and Buffer from Uint8Array. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object') return a === b;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array)) return false;
    return a.constructor === b.constructor && hex(a) === hex(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    return a.every((x, i) => same(x, b[i]));
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b as object).sort();
  if (ka.join('\u0000') !== kb.join('\u0000')) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

type Outcome = { ok: true; value: CborValue } | { ok: false; code: string };

function fastDecode(bytes: Uint8Array): Outcome {
  try {
    return { ok: true, value: decode(bytes, Number.MAX_SAFE_INTEGER) };
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    return { ok: false, code: err.type.code };
  }
}

function agree(bytes: Uint8Array): void {
  if (bytes.length === 0) return; // CODEC_EMPTY is checked before either parser runs
  const fast = fastDecode(bytes);
  const ref = referenceDecode(bytes, MAX_DEPTH);
  const label = `input ${hex(bytes).slice(0, 400)}`;
  expect(fast.ok, label).toBe(ref.ok);
  if (fast.ok && ref.ok) expect(same(fast.value, ref.value), label).toBe(true);
  if (!fast.ok && !ref.ok) expect(fast.code, label).toBe(ref.code);
}

const BOUNDARY_INTS = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
const BOUNDARY_BIGINTS = [2n ** 53n, 2n ** 53n - 1n, 2n ** 63n, 2n ** 64n - 1n, -(2n ** 53n), -(2n ** 64n), -(2n ** 53n) - 1n];

const key = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', '0', '10', '2', 'a', 'aa', 'b', '\u00e9', '\ud800', '\ufeffbom'),
);

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(...BOUNDARY_INTS, ...BOUNDARY_INTS.map((n) => -n), -0),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
  fc.constantFrom(...BOUNDARY_BIGINTS),
  fc.double(),
  fc.constantFrom(0.5, 1.5, 65_504, 65_505, 5.960464477539063e-8, 1e-300, 2 ** 53, 2 ** 64, Number.NaN, Infinity, -Infinity, 3.4028234663852886e38),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.uint8Array({ maxLength: 48 }),
);

const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 6 }),
    fc.dictionary(key, tie('v'), { maxKeys: 6 }),
  ),
})).v;

/** A mutation of an encoding: flip, truncate, insert, delete or splice in a random head. */
const mutated = value.chain((v) => {
  const bytes = referenceEncode(v);
  return fc
    .array(
      fc.record({ op: fc.integer({ min: 0, max: 4 }), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      { minLength: 1, maxLength: 3 },
    )
    .map((edits) => {
      let b = Array.from(bytes);
      for (const e of edits) {
        const i = b.length === 0 ? 0 : e.at % b.length;
        if (e.op === 0 && b.length > 0) b[i] = b[i]! ^ (1 << (e.byte & 7));
        else if (e.op === 1) b = b.slice(0, i);
        else if (e.op === 2) b.splice(i, 0, e.byte);
        else if (e.op === 3) b.splice(i, 1);
        else b[i] = e.byte;
      }
      return new Uint8Array(b);
    });
});

/** Random heads strung together: reaches non-shortest arguments, odd simple values, tags. */
const heads = fc
  .array(
    fc.record({ major: fc.integer({ min: 0, max: 7 }), ai: fc.integer({ min: 0, max: 31 }), arg: fc.uint8Array({ minLength: 8, maxLength: 8 }), small: fc.boolean() }),
    { minLength: 1, maxLength: 12 },
  )
  .map((hs) => {
    const out: number[] = [];
    for (const h of hs) {
      // Bias lengths of bytes/strings/arrays/maps small so the items behind them exist.
      const ai = h.small && h.major >= 2 && h.major <= 5 ? h.ai % 6 : h.ai;
      out.push((h.major << 5) | ai);
      const n = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : ai === 27 ? 8 : 0;
      out.push(...h.arg.subarray(0, n));
      if ((h.major === 2 || h.major === 3) && ai < 24) out.push(...h.arg.subarray(0, ai));
    }
    return new Uint8Array(out);
  });

describe('codec fast path against the cborg reference', () => {
  it('encodes every value to the same bytes', () => {
    fc.assert(
      fc.property(value, (v) => {
        let ref: Uint8Array | null = null;
        try {
          ref = referenceEncode(v);
        } catch {
          ref = null;
        }
        if (ref === null) expect(() => encode(v as CborValue)).toThrow(CodecError);
        else expect(hex(encode(v as CborValue))).toBe(hex(ref));
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes encodings of random values to the same value', () => {
    fc.assert(
      fc.property(value, (v) => agree(referenceEncode(v))),
      { numRuns: 3000 },
    );
  });

  it('gives mutated encodings the same verdict and error code', () => {
    fc.assert(
      fc.property(mutated, (bytes) => agree(bytes)),
      { numRuns: 6000 },
    );
  });

  it('gives random heads and random bytes the same verdict and error code', () => {
    fc.assert(fc.property(heads, (bytes) => agree(bytes)), { numRuns: 6000 });
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => agree(bytes)), { numRuns: 3000 });
  });

  it('agrees on every float width, NaN payloads and integral floats', () => {
    const floats: number[][] = [
      [0xf9, 0x7e, 0x00], // canonical NaN
      [0xf9, 0x7e, 0x01], // NaN with a payload
      [0xf9, 0x7c, 0x00], // +Infinity
      [0xf9, 0x80, 0x00], // -0.0: the integer 0 is canonical
      [0xf9, 0x3c, 0x00], // 1.0: the integer 1 is canonical
      [0xf9, 0x3e, 0x00], // 1.5
      [0xf9, 0x00, 0x01], // smallest half subnormal
      [0xf9, 0x04, 0x00], // smallest half normal
      [0xfa, 0x3f, 0xc0, 0x00, 0x00], // 1.5 as float32: has a shorter form
      [0xfa, 0x47, 0x7f, 0xe0, 0x00], // 65504 as float32 (an integer)
      [0xfa, 0x3d, 0xcc, 0xcc, 0xcd], // 0.1f
      [0xfb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a], // 0.1
      [0xfb, 0x3f, 0xf8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // 1.5 as float64
      [0xfb, 0x43, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // 2^53
    ];
    for (const f of floats) agree(new Uint8Array(f));
    for (let h = 0; h < 0x10000; h += 7) agree(new Uint8Array([0xf9, h >> 8, h & 0xff]));
  });

  it('agrees at the nesting limit: MAX_DEPTH non-empty containers accepted, one more refused', () => {
    for (const depth of [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1]) {
      const arrays = new Uint8Array([...new Array<number>(depth).fill(0x81), 0x00]);
      agree(arrays);
      expect(fastDecode(arrays).ok).toBe(depth <= MAX_DEPTH);
      const maps = new Uint8Array([...new Array<number>(depth).fill(0).flatMap(() => [0xa1, 0x61, 0x6b]), 0x00]);
      agree(maps);
      // Empty containers do not count: MAX_DEPTH + 1 levels ending in [] are fine.
      agree(new Uint8Array([...new Array<number>(depth).fill(0x81), 0x80]));
      // A hostile length behind the deep container: depth is refused first, as before.
      agree(new Uint8Array([...new Array<number>(depth).fill(0x81), 0x9a, 0xff, 0xff, 0xff, 0xff]));
    }
  });

  it('agrees on map keys: order, duplicates, non-string keys, __proto__', () => {
    const cases: number[][] = [
      [0xa2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02], // {a, b}: canonical
      [0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02], // {b, a}: out of order
      [0xa2, 0x62, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02], // {aa, b}: longer key first
      [0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], // duplicate key
      [0xa3, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02, 0x61, 0x62, 0x03], // unsorted and duplicate: duplicate wins
      [0xa1, 0x01, 0x02], // integer key
      [0xa1, 0x69, ...Buffer.from('__proto__'), 0xa0], // __proto__ as an own key
      [0xa1, 0x61, 0x61], // no value
      [0xa1, 0x62, 0xc3, 0x28, 0x01], // invalid UTF-8 key
      [0x62, 0xef, 0xbb], // truncated string
      [0x63, 0xef, 0xbb, 0xbf], // a leading BOM: dropped by the decoder, so refused as non-canonical
      [0x64, 0x61, 0xef, 0xbb, 0xbf], // a BOM inside a string is a character
    ];
    for (const c of cases) agree(new Uint8Array(c));
  });

  it('agrees on 64-bit lengths and integers around 2^53 and 2^64', () => {
    const cases: number[][] = [
      [0x1b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // 2^53 - 1: a number
      [0x1b, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00], // 2^53: a bigint
      [0x3b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe], // -(2^53 - 1)
      [0x3b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // -2^53: a bigint
      [0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // -2^64
      [0x1b, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff], // not the shortest
      [0x5b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00], // 64-bit byte-string length
      [0x9b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00], // 64-bit array length
      [0x9a, 0xff, 0xff, 0xff, 0xff, 0x00], // 4 G items declared, one present
      [0xf7], // undefined
      [0xf0], // simple value 16
      [0xf8, 0x20], // simple value in one byte
      [0xc0, 0x00], // a tag
      [0x5f, 0x41, 0x00, 0xff], // indefinite bytes
      [0x00, 0x00], // trailing byte
      [0xff], // a lone break
    ];
    for (const c of cases) agree(new Uint8Array(c));
  });

  it('copies the input: decoded bytes never alias the caller buffer', () => {
    const input = encode([new Uint8Array([1, 2, 3])]);
    const [bytes] = decode(input) as [Uint8Array];
    input[input.length - 1] = 9;
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(bytes.constructor).toBe(Uint8Array);
  });

  it('falls back to the reference for exotic values and cycles', () => {
    const noProto = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(hex(encode(noProto as CborValue))).toBe(hex(referenceEncode(noProto)));
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => encode(cyclic as CborValue)).toThrow(CodecError);
    let deep: unknown = 0;
    for (let i = 0; i < 400; i++) deep = [deep];
    expect(hex(encode(deep as CborValue))).toBe(hex(referenceEncode(deep)));
    expect(() => encode(2n ** 64n)).toThrow(CodecError);
    expect(() => encode(-(2n ** 64n) - 1n)).toThrow(CodecError);
  });
});
