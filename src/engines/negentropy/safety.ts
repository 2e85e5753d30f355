/**
 * The numbers behind the safety argument (docs/protocols/negentropy.md, "Safety").
 *
 * A node decides value v after betaC consecutive polls in which at least alpha of the k sampled
 * peers answered v. If a fraction x of the sample space (by weight) answers v during those
 * polls, one poll succeeds with probability T(x) = P[Binomial(k, x) >= alpha] (sampling with
 * replacement; without replacement from a finite set the tail is smaller) and the decision
 * needs T(x)^betaC. Byzantine nodes answer whatever helps the attacker, honest ones their
 * preference. For two honest nodes to decide differently, one of them must decide a value that
 * at most half of the honest nodes support: x <= f + (1 - f) / 2 =: x_split(f), where f is the
 * Byzantine share of the sample space. So one decision goes wrong with probability at most
 * about T(x_split(f))^betaC. This is the per-decision bound of the Snowball analysis (Rocket
 * et al. 2019, section 3), not a proof over all schedules; the simulator sweeps are the
 * empirical check.
 *
 * Weighting: f is the Byzantine share of the sample WEIGHT. With weights in
 * [weightFloor, weightCap], a Byzantine fraction b of the validators has weight share at most
 * b cap / (b cap + (1 - b) floor) (honest peers at the floor: they would have to disagree with
 * final outcomes, which honest peers do only while a conflict is unresolved), and equal to b
 * when honest and Byzantine peers have the same record.
 *
 * Arithmetic only (+ - * /), in a fixed order: the pure-core rules apply here too.
 */

/** P[Binomial(k, x) >= alpha]. */
export function binomialTail(k: number, x: number, alpha: number): number {
  let sum = 0;
  for (let j = alpha; j <= k; j++) {
    let term = 1;
    // C(k, j) x^j (1 - x)^(k - j), built by multiplication.
    for (let i = 1; i <= j; i++) term = (term * (k - j + i)) / i;
    for (let i = 0; i < j; i++) term *= x;
    for (let i = 0; i < k - j; i++) term *= 1 - x;
    sum += term;
  }
  return sum;
}

/** x_split(f) = f + (1 - f) / 2. */
export function splitShare(f: number): number {
  return f + (1 - f) / 2;
}

/** The per-decision bound T(x_split(f))^betaC. */
export function decisionFailureBound(f: number, k: number, alpha: number, betaC: number): number {
  const t = binomialTail(k, splitShare(f), alpha);
  let out = 1;
  for (let i = 0; i < betaC; i++) out *= t;
  return out;
}

/** Byzantine weight share of a fraction b of validators at the cap, honest ones at the floor. */
export function worstWeightShare(b: number, floor: number, cap: number): number {
  return (b * cap) / (b * cap + (1 - b) * floor);
}

/**
 * The Byzantine fraction the engine claims to tolerate: 20 %. At k = 20, alpha = 15,
 * betaC = 20 the per-decision bound there is T(0.6)^20 ~ 1e-18 (binomialTail(20, 0.6, 15) =
 * 0.1256), and the sweeps measure zero violations at 0, 10 % and 20 % (docs).
 */
export const SAFE_BYZANTINE_FRACTION = 0.2;

export function negentropyFaultBound(n: number): number {
  return Math.floor(n * SAFE_BYZANTINE_FRACTION + 1e-9);
}
