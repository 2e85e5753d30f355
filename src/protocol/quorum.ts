/**
 * Byzantine quorum arithmetic. With n validators of which at most f are Byzantine,
 * f = floor((n - 1) / 3), and a quorum of q = floor((n + f) / 2) + 1 votes: any two quorums
 * intersect in 2q - n >= f + 1 validators, so in at least one honest one (safety), and the
 * n - f honest validators can always form a quorum (liveness). For n = 3f + 1 this is the
 * familiar 2f + 1. Source: Malkhi and Reiter, "Byzantine quorum systems", Distributed
 * Computing 11(4), 1998; Castro and Liskov, PBFT, OSDI 1999.
 */
export function maxFaulty(n: number): number {
  return Math.floor((n - 1) / 3);
}

export function quorumSize(n: number): number {
  return Math.floor((n + maxFaulty(n)) / 2) + 1;
}

/** f + 1: enough votes that at least one is honest. */
export function weakQuorumSize(n: number): number {
  return maxFaulty(n) + 1;
}
