/**
 * Statistics for the claims report. Pure functions, deterministic (dmath for logarithms, so the
 * numbers are the same bits on every JS engine).
 *
 *  - median: the middle order statistic, or the mean of the two middle ones.
 *  - 95% confidence interval for the median: the distribution-free interval between two order
 *    statistics x(l) <= median <= x(u), with l the largest rank such that
 *    P(Binomial(m, 1/2) < l) <= 0.025 and u = m + 1 - l (e.g. Conover, "Practical Nonparametric
 *    Statistics", 3rd ed., 1999, section 3.2). It assumes only independent runs (one per seed).
 *    For m < 6 no pair of order statistics reaches 95%: the interval is then [min, max] and its
 *    actual coverage 1 - 2^(1-m) is reported next to it.
 *  - growth exponent: ordinary least squares of log y on log x (y ~ c x^b); b is reported with
 *    its R^2. Points with y <= 0 are left out (and counted).
 */
import { dmath } from '../../core/index.js';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
  /** Coverage probability of [lo, hi] for the median. */
  readonly coverage: number;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** P(Binomial(m, 1/2) <= k), exactly enough for m <= 1000 (sums of binomial terms). */
function binomialCdfHalf(m: number, k: number): number {
  let term = dmath.exp(-m * dmath.LN2); // C(m, 0) / 2^m
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (m - i)) / (i + 1);
  }
  return sum;
}

export function medianInterval(values: readonly number[], level = 0.95): Interval | null {
  const m = values.length;
  if (m === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  // Largest l (1-based) with P(B <= l - 1) <= alpha.
  let l = 0;
  for (let k = 1; k <= m; k++) {
    if (binomialCdfHalf(m, k - 1) <= alpha) l = k;
    else break;
  }
  if (l === 0) return { lo: s[0]!, hi: s[m - 1]!, coverage: 1 - 2 * binomialCdfHalf(m, 0) };
  const u = m + 1 - l;
  return { lo: s[l - 1]!, hi: s[u - 1]!, coverage: 1 - 2 * binomialCdfHalf(m, l - 1) };
}

export interface PowerFit {
  /** The exponent b of y ~ c x^b. */
  readonly exponent: number;
  readonly r2: number;
  readonly points: number;
}

export function powerFit(points: readonly { readonly x: number; readonly y: number }[]): PowerFit | null {
  const ok = points.filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.y));
  if (ok.length < 2) return null;
  const lx = ok.map((p) => dmath.log(p.x));
  const ly = ok.map((p) => dmath.log(p.y));
  const k = ok.length;
  const mx = lx.reduce((a, b) => a + b, 0) / k;
  const my = ly.reduce((a, b) => a + b, 0) / k;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < k; i++) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
    syy += (ly[i]! - my) ** 2;
  }
  if (sxx === 0) return null;
  const b = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { exponent: b, r2, points: k };
}
