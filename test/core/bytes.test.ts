import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bigIntToBytes,
  bytesToBigInt,
  compareBytes,
  concatBytes,
  equalBytes,
  f64be,
  fromHex,
  fromHexExact,
  readU32be,
  toHex,
  u32be,
  u64be,
} from '../../src/core/bytes.js';
import { isThermoError } from '../../src/core/errors.js';

describe('bytes', () => {
  it('round-trips hex', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => equalBytes(fromHex(toHex(b)), b)));
    expect(toHex(fromHex('0xDEADbeef'))).toBe('deadbeef');
  });

  it('rejects bad hex with typed errors', () => {
    for (const [input, code] of [
      ['abc', 'BYTES_INVALID_HEX'],
      ['zz', 'BYTES_INVALID_HEX'],
    ] as const) {
      try {
        fromHex(input);
        expect.unreachable();
      } catch (err) {
        expect(isThermoError(err, code)).toBe(true);
      }
    }
    expect(() => fromHexExact('00', 2)).toThrow();
  });

  it('encodes fixed-width integers big-endian', () => {
    expect(toHex(u32be(0x01020304))).toBe('01020304');
    expect(readU32be(fromHex('ff000001'))).toBe(0xff000001);
    expect(toHex(u64be(2n ** 64n - 1n))).toBe('ffffffffffffffff');
    expect(toHex(f64be(1))).toBe('3ff0000000000000');
    expect(toHex(bigIntToBytes(258n, 4))).toBe('00000102');
    expect(bytesToBigInt(fromHex('0102'))).toBe(258n);
    expect(() => bigIntToBytes(256n, 1)).toThrow();
  });

  it('orders bytes lexicographically', () => {
    expect(compareBytes(fromHex('01'), fromHex('0100'))).toBe(-1);
    expect(compareBytes(fromHex('02'), fromHex('0100'))).toBe(1);
    expect(compareBytes(fromHex('0102'), fromHex('0102'))).toBe(0);
    expect(toHex(concatBytes(fromHex('01'), fromHex(''), fromHex('0203')))).toBe('010203');
  });
});
