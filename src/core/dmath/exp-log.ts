/**
 * Bit-exact exp and log.
 *
 * Both follow fdlibm 5.3 (Sun Microsystems, 1993: e_exp.c, e_log.c); the constants are its
 * published values (bit patterns in the comments), the code is written for this module.
 * Only + - * / on doubles, Math.abs / Math.round, and exact reads and writes of a double's bits
 * (./float-bits.ts) are used, so every conforming JS engine returns the same bits.
 */
import { fromWords, highWord, lowWord, pow2 } from './float-bits.js';

// ln2 split in two: LN2_HI has 32 significant bits (low 21 bits zero), so k * LN2_HI is exact
// for |k| < 2^21; LN2_LO = ln2 - LN2_HI rounded.
const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2 = 1.44269504088896338700e0; // 0x3FF71547 652B82FE

/** ln 2 rounded to the nearest double (0x3FE62E42 FEFA39EF). */
export const LN2 = 0.6931471805599453;

// ---------------------------------------------------------------------------------------------
// exp
// ---------------------------------------------------------------------------------------------

// Remez coefficients of R(t) ~ r (e^r + 1) / (e^r - 1) - 2 = P1 t + ... + P5 t^5, t = r^2,
// on [0, 0.34658^2]; |error| < 2^-59 (fdlibm e_exp.c).
const P1 = 1.66666666666666019037e-1; // 0x3FC55555 5555553E
const P2 = -2.77777777770155933842e-3; // 0xBF66C16C 16BEBD93
const P3 = 6.61375632143793436117e-5; // 0x3F11566A AF25DE2C
const P4 = -1.65339022054652515390e-6; // 0xBEBBBD41 C5D26BF1
const P5 = 4.13813679705723846039e-8; // 0x3E663769 72BEA4D0

// exp(x) overflows above O_THRESHOLD (0x40862E42 FEFA39EF) and is below half the smallest
// subnormal under U_THRESHOLD (0xC0874910 D52D3051): fdlibm o_threshold / u_threshold.
const O_THRESHOLD = 7.09782712893383973096e2;
const U_THRESHOLD = -7.45133219101941108420e2;
const HALF_LN2 = 3.46573590279972654709e-1; // 0x3FD62E42 FEFA39EF, ln2 / 2
const EXP_TINY = 3.7252902984619140625e-9; // 2^-28: below it exp(x) rounds to 1 + x
const TWO_M1000 = pow2(-1000);
const E = 2.718281828459045; // e rounded to the nearest double (0x4005BF0A 8B145769)
const TWO_P1023 = pow2(1023);

/**
 * Deterministic e^x.
 *
 * 1. x = k ln2 + r, |r| <= ln2/2, k = round(x / ln2); r = hi - lo with hi = x - k LN2_HI
 *    (exact) and lo = k LN2_LO, so r carries about 85 bits of k ln2.
 * 2. With c = r - t R(t), t = r^2: e^r = 1 + r + r c / (2 - c), evaluated as
 *    1 - ((lo - r c / (2 - c)) - hi) to keep the low part of r.
 * 3. e^x = 2^k e^r, 2^k built from its bits. For k = 1024 the scaling is split as 2 * 2^1023;
 *    for k < -1021 (subnormal or underflowing results) as 2^(k+1000) * 2^-1000, where the first
 *    product is exact and the second is the one and only rounding.
 */
export function exp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > O_THRESHOLD) return Infinity; // includes +Infinity
  if (x < U_THRESHOLD) return 0; // includes -Infinity
  const ax = Math.abs(x);
  if (ax < EXP_TINY) return 1 + x;
  // The general path lands one ulp above e at x = 1; return the correctly rounded e there so
  // that exp(1) === Math.E (V8's fdlibm port has the same special case).
  if (x === 1) return E;

  let k = 0;
  let hi = x;
  let lo = 0;
  if (ax > HALF_LN2) {
    // | 0 turns a -0 from Math.round into 0; |k| <= 1075 fits an int32.
    k = Math.round(x * INV_LN2) | 0;
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
  }
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((r * c) / (c - 2) - r);
  const y = 1 - ((lo - (r * c) / (2 - c)) - hi);
  if (k > 1023) return y * 2 * TWO_P1023;
  if (k < -1021) return y * fromWords((k + 1000 + 1023) << 20, 0) * TWO_M1000;
  return y * fromWords((k + 1023) << 20, 0);
}

// ---------------------------------------------------------------------------------------------
// log
// ---------------------------------------------------------------------------------------------

// Remez coefficients of R(z) ~ Lg1 z + ... + Lg7 z^7, z = s^2, s = f / (2 + f), approximating
// log(1+f) = 2s + 2s^3/3 + ... = 2s + s R(z); |error| < 2^-58.45 on [0, 0.1716^2]
// (fdlibm e_log.c).
const LG1 = 6.666666666666735130e-1; // 0x3FE55555 55555593
const LG2 = 3.999999999940941908e-1; // 0x3FD99999 9997FA04
const LG3 = 2.857142874366239149e-1; // 0x3FD24924 94229359
const LG4 = 2.222219843214978396e-1; // 0x3FCC71C5 1D8E78AF
const LG5 = 1.818357216161805012e-1; // 0x3FC74664 96CB03DE
const LG6 = 1.531383769920937332e-1; // 0x3FC39A09 D078C69F
const LG7 = 1.479819860511658591e-1; // 0x3FC2F112 DF3E5244

const MIN_NORMAL = 2.2250738585072014e-308; // 2^-1022
const TWO_P54 = 18014398509481984; // 2^54: lifts a subnormal into the normal range exactly
// The top 20 fraction bits of sqrt(2) (0x3FF6A09E 667F3BCD): mantissas from here up are halved
// (and k incremented) so that m lies in about [sqrt(2)/2, sqrt(2)).
const SQRT2_FRACTION_HIGH = 0x6a09e;

/**
 * Deterministic natural logarithm.
 *
 * 1. x = 2^k m with m in [sqrt(2)/2, sqrt(2)) (subnormals are first scaled by 2^54), read and
 *    written through the bits; f = m - 1 is exact (Sterbenz).
 * 2. s = f / (2 + f), log(1 + f) = f - hfsq + s (hfsq + R(s^2)), hfsq = f^2 / 2.
 * 3. log(x) = k ln2_hi - ((hfsq - (s (hfsq + R) + k ln2_lo)) - f), adding the exact k ln2_hi
 *    last. log(1) takes the k = 0, f = 0 path and is exactly +0.
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
  const fraction = hx & 0xfffff;
  k += (hx >>> 20) - 1023;
  let m: number;
  if (fraction >= SQRT2_FRACTION_HIGH) {
    m = fromWords(fraction | 0x3fe00000, lowWord(v)); // m = 1.fraction / 2
    k += 1;
  } else {
    m = fromWords(fraction | 0x3ff00000, lowWord(v)); // m = 1.fraction
  }
  const f = m - 1;
  if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;

  const s = f / (2 + f);
  const z = s * s;
  const R = z * (LG1 + z * (LG2 + z * (LG3 + z * (LG4 + z * (LG5 + z * (LG6 + z * LG7))))));
  const hfsq = 0.5 * f * f;
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f);
}
