/**
 * The Snowball confidence counter (Rocket, Yin, Sekniqi, van Renesse, Sirer, "Scalable and
 * Probabilistic Leaderless BFT Consensus through Metastability", 2019, Figure 3/4): a poll of
 * k sampled peers is successful for value v when at least alpha of the k answers are v. The
 * counter counts CONSECUTIVE successful polls for the SAME value; a failed poll (no value
 * reaches alpha, which includes polls where peers did not answer) or a success for another
 * value restarts it. A value is final when the counter reaches betaC.
 *
 * This is what makes the engine safe: a node decides v only after betaC independent samples in
 * a row each showed an alpha-supermajority for v. The node's own preference (the Gibbs choice,
 * thermo.ts) does not enter the rule; it only shapes what the node answers to others.
 */

export interface SnowballCounter {
  /** The value of the current run of successes, or null. */
  readonly last: string | null;
  /** Length of the current run. */
  readonly count: number;
}

export const SNOWBALL_START: SnowballCounter = Object.freeze({ last: null, count: 0 });

/** The value with at least alpha answers, if any (at most one when alpha > k / 2). */
export function pollWinner(votes: ReadonlyMap<string, number>, alpha: number): string | null {
  for (const [value, n] of votes) if (n >= alpha) return value;
  return null;
}

/** The counter after one poll whose alpha-winner is `winner` (null: the poll failed). */
export function snowballStep(c: SnowballCounter, winner: string | null): SnowballCounter {
  if (winner === null) return c.count === 0 && c.last === null ? c : SNOWBALL_START;
  if (winner === c.last) return Object.freeze({ last: winner, count: c.count + 1 });
  return Object.freeze({ last: winner, count: 1 });
}

export function snowballFinal(c: SnowballCounter, betaC: number): boolean {
  return c.last !== null && c.count >= betaC;
}
