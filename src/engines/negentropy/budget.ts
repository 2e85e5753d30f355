/**
 * Per-peer inbound budget: a token bucket per validator (capacity = one second's worth of
 * `perSecond`, refilled continuously from the input timestamps). Requests that make this node
 * work or send (queries, wants, sync requests) spend a token; a peer out of tokens is ignored
 * and penalised. Honest peers stay far below it: a poll is at most maxOutstandingPolls queries
 * per round trip.
 */
export class PeerBudget {
  private readonly tokens: Float64Array;
  private readonly updated: Float64Array;

  constructor(
    n: number,
    private readonly perSecond: number,
  ) {
    this.tokens = new Float64Array(n).fill(perSecond);
    this.updated = new Float64Array(n);
  }

  /** Spends `cost` tokens of `peer` at `now`; false when it does not have them. */
  spend(peer: number, now: number, cost = 1): boolean {
    if (peer < 0 || peer >= this.tokens.length) return false;
    const elapsed = now - this.updated[peer]!;
    let t = this.tokens[peer]!;
    if (elapsed > 0) {
      t += (elapsed * this.perSecond) / 1000;
      if (t > this.perSecond) t = this.perSecond;
      this.updated[peer] = now;
    }
    if (t < cost) {
      this.tokens[peer] = t;
      return false;
    }
    this.tokens[peer] = t - cost;
    return true;
  }
}
