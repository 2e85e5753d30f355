/**
 * Bit-exact sin, cos and sincos.
 *
 * Method (the classic fdlibm design, Sun Microsystems 1993, re-derived and written here):
 *   1. Symmetry: sin(-x) = -sin(x), cos(-x) = cos(x). We work on |x| and restore the sign at
 *      the end, so oddness and evenness hold exactly, bit for bit.
 *   2. Range reduction: |x| = n * pi/2 + r, |r| <= ~pi/4, with r carried as a pair hi + lo of
 *      doubles (lo is the rounding tail of hi).
 *      - |x| <= pi/4: n = 0, r = |x| (no work).
 *      - |x| <= 2^20: Cody-Waite. pi/2 is split into three parts with at most 33 significant bits
 *        (PIO2_1, PIO2_2, PIO2_3) plus a full-precision tail PIO2_3T, so that n * PIO2_k is
 *        exact for every n < 2^20. The subtractions are done with error-free transformations
 *        (TwoSum), so the reduced argument is good to well over 100 bits even when x is very
 *        close to a multiple of pi/2 (the tail term is what makes those cases accurate).
 *      - |x| > 2^20: exact Payne-Hanek reduction in BigInt (reduce-large.ts). Slower (a few
 *        microseconds), equally deterministic, equally accurate.
 *   3. Kernels on [-pi/4, pi/4]: fdlibm's __kernel_sin / __kernel_cos polynomials (degree 13
 *      and 14), with the correction terms for the tail lo.
 *   4. Quadrant n mod 4 picks +-sin or +-cos of r.
 *
 * Determinism: every step is an IEEE-754 double + - * (correctly rounded in every conforming
 * engine; JavaScript has no FMA contraction and no extended precision), Math.floor/abs, integer
 * and BigInt arithmetic. Each polynomial is evaluated in one fixed Horner order.
 *
 * Special values: sin(+-0) = +-0, cos(+-0) = 1, sin/cos(+-Infinity) = NaN, NaN -> NaN.
 */
import { reduceLarge } from './reduce-large.js';

/** pi rounded to the nearest double (0x400921FB54442D18). */
export const PI = 3.141592653589793;
/** 2*pi rounded to the nearest double (0x401921FB54442D18; exactly 2 * PI). */
export const TWO_PI = 6.283185307179586;
/** pi/2 rounded to the nearest double (0x3FF921FB54442D18; exactly PI / 2). */
export const HALF_PI = 1.5707963267948966;

// Kernel coefficients, fdlibm 5.3 k_sin.c: minimax for sin(x)/x on [-pi/4, pi/4] with
// |sin(x)/x - (1 + S1 x^2 + ... + S6 x^12)| <= 2^-58.
const S1 = -1.66666666666666324348e-1; // 0xBFC55555 55555549
const S2 = 8.33333333332248946124e-3; //  0x3F811111 1110F8A6
const S3 = -1.98412698298579493134e-4; // 0xBF2A01A0 19C161D5
const S4 = 2.75573137070700676789e-6; //  0x3EC71DE3 57B1FE7D
const S5 = -2.50507602534068634195e-8; // 0xBE5AE5E6 8A2B9CEB
const S6 = 1.58969099521155010221e-10; // 0x3DE5D93A 5ACFD57C

// Kernel coefficients, fdlibm 5.3 k_cos.c: minimax on [-pi/4, pi/4] with
// |cos(x) - (1 - x^2/2 + C1 x^4 + ... + C6 x^14)| <= 2^-58.
const C1 = 4.16666666666666019037e-2; //   0x3FA55555 5555554C
const C2 = -1.38888888888741095749e-3; //  0xBF56C16C 16C15177
const C3 = 2.48015872894767294178e-5; //   0x3EFA01A0 19CB1590
const C4 = -2.75573143513906633035e-7; //  0xBE927E4F 809C52AD
const C5 = 2.08757232129817482790e-9; //   0x3E21EE9E BDB4B1C4
const C6 = -1.13596475577881948265e-11; // 0xBDA8FAE9 BE8838D4

// Cody-Waite constants, fdlibm e_rem_pio2.c.
const INV_PIO2 = 6.36619772367581382433e-1; // 0x3FE45F30 6DC9C883: 2/pi rounded
const PIO2_1 = 1.57079632673412561417; //        0x3FF921FB 54400000: leading bits of pi/2
const PIO2_2 = 6.0771005063039659766e-11; //     0x3DD0B461 1A600000: next bits
const PIO2_3 = 2.0222662487111664558e-21; //     0x3BA3198A 2E000000: next bits
const PIO2_3T = 8.47842766036889956997e-32; //   0x397B839A 252049C1: pi/2 - (PIO2_1+PIO2_2+PIO2_3)

/** Below 2^-27, sin(x) rounds to x and cos(x) to 1 (x^2/6 and x^2/2 are under half an ulp). */
const TINY = 7.450580596923828e-9; // 2^-27
/** pi/4 rounded to nearest (0x3FE921FB54442D18): up to here no reduction is needed. */
const PIO4 = 0.7853981633974483;
/** Largest |x| for the Cody-Waite path: n = round(|x| * 2/pi) < 2^20 keeps n * PIO2_k exact. */
const CODY_WAITE_LIMIT = 1048576; // 2^20

// The reduced argument of the last `reduce` call. Module state instead of a returned object so
// that the hot path allocates nothing; every public function reads it right after writing it.
let redHi = 0;
let redLo = 0;

/** Reduce ax (finite, >= 0) modulo pi/2: returns n mod 4, leaves r in redHi + redLo. */
function reduce(ax: number): number {
  if (ax <= PIO4) {
    redHi = ax;
    redLo = 0;
    return 0;
  }
  if (ax <= CODY_WAITE_LIMIT) {
    const n = Math.floor(ax * INV_PIO2 + 0.5);
    // Exact: n * PIO2_1 is exact (<= 53 bits) and ax is within a factor 2 of it (Sterbenz).
    const a = ax - n * PIO2_1;
    // a - n*PIO2_2 with its exact rounding error (Knuth's TwoSum, valid for any ordering).
    const b = n * PIO2_2;
    const s1 = a - b;
    const bb1 = s1 - a;
    const e1 = (a - (s1 - bb1)) + (-b - bb1);
    // s1 - n*PIO2_3, again with its exact error.
    const c = n * PIO2_3;
    const s2 = s1 - c;
    const bb2 = s2 - s1;
    const e2 = (s1 - (s2 - bb2)) + (-c - bb2);
    // Everything below s2's last bit, then renormalise (Fast2Sum: |s2| >= |t|).
    const t = (e1 + e2) - n * PIO2_3T;
    const hi = s2 + t;
    redHi = hi;
    redLo = t - (hi - s2);
    return n % 4;
  }
  const big = reduceLarge(ax);
  redHi = big.hi;
  redLo = big.lo;
  return big.quadrant;
}

/** sin(x + y) for |x + y| <= ~pi/4, y the tail of x (fdlibm __kernel_sin). */
function kernelSin(x: number, y: number): number {
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (y === 0) return x + v * (S1 + z * r);
  // sin(x + y) ~ sin(x) + y cos(x) ~ x + x^3 (S1 + z r) + y (1 - x^2/2), regrouped so that the
  // small terms are summed first.
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/**
 * cos(x + y) for |x + y| <= ~pi/4 (fdlibm __kernel_cos, in the later FreeBSD form by Bruce
 * Evans): 1 - x^2/2 is formed as w = 1 - hz plus its exact rounding error ((1 - w) - hz), which
 * keeps the error below 1 ulp without fdlibm 5.3's case split at |x| = 0.3.
 */
function kernelCos(x: number, y: number): number {
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  const hz = 0.5 * z;
  const w = 1 - hz;
  return w + (((1 - w) - hz) + (z * r - x * y));
}

/** sin(|x|) from the quadrant and the reduced argument in redHi + redLo. */
function sinOfReduced(n: number): number {
  switch (n) {
    case 0:
      return kernelSin(redHi, redLo);
    case 1:
      return kernelCos(redHi, redLo);
    case 2:
      return -kernelSin(redHi, redLo);
    default:
      return -kernelCos(redHi, redLo);
  }
}

/** cos(|x|) from the quadrant and the reduced argument in redHi + redLo. */
function cosOfReduced(n: number): number {
  switch (n) {
    case 0:
      return kernelCos(redHi, redLo);
    case 1:
      return -kernelSin(redHi, redLo);
    case 2:
      return -kernelCos(redHi, redLo);
    default:
      return kernelSin(redHi, redLo);
  }
}

/** Deterministic sine of any double; measured within 1 ulp of V8's Math.sin (docs/DMATH.md). */
export function sin(x: number): number {
  const ax = Math.abs(x);
  if (ax < TINY) return x; // also returns +-0 unchanged
  if (!(ax < Infinity)) return NaN; // +-Infinity and NaN
  const s = sinOfReduced(reduce(ax));
  return x < 0 ? -s : s;
}

/** Deterministic cosine of any double; measured within 1 ulp of V8's Math.cos (docs/DMATH.md). */
export function cos(x: number): number {
  const ax = Math.abs(x);
  if (ax < TINY) return 1;
  if (!(ax < Infinity)) return NaN;
  return cosOfReduced(reduce(ax));
}

/**
 * sin(x) and cos(x) with one range reduction: writes sin(x) to out[index] and cos(x) to
 * out[index + 1]. Bit-identical to calling sin and cos separately (same reduction, same kernels,
 * same sign handling), which the tests check.
 */
export function sincos(x: number, out: Float64Array, index = 0): void {
  const ax = Math.abs(x);
  if (ax < TINY) {
    out[index] = x;
    out[index + 1] = 1;
    return;
  }
  if (!(ax < Infinity)) {
    out[index] = NaN;
    out[index + 1] = NaN;
    return;
  }
  const n = reduce(ax);
  const s = sinOfReduced(n);
  out[index] = x < 0 ? -s : s;
  out[index + 1] = cosOfReduced(n);
}
