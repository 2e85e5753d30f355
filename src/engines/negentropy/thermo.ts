/**
 * The design's thermodynamics, as pure functions on fixed-order vectors (DESIGN.md section 3).
 *
 *   P      the answers of one poll, as shares of the k sampled peers; each missing answer
 *          (timeout, "unknown") is its own outcome (answerEntropy), so an unreachable sample
 *          looks uncertain.
 *   Q      a running estimate of the network's distribution over the candidates:
 *          Q <- (1 - qRate) Q + qRate P', P' = P restricted to the candidates and renormalised.
 *   E(c)   = KL(point mass at c || Q) = -log Q(c): the information, in nats, the node would
 *          have to discard to adopt c. Q(c) = 0 gives an infinite energy; we use
 *          -log max(Q(c), qFloor) so that every candidate keeps a (tiny) Gibbs weight.
 *   Gibbs  pi(c) = exp(-E(c) / T) / Z over the candidates in a FIXED order (sorted by id), so
 *          every node computes the same bits from the same inputs. E is shifted by its minimum
 *          before exponentiating (pi is unchanged; exp never underflows for the best candidate).
 *          pi(c) is proportional to Q(c)^(1/T): T < 1 favours the majority, T = 1 is the voter
 *          model (adopt a random answer), T > 1 favours minorities and stops convergence.
 *   anneal the node's T rises by heatFactor when H(P) > entropyHigh, falls by coolFactor when
 *          H(P) < entropyLow, and stays in [tMin, tMax].
 *
 * All logarithms and exponentials are src/core/dmath (bit-exact on every JS engine); sums run
 * in index order. None of this decides anything: finality is the Snowball counter's job
 * (snowball.ts); these functions only choose a node's preference, i.e. its answer to polls.
 */
import { dmath } from '../../core/index.js';

/** Shannon entropy in nats of a distribution given as non-negative shares (need not sum to 1). */
export function entropy(shares: readonly number[]): number {
  let total = 0;
  for (const s of shares) total += s;
  if (!(total > 0)) return 0;
  let h = 0;
  for (const s of shares) {
    if (s <= 0 || s === total) continue; // p log p = 0 at p = 0 and p = 1
    const p = s / total;
    h -= p * dmath.log(p);
  }
  return h;
}

/**
 * Entropy of a poll's answers where each of the `missing` peers (timed out, unreachable,
 * "unknown") counts as its own outcome: maximal ignorance, as if every silent peer had said
 * something different. So a poll nobody answered has entropy log(missing) (high: the node
 * heats), one where a few of k are missing stays low, and a partitioned minority, whose polls
 * are mostly silence, heats up. Each missing outcome adds log(total) / total.
 */
export function answerEntropy(counts: readonly number[], missing: number): number {
  let total = missing;
  for (const c of counts) total += c;
  if (!(total > 0)) return 0;
  let h = missing > 0 ? (missing * dmath.log(total)) / total : 0;
  for (const c of counts) {
    if (c <= 0 || c === total) continue;
    const p = c / total;
    h -= p * dmath.log(p);
  }
  return h;
}

/** E(c) = -log max(Q(c), floor) for each candidate, in order. */
export function energies(q: readonly number[], floor: number): number[] {
  return q.map((x) => 0 - dmath.log(x > floor ? x : floor)); // 0 - 0 is +0 (Q = 1 gives E = 0, not -0)
}

/** Gibbs probabilities exp(-E(c)/T) / Z in candidate order (T > 0). */
export function gibbsProbabilities(e: readonly number[], t: number): number[] {
  if (e.length === 0) return [];
  let min = e[0]!;
  for (const x of e) if (x < min) min = x;
  const w = e.map((x) => dmath.exp(-(x - min) / t));
  let z = 0;
  for (const x of w) z += x;
  return w.map((x) => x / z);
}

/** Index of the candidate drawn by inverse CDF at u in [0, 1) (the last one absorbs rounding). */
export function gibbsChoice(probabilities: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < probabilities.length; i++) {
    acc += probabilities[i]!;
    if (u < acc) return i;
  }
  return probabilities.length - 1;
}

/** Q <- (1 - rate) Q + rate P', P' = counts renormalised over the candidates. Unchanged if no counts. */
export function updateQ(q: readonly number[], counts: readonly number[], rate: number): number[] {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return q.slice();
  return q.map((x, i) => (1 - rate) * x + rate * (counts[i]! / total));
}

export interface AnnealParams {
  readonly tMin: number;
  readonly tMax: number;
  readonly heatFactor: number;
  readonly coolFactor: number;
  readonly entropyHigh: number;
  readonly entropyLow: number;
}

/** The annealing schedule: heat on high entropy, cool on low, clamp to [tMin, tMax]. */
export function anneal(t: number, h: number, p: AnnealParams): number {
  let next = t;
  if (h > p.entropyHigh) next = t * p.heatFactor;
  else if (h < p.entropyLow) next = t * p.coolFactor;
  if (next > p.tMax) next = p.tMax;
  if (next < p.tMin) next = p.tMin;
  return next;
}
