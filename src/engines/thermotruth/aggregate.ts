/**
 * The deterministic robust aggregate (DESIGN.md section 3, ThermoTruth). Input: the accepted
 * proposals' vectors in canonical order (validators by index, then minted identities by key).
 * Every honest replica runs this on the same input and gets the same bits (stats.ts, dmath).
 *
 * Pipeline, identical for every rule (only step 4 differs):
 *   1. V0 = total variance of all accepted vectors, T0 = (2 V0) / 3 (the design's temperature).
 *   2. Self-healing, only when T0 > healTemperature (the design's 0.1): with med = componentwise
 *      median and r_i = ||s_i - med||, drop (and flag) every proposal with r_i > healRadius *
 *      median(r). The median distance is a robust scale: fewer than half the proposals can move
 *      it, so with an honest majority among the proposals it is bounded by honest distances.
 *   3. On the kept set K: V = total variance, T = max((2 V) / 3, TEMPERATURE_FLOOR), the entropy
 *      H (thermo.ts) that drives the difficulty.
 *   4. Weights / combination:
 *      'boltzmann'  med = componentwise median of K; w_i = exp(-(q_i - q_min) / (2 T)) with
 *                   q_i = ||s_i - med||^2; aggregate = sum w_i s_i / sum w_i. Subtracting q_min
 *                   scales every weight by the same factor (the result is unchanged in exact
 *                   arithmetic) and makes the largest weight exactly 1, so the sum never
 *                   underflows to 0. Translation invariant: shifting every s_i shifts med and
 *                   the aggregate by the same amount and leaves every q_i unchanged.
 *      'dlpsw'      per component, sort, drop the t lowest and t highest, average the rest
 *                   (summed in sorted order), t = min(f, floor((|K| - 1) / 2)). Dolev, Lynch,
 *                   Pinter, Stark and Weihl, "Reaching approximate agreement in the presence of
 *                   faults", JACM 33(3), 1986: with at most t faulty values the result lies in
 *                   the range of the correct ones.
 *      'literal'    the design's own weighting w_i = exp(-D ||s_i||) (D = dimension), normalised
 *                   the same way (w_i = exp(-D (||s_i|| - min_j ||s_j||))). It weights by the
 *                   distance from the ORIGIN, not from a centre: not translation invariant, and
 *                   one liar at the origin takes almost all the weight. Kept so the experiments
 *                   can show it (docs/protocols/thermotruth.md).
 */
import { dmath } from '../../core/index.js';
import { TtError } from './errors.js';
import type { AggregateRule } from './params.js';
import { componentMedian, median, norm, squaredDistance, totalVariance } from './stats.js';
import { TEMPERATURE_FLOOR, entropyBits, temperature } from './thermo.js';

export interface AggregateConfig {
  readonly rule: AggregateRule;
  readonly dimension: number;
  readonly healTemperature: number;
  readonly healRadius: number;
  /** DLPSW trimming count: the fault bound f of the validator set. */
  readonly trim: number;
}

export interface AggregateResult {
  readonly aggregate: readonly number[];
  /** The design's temperature of the accepted proposals, before healing. */
  readonly temperature: number;
  /** The temperature the weights used (after healing, floored). */
  readonly weightTemperature: number;
  readonly variance: number;
  /** Entropy H of the kept proposals, in bits. */
  readonly entropy: number;
  /** Positions (in the input order) of the proposals self-healing dropped. */
  readonly healed: readonly number[];
  readonly kept: number;
  readonly healing: boolean;
}

function boltzmann(kept: readonly (readonly number[])[], dimension: number, t: number): number[] {
  const med = componentMedian(kept, dimension);
  const q = kept.map((s) => squaredDistance(s, med));
  let qMin = q[0]!;
  for (const x of q) if (x < qMin) qMin = x;
  return weightedMean(kept, dimension, q.map((x) => dmath.exp(-(x - qMin) / (2 * t))));
}

function literal(kept: readonly (readonly number[])[], dimension: number): number[] {
  const norms = kept.map(norm);
  let nMin = norms[0]!;
  for (const x of norms) if (x < nMin) nMin = x;
  return weightedMean(kept, dimension, norms.map((x) => dmath.exp(-dimension * (x - nMin))));
}

function weightedMean(kept: readonly (readonly number[])[], dimension: number, w: readonly number[]): number[] {
  let wSum = 0;
  const acc = new Array<number>(dimension).fill(0);
  for (let i = 0; i < kept.length; i++) {
    const wi = w[i]!;
    wSum += wi;
    const s = kept[i]!;
    for (let k = 0; k < dimension; k++) acc[k] = acc[k]! + wi * s[k]!;
  }
  return acc.map((x) => x / wSum);
}

/** DLPSW: per component drop the t lowest and t highest values, average the rest. */
export function trimmedMean(kept: readonly (readonly number[])[], dimension: number, trim: number): number[] {
  const m = kept.length;
  const t = Math.min(trim, (m - 1) >> 1);
  const out = new Array<number>(dimension);
  const column = new Array<number>(m);
  for (let k = 0; k < dimension; k++) {
    for (let i = 0; i < m; i++) column[i] = kept[i]![k]!;
    column.sort((a, b) => a - b);
    let s = 0;
    for (let i = t; i < m - t; i++) s += column[i]!;
    out[k] = s / (m - 2 * t);
  }
  return out;
}

/** Self-healing: positions whose distance from the median exceeds radius x the median distance. */
export function healOutliers(vectors: readonly (readonly number[])[], dimension: number, radius: number): number[] {
  const med = componentMedian(vectors, dimension);
  const r = vectors.map((s) => Math.sqrt(squaredDistance(s, med)));
  const threshold = radius * median(r);
  const out: number[] = [];
  for (let i = 0; i < r.length; i++) if (r[i]! > threshold) out.push(i);
  return out;
}

export function computeAggregate(vectors: readonly (readonly number[])[], config: AggregateConfig): AggregateResult {
  if (vectors.length === 0) throw new TtError({ code: 'TT_EMPTY_AGGREGATE' });
  const d = config.dimension;
  const variance0 = totalVariance(vectors, d);
  const t0 = temperature(variance0);
  const healing = t0 > config.healTemperature;
  const healed = healing ? healOutliers(vectors, d, config.healRadius) : [];
  const dropped = new Set(healed);
  const kept = dropped.size === 0 ? vectors : vectors.filter((_, i) => !dropped.has(i));
  const variance = dropped.size === 0 ? variance0 : totalVariance(kept, d);
  const tw = temperature(variance);
  const weightTemperature = tw > TEMPERATURE_FLOOR ? tw : TEMPERATURE_FLOOR;
  let aggregate: number[];
  switch (config.rule) {
    case 'boltzmann':
      aggregate = boltzmann(kept, d, weightTemperature);
      break;
    case 'dlpsw':
      aggregate = trimmedMean(kept, d, config.trim);
      break;
    case 'literal':
      aggregate = literal(kept, d);
      break;
  }
  return Object.freeze({
    aggregate: Object.freeze(aggregate),
    temperature: t0,
    weightTemperature,
    variance: variance0,
    entropy: entropyBits(variance, d),
    healed: Object.freeze(healed),
    kept: kept.length,
    healing,
  });
}
