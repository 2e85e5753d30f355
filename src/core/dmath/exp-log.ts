/**
 * Bit-exact exp and log.
 *
 * Both follow the method of fdlibm 5.3 (Sun Microsystems, 1993: e_exp.c, e_log.c); the
 * constants are its published values (bit patterns in the comments), the code is written for
 * this module. Only + - * / on doubles, Math.abs / Math.round, integer operations and exact
 * reads of a double's bits (./float-bits.ts) are used, so every conforming JS engine returns
 * the same bits. Every polynomial is evaluated in one fixed Horner order.
 */
import { highWord, pow2 } from './float-bits.js';

/** ln 2 rounded to the nearest double (0x3FE62E42 FEFA39EF). */
export const LN2 = 0.6931471805599453;

// ln2 split in two (fdlibm ln2_hi / ln2_lo): LN2_HI has 32 significant bits (low 21 bits zero),
// so k * LN2_HI is exact for |k| < 2^21; LN2_LO = ln2 - LN2_HI rounded.
const LN2_HI = 6.9314718036912381649e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2 = 1.442695040888963387; // 0x3FF71547 652B82FE, 1/ln2 rounded

/**
 * POW2[k + 1074] = 2^k for -1074 <= k <= 1023, every power of two a double can hold, built
 * once from bits (exact). A table lookup is several times faster than writing the bits of 2^k
 * through a DataView on every call, and just as exact.
 */
const POW2 = Float64Array.from({ length: 2098 }, (_, i) => pow2(i - 1074));

/** 2^k for an integer -1074 <= k <= 1023. */
function twoTo(k: number): number {
  return POW2[k + 1074]!;
}

// ---------------------------------------------------------------------------------------------
// exp
// ---------------------------------------------------------------------------------------------

// Remez coefficients of R(t) ~ r (e^r + 1) / (e^r - 1) - 2 = P1 t + ... + P5 t^5, t = r^2,
// on [0, 0.34658^2]; |error| < 2^-59 (fdlibm e_exp.c).
const P1 = 1.66666666666666019037e-1; //  0x3FC55555 5555553E
const P2 = -2.77777777770155933842e-3; // 0xBF66C16C 16BEBD93
const P3 = 6.61375632143793436117e-5; //  0x3F11566A AF25DE2C
const P4 = -1.6533902205465251539e-6; //  0xBEBBBD41 C5D26BF1
const P5 = 4.13813679705723846039e-8; //  0x3E663769 72BEA4D0

// exp(x) overflows above O_THRESHOLD (0x40862E42 FEFA39EF, ln of the largest double) and
// rounds to 0 below U_THRESHOLD (0xC0874910 D52D3051, ln of half the smallest subnormal):
// fdlibm o_threshold / u_threshold.
const O_THRESHOLD = 7.09782712893383973096e2;
const U_THRESHOLD = -7.4513321910194110842e2;
const HALF_LN2 = 3.46573590279972654709e-1; // 0x3FD62E42 FEFA39EF, ln2 / 2
const EXP_TINY = 3.7252902984619140625e-9; // 2^-28: below it exp(x) rounds to 1 + x
const E = 2.718281828459045; // e rounded to the nearest double (0x4005BF0A 8B145769)

/**
 * Deterministic e^x.
 *
 * 1. x = k ln2 + r, |r| <= ln2/2, k = round(x / ln2); r = hi - lo with hi = x - k LN2_HI
 *    (exact: k LN2_HI is exact and within a factor 2 of x) and lo = k LN2_LO, so r carries
 *    about 85 bits of k ln2.
 * 2. With t = r^2 and c = r - t R(t): e^r = 1 + r + r c / (2 - c), evaluated as
 *    1 - ((lo - r c / (2 - c)) - hi) so that the low part of r is not lost.
 * 3. e^x = 2^k e^r with 2^k exact. For k = 1024 the scaling is split as 2 * 2^1023; for
 *    k < -1021 (results that may be subnormal) as (y 2^(k+1000)) 2^-1000, where the first product
 *    is exact and the second is the one and only rounding.
 */
export function exp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > O_THRESHOLD) return Infinity; // includes +Infinity
  if (x < U_THRESHOLD) return 0; // includes -Infinity
  const ax = Math.abs(x);
  if (ax < EXP_TINY) return 1 + x;
  // The general path lands one ulp above e at x = 1; return the correctly rounded e there, so
  // that exp(1) === Math.E (the value ECMAScript requires of Math.E).
  if (x === 1) return E;

  let k = 0;
  let hi = x;
  let lo = 0;
  if (ax > HALF_LN2) {
    // `| 0` turns the -0 that Math.round gives for [-0.5, 0) into 0; |k| <= 1075 fits an int32.
    k = Math.round(x * INV_LN2) | 0;
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
  }
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((r * c) / (c - 2) - r);
  const y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  if (k > 1023) return y * 2 * twoTo(1023);
  if (k < -1021) return y * twoTo(k + 1000) * twoTo(-1000);
  return y * twoTo(k);
}

// ---------------------------------------------------------------------------------------------
// log
// ---------------------------------------------------------------------------------------------

// Remez coefficients of R(z) ~ Lg1 z + ... + Lg7 z^7, z = s^2, s = f / (2 + f), approximating
// log(1+f) = 2s + 2s^3/3 + ... = 2s + s R(z); |error| < 2^-58.45 on [0, 0.1716^2]
// (fdlibm e_log.c). fdlibm sums R as two interleaved halves; we use one Horner chain.
const LG1 = 6.66666666666673513e-1; //  0x3FE55555 55555593
const LG2 = 3.999999999940941908e-1; // 0x3FD99999 9997FA04
const LG3 = 2.857142874366239149e-1; // 0x3FD24924 94229359
const LG4 = 2.222219843214978396e-1; // 0x3FCC71C5 1D8E78AF
const LG5 = 1.818357216161805012e-1; // 0x3FC74664 96CB03DE
const LG6 = 1.531383769920937332e-1; // 0x3FC39A09 D078C69F
const LG7 = 1.479819860511658591e-1; // 0x3FC2F112 DF3E5244

const MIN_NORMAL = 2.2250738585072014e-308; // 2^-1022
const TWO_P54 = 18014398509481984; // 2^54: lifts a subnormal into the normal range exactly
// The top 20 fraction bits of sqrt(2) (0x3FF6A09E 667F3BCD): a significand whose top fraction
// bits are at least this is halved (and k incremented), so m lies in about [sqrt(2)/2, sqrt(2)).
const SQRT2_FRACTION_HIGH = 0x6a09e;

/**
 * Deterministic natural logarithm.
 *
 * 1. x = 2^k m with m in about [sqrt(2)/2, sqrt(2)): k from the exponent bits (subnormals are
 *    first scaled by 2^54), m = x 2^-k, exact. f = m - 1 is exact (Sterbenz).
 * 2. s = f / (2 + f), hfsq = f^2 / 2, log(1 + f) = f - hfsq + s (hfsq + R(s^2)).
 * 3. log(x) = k ln2_hi - ((hfsq - (s (hfsq + R) + k ln2_lo)) - f), adding the exact k ln2_hi
 *    last. log(1) takes the f = 0 path and is exactly +0.
 * log(x < 0) = NaN, log(+-0) = -Infinity, log(+Infinity) = +Infinity, log(NaN) = NaN.
 */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;

  let k = 0;
  let v = x;
  if (v < MIN_NORMAL) {
    v *= TWO_P54;
    k = -54;
  }
  const hx = highWord(v);
  const e = (hx >>> 20) - 1023; // v in [2^e, 2^(e+1)), -1022 <= e <= 1023
  const half = (hx & 0xfffff) >= SQRT2_FRACTION_HIGH ? 1 : 0;
  // m = v 2^-(e + half) in about [0.7071, 1.4142): exact (a normal result of a power-of-two
  // scaling), even when 2^-1024 itself is subnormal.
  const m = v * twoTo(-(e + half));
  k += e + half;
  const f = m - 1;
  if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;

  const s = f / (2 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  const hfsq = 0.5 * f * f;
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
}
