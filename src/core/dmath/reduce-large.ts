/**
 * Exact argument reduction modulo pi/2 for huge arguments (|x| > 2^20), Payne-Hanek style, in
 * BigInt arithmetic.
 *
 * Why this exists: the Cody-Waite reduction in sin-cos.ts needs n * (pi/2 part) to be exact,
 * which holds only while n = round(x * 2/pi) has at most 20 bits. Beyond that, instead of
 * throwing or returning a silently inaccurate value, we multiply the exact integer significand
 * of x by a long, exact binary expansion of 2/pi. Everything here is integer arithmetic
 * (BigInt: exact, specified bit for bit by ECMAScript) plus exact conversions, so the result is
 * as deterministic as the fast path and accurate over the whole double range.
 *
 * Where the digits of pi come from: they are computed here, once, on first use, with Machin's
 * formula pi = 16 atan(1/5) - 4 atan(1/239) (John Machin, 1706) in fixed-point BigInt. No table
 * is copied; the test suite checks the result against published hex digits of pi (the Blowfish
 * P-array) and of 2/pi (fdlibm's two_over_pi table).
 *
 * Error budget: x = M * 2^e with M < 2^53 and e <= 971. With 2/pi truncated to TWO_OVER_PI_BITS
 * = 1171 fraction bits, x * 2/pi is known to within M * 2^(e - 1171) <= 2^(53 - 200) = 2^-147
 * in units of quadrants. The smallest remainder any double can leave is about 2^-61 of a quadrant
 * (Muller, "Elementary Functions", chapter 11), so the remainder keeps at least 85 correct bits,
 * far more than the 2 x 53 bits of the (hi, lo) pair we return.
 */
import { highWord, lowWord, pow2 } from './float-bits.js';

/** Fraction bits of 2/pi kept: 971 (largest exponent of an integer-valued double) + 200. */
export const TWO_OVER_PI_BITS = 1171;
/** Fraction bits of pi/2 used to turn the quadrant fraction back into radians. */
export const PIO2_BITS = 160;
/** Fraction bits of the remainder before it is rounded to a (hi, lo) pair of doubles. */
const REMAINDER_BITS = 200;
/** Fixed-point precision of the Machin computation: 100 guard bits above the largest need. */
const PI_BITS = TWO_OVER_PI_BITS + 100;

export interface LargeReduction {
  /** round(x * 2/pi) mod 4, in 0..3. */
  readonly quadrant: number;
  /** x - round(x * 2/pi) * pi/2 as an unevaluated sum hi + lo, |hi| <= pi/4, |lo| <= ulp(hi)/2. */
  readonly hi: number;
  readonly lo: number;
}

export interface ReductionConstants {
  /** floor-ish(2/pi * 2^TWO_OVER_PI_BITS) (within a unit of the true value). */
  readonly twoOverPi: bigint;
  /** floor-ish(pi/2 * 2^PIO2_BITS). */
  readonly pio2: bigint;
  /** pi * 2^PI_BITS from Machin's formula (within a few thousand units: 100 guard bits). */
  readonly pi: bigint;
  readonly piBits: number;
}

let cached: ReductionConstants | undefined;

/** atan(1/k) * 2^bits by its alternating Taylor series, truncating each term (error < terms). */
function atanInverse(k: bigint, bits: number): bigint {
  const k2 = k * k;
  let power = (1n << BigInt(bits)) / k; // 2^bits / k^(2i+1)
  let sum = power;
  let i = 1n;
  while (power !== 0n) {
    power /= k2;
    const term = power / (2n * i + 1n);
    sum = i % 2n === 1n ? sum - term : sum + term;
    i += 1n;
  }
  return sum;
}

/** The long constants, computed on first use (about a millisecond) and then kept. */
export function reductionConstants(): ReductionConstants {
  if (cached !== undefined) return cached;
  const pi = 16n * atanInverse(5n, PI_BITS) - 4n * atanInverse(239n, PI_BITS);
  // 2/pi * 2^B = 2^(B + 1 + PI_BITS) / (pi * 2^PI_BITS).
  const twoOverPi = (1n << BigInt(TWO_OVER_PI_BITS + 1 + PI_BITS)) / pi;
  // pi/2 * 2^P = (pi * 2^PI_BITS) >> (PI_BITS - P + 1).
  const pio2 = pi >> BigInt(PI_BITS - PIO2_BITS + 1);
  cached = { twoOverPi, pio2, pi, piBits: PI_BITS };
  return cached;
}

/**
 * Reduce a finite ax >= 2^20 (normal, positive) modulo pi/2. The caller guarantees the range;
 * for smaller arguments the Cody-Waite path is both exact and much faster.
 */
export function reduceLarge(ax: number): LargeReduction {
  const { twoOverPi, pio2 } = reductionConstants();
  const hw = highWord(ax);
  // ax = M * 2^e exactly, M the 53-bit integer significand (implicit bit restored).
  const e = (hw >>> 20) - 1075;
  const m = (BigInt((hw & 0xfffff) | 0x100000) << 32n) | BigInt(lowWord(ax));
  // ax * 2/pi = m * twoOverPi * 2^-(B - e), with s = B - e >= 200 fraction bits.
  const s = BigInt(TWO_OVER_PI_BITS - e);
  const product = m * twoOverPi;
  let q = product >> s;
  let f = product - (q << s); // fraction of a quadrant, in [0, 2^s)
  if (f >= 1n << (s - 1n)) {
    // Round to the nearest quadrant so the remainder lies in [-pi/4, pi/4].
    q += 1n;
    f -= 1n << s;
  }
  // Remainder in radians: f * pio2 * 2^-(s + P), cut to REMAINDER_BITS fraction bits (floor).
  const r = (f * pio2) >> (s + BigInt(PIO2_BITS - REMAINDER_BITS));
  // Split into two doubles: Number() rounds a BigInt to nearest, the difference is exact.
  const hiScaled = Number(r);
  const loScaled = Number(r - BigInt(hiScaled));
  const scale = pow2(-REMAINDER_BITS); // results stay far above the subnormal range: exact
  return { quadrant: Number(q & 3n), hi: hiScaled * scale, lo: loScaled * scale };
}
