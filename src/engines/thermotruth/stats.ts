/**
 * Deterministic statistics over state vectors. Every loop runs in a fixed order (the caller's
 * order: proposals sorted by proposer), every operation is a correctly rounded IEEE-754 + - * /
 * or Math.sqrt (also correctly rounded), so every conforming JS engine returns the same bits.
 * Sorting compares finite doubles only (validation rejects NaN before anything gets here), so
 * the comparator is a total order and the sorted result is unique whatever the sort algorithm.
 */

/** Median of finite values: the middle one, or the mean 0.5 * (lo + hi) of the middle two. */
export function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const m = sorted.length;
  const mid = m >> 1;
  return m % 2 === 1 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
}

/** Componentwise median of m vectors of dimension D. */
export function componentMedian(vectors: readonly (readonly number[])[], dimension: number): number[] {
  const out = new Array<number>(dimension);
  const column = new Array<number>(vectors.length);
  for (let k = 0; k < dimension; k++) {
    for (let i = 0; i < vectors.length; i++) column[i] = vectors[i]![k]!;
    out[k] = median(column);
  }
  return out;
}

/** Componentwise mean, summed in the given order. */
export function mean(vectors: readonly (readonly number[])[], dimension: number): number[] {
  const out = new Array<number>(dimension).fill(0);
  for (const v of vectors) for (let k = 0; k < dimension; k++) out[k] = out[k]! + v[k]!;
  for (let k = 0; k < dimension; k++) out[k] = out[k]! / vectors.length;
  return out;
}

/** Squared Euclidean distance, summed over components in index order. */
export function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const d = a[k]! - b[k]!;
    s += d * d;
  }
  return s;
}

export function norm(a: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * a[k]!;
  return Math.sqrt(s);
}

/**
 * Total variance (the trace of the population covariance): (1/m) sum_i ||s_i - mean||^2. The
 * design's "variance of the proposals" for a vector-valued state; for isotropic noise of
 * standard deviation sigma per component it is about D sigma^2.
 */
export function totalVariance(vectors: readonly (readonly number[])[], dimension: number): number {
  if (vectors.length === 0) return 0;
  const mu = mean(vectors, dimension);
  let s = 0;
  for (const v of vectors) s += squaredDistance(v, mu);
  return s / vectors.length;
}
