/**
 * Reading and writing the IEEE-754 bits of a double, exactly.
 *
 * Why a DataView with explicit big-endian offsets (and not a Float64Array aliased by a
 * Uint32Array): the word order of aliased typed arrays follows the platform's endianness, a
 * DataView's does not, so these helpers mean the same thing on every machine. Every helper here
 * is exact: no rounding happens anywhere in this file.
 *
 * NaN payloads are the one thing the bits of a double do not pin down: ECMAScript lets an engine
 * write any NaN pattern through setFloat64. Callers that compare bits treat every NaN as one
 * value (see `bitsHex`).
 */

const scratch = new DataView(new ArrayBuffer(8));

/** The high 32 bits (sign, 11-bit exponent, top 20 fraction bits) as an unsigned integer. */
export function highWord(x: number): number {
  scratch.setFloat64(0, x);
  return scratch.getUint32(0);
}

/** The low 32 fraction bits as an unsigned integer. */
export function lowWord(x: number): number {
  scratch.setFloat64(0, x);
  return scratch.getUint32(4);
}

/** The double whose bits are `hi:lo` (both taken as unsigned 32-bit words). */
export function fromWords(hi: number, lo: number): number {
  scratch.setUint32(0, hi >>> 0);
  scratch.setUint32(4, lo >>> 0);
  return scratch.getFloat64(0);
}

/** The biased exponent field (0 for zero and subnormals, 2047 for Inf and NaN). */
export function biasedExponent(x: number): number {
  return (highWord(x) >>> 20) & 0x7ff;
}

/**
 * 2^k built directly from its bits, for integers -1074 <= k <= 1023 (normal and subnormal
 * powers of two are all exactly representable). Outside that range it returns NaN rather than
 * a wrong value; callers split larger scalings into two steps.
 */
export function pow2(k: number): number {
  if (!Number.isInteger(k) || k > 1023 || k < -1074) return NaN;
  if (k >= -1022) return fromWords((k + 1023) << 20, 0);
  // Subnormal power of two: a single fraction bit, at position k + 1074 of the 52. Built with a
  // shift (not `2 ** bit`) so that only integer operations are involved.
  const bit = k + 1074;
  return bit >= 32 ? fromWords(1 << (bit - 32), 0) : fromWords(0, 1 << bit);
}

/** The 16 lowercase hex digits of the bits of `x`; every NaN is written "nan". */
export function bitsHex(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  return highWord(x).toString(16).padStart(8, '0') + lowWord(x).toString(16).padStart(8, '0');
}

/** The double with the given 16 hex digits of bits ("nan" gives NaN; malformed input too). */
export function fromBitsHex(hex: string): number {
  if (hex === 'nan') return NaN;
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) return NaN;
  return fromWords(parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8), 16));
}

/**
 * Distance in units in the last place between two doubles: how many representable doubles
 * lie between them, counting across zero (+0 and -0 are the same point). Two NaNs are 0 apart,
 * a NaN and a number are Infinity apart; equal infinities are 0 apart.
 *
 * The distance is exact up to 2^53; beyond that it is a large approximate number, which is
 * all an error check needs.
 */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const ka = orderedKey(a);
  const kb = orderedKey(b);
  // Split into high and low words so the subtraction stays exact for nearby values.
  const dHi = ka.hi - kb.hi;
  const dLo = ka.lo - kb.lo;
  return Math.abs(dHi * 4294967296 + dLo);
}

/** The magnitude bits as (hi, lo), negated for negative numbers: monotone in the value. */
function orderedKey(x: number): { hi: number; lo: number } {
  const hi = highWord(x);
  const lo = lowWord(x);
  const magHi = hi & 0x7fffffff;
  return hi >>> 31 === 1 ? { hi: -magHi, lo: -lo } : { hi: magHi, lo };
}
