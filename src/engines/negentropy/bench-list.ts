/**
 * The bench list: validators that stopped answering polls are left out of samples for a while
 * (avalanchego's benchlist does the same for the same reason).
 *
 * Why. Unreachable peers count as failed answers, and at the tolerated Byzantine fraction a
 * silent 20 % leaves a sample of k = 20 with 16 answers on average against alpha = 15: about
 * one poll in twelve fails (all six silent validators of n = 30 drawn), and betaC = 20
 * consecutive successes then take minutes at a node whose weights have not yet learned anyone's
 * record (swarm seed 34: n = 30, six silent, no other fault; one honest node finalized nothing
 * for 30 s). Answers from the benched peers were never coming, so leaving them out changes no
 * vote: it only stops wasting sample places.
 *
 * Rules. A peer that failed to answer BENCH_AFTER_MISSES consecutive polls that timed out (an
 * early-completed poll says nothing about the peers it did not wait for) is benched for
 * BENCH_MS, then sampled again; any answer resets its count. At most floor(maxFraction x
 * (n - 1)) peers are benched at once (maxFraction = the tolerated Byzantine fraction), so the
 * sample space always keeps the rest: a node after a partition heals, which benched peers of
 * the other side, still samples a majority of them once their number exceeds the bound (a
 * Byzantine share b of the validators is at most b / (1 - maxFraction) of the sample space;
 * docs/protocols/negentropy.md, safety argument).
 * Bounded: one byte and one number per validator, and a list of at most the cap.
 */
import type { PeerWeights } from './weights.js';

export const BENCH_AFTER_MISSES = 3;
export const BENCH_MS = 10_000;

export class BenchList {
  private readonly misses: Uint8Array;
  private readonly until = new Map<number, number>();
  readonly max: number;

  constructor(
    private readonly weights: PeerWeights,
    n: number,
    maxFraction: number,
  ) {
    this.misses = new Uint8Array(n);
    this.max = Math.floor(maxFraction * (n - 1));
  }

  get size(): number {
    return this.until.size;
  }

  /** `peer` answered a poll. */
  answered(peer: number): void {
    if (peer >= 0 && peer < this.misses.length) this.misses[peer] = 0;
  }

  /** `peer` did not answer a poll that timed out, at `now`. */
  missed(peer: number, now: number): void {
    if (peer < 0 || peer >= this.misses.length || this.until.has(peer)) return;
    const m = Math.min(255, this.misses[peer]! + 1);
    this.misses[peer] = m;
    if (m < BENCH_AFTER_MISSES || this.until.size >= this.max) return;
    this.until.set(peer, now + BENCH_MS);
    this.weights.bench(peer);
  }

  /** Returns the peers whose time on the bench is over to the samples. */
  release(now: number): void {
    for (const [peer, t] of this.until) {
      if (t > now) continue;
      this.until.delete(peer);
      this.misses[peer] = 0;
      this.weights.unbench(peer);
    }
  }
}
