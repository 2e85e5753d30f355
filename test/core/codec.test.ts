import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { equalBytes, fromHex, toHex } from '../../src/core/bytes.js';
import { CodecError, decode, encode, MAX_DEPTH, readBigUint, readUint } from '../../src/core/codec.js';
import type { CborValue } from '../../src/core/codec.js';

const cborValue: fc.Arbitrary<CborValue> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true }).map((d) => (Object.is(d, -0) ? 0 : d)), // -0 is normalised: see below
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }).filter((b) => b < -(2n ** 53n) || b > 2n ** 53n),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 5 }),
  ),
})).value as fc.Arbitrary<CborValue>;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof CodecError ? err.code : `untyped: ${String(err)}`;
  }
  return undefined;
}

describe('codec', () => {
  it('decode(encode(x)) = x for every value', () => {
    fc.assert(
      fc.property(cborValue, (v) => {
        const bytes = encode(v);
        const back = decode(bytes);
        expect(equalBytes(encode(back), bytes)).toBe(true);
        expect(back).toEqual(v); // structural (fast-check may build null-prototype maps)
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary bytes decode to a canonical value or a typed error, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        let value: CborValue;
        try {
          value = decode(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CodecError);
          return;
        }
        expect(toHex(encode(value))).toBe(toHex(bytes));
      }),
      { numRuns: 20_000 },
    );
  });

  it('is canonical: map keys sorted, minimal integers, same value same bytes', () => {
    expect(toHex(encode({ b: 1, a: 2 }))).toBe(toHex(encode({ a: 2, b: 1 })));
    expect(toHex(encode({ b: 1, a: 2 }))).toBe('a2616102616201');
    expect(codeOf(() => decode(fromHex('a2616201616102')))).toBe('CODEC_NON_CANONICAL'); // unsorted keys
    expect(codeOf(() => decode(fromHex('1801')))).toBe('CODEC_MALFORMED'); // 1 in two bytes
    expect(codeOf(() => decode(fromHex('9f01ff')))).toBe('CODEC_MALFORMED'); // indefinite array
    expect(codeOf(() => decode(fromHex('f7')))).toBe('CODEC_MALFORMED'); // undefined
    expect(codeOf(() => decode(fromHex('c11a514b67b0')))).toBe('CODEC_MALFORMED'); // tag 1
    expect(codeOf(() => decode(fromHex('0102')))).toBe('CODEC_MALFORMED'); // trailing bytes
    expect(codeOf(() => decode(new Uint8Array()))).toBe('CODEC_EMPTY');
  });

  it('checks the size cap before parsing: N accepted, N+1 rejected', () => {
    const bytes = encode(new Uint8Array(100)); // 2-byte header + 100
    expect(bytes.length).toBe(102);
    expect(codeOf(() => decode(bytes, 102))).toBeUndefined();
    expect(codeOf(() => decode(bytes, 101))).toBe('CODEC_TOO_LARGE');
    // a huge claimed length in a tiny input is rejected without allocating it
    expect(codeOf(() => decode(fromHex('5bffffffffffffffff')))).toBe('CODEC_MALFORMED');
  });

  it('caps nesting depth: MAX_DEPTH accepted, MAX_DEPTH + 1 rejected', () => {
    const nested = (depth: number): Uint8Array => {
      const out = new Uint8Array(depth + 1).fill(0x81);
      out[depth] = 0x00;
      return out;
    };
    expect(codeOf(() => decode(nested(MAX_DEPTH)))).toBeUndefined();
    expect(codeOf(() => decode(nested(MAX_DEPTH + 1)))).toBe('CODEC_TOO_DEEP');
    expect(codeOf(() => decode(new Uint8Array(200_000).fill(0x81)))).toBe('CODEC_TOO_DEEP');
    // wide but shallow is fine
    expect(codeOf(() => decode(encode([[1], [2], [[3]], [4]])))).toBeUndefined();
  });

  it('decoded byte strings are plain Uint8Arrays that never alias the input', () => {
    const input = Buffer.from(encode({ b: new Uint8Array([1, 2, 3]) }));
    const value = decode(input) as { b: Uint8Array };
    expect(value.b.constructor).toBe(Uint8Array);
    input.fill(0);
    expect([...value.b]).toEqual([1, 2, 3]);
    expect(encode(5).constructor).toBe(Uint8Array);
  });

  it('normalises -0 to 0 (one encoding per value class; no sign-of-zero in consensus data)', () => {
    expect(toHex(encode(-0))).toBe(toHex(encode(0)));
    expect(Object.is(decode(encode(-0)), 0)).toBe(true);
  });

  it('reads unsigned integers in both representations', () => {
    expect(readBigUint(decode(encode(5)), 'x')).toBe(5n);
    expect(readBigUint(decode(encode(2n ** 64n - 1n)), 'x')).toBe(2n ** 64n - 1n);
    expect(codeOf(() => readUint(-1, 'x'))).toBe('CODEC_MALFORMED');
    expect(codeOf(() => readUint(1.5, 'x'))).toBe('CODEC_MALFORMED');
  });
});
