/**
 * Collects votes for one decision (a slot) and answers "which value reached q votes?". A voter
 * counts once; a voter that votes for two different values in the same slot is an equivocator:
 * the second vote is not counted and is returned as evidence so the engine can penalise it.
 * Memory is bounded by the validator count (one vote per voter is kept).
 */
import { ProtocolError } from './errors.js';

export type VoteOutcome =
  | { readonly kind: 'counted'; readonly votes: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'equivocation'; readonly previous: string };

export class VoteSet<S = Uint8Array> {
  private readonly byVoter = new Map<number, { value: string; signature: S }>();
  private readonly counts = new Map<string, number>();

  constructor(readonly n: number) {}

  add(voter: number, value: string, signature: S): VoteOutcome {
    if (!Number.isInteger(voter) || voter < 0 || voter >= this.n) {
      throw new ProtocolError({ code: 'PROTOCOL_UNKNOWN_VOTER', voter, n: this.n });
    }
    const prior = this.byVoter.get(voter);
    if (prior !== undefined) {
      return prior.value === value ? { kind: 'duplicate' } : { kind: 'equivocation', previous: prior.value };
    }
    this.byVoter.set(voter, { value, signature });
    const votes = (this.counts.get(value) ?? 0) + 1;
    this.counts.set(value, votes);
    return { kind: 'counted', votes };
  }

  count(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  /** True when `voter` has a vote here. */
  has(voter: number): boolean {
    return this.byVoter.has(voter);
  }

  /** Total distinct voters heard. */
  get size(): number {
    return this.byVoter.size;
  }

  /** The value with at least `threshold` votes, if any (at most one can reach a quorum). */
  valueWith(threshold: number): string | undefined {
    for (const [value, votes] of this.counts) if (votes >= threshold) return value;
    return undefined;
  }

  /** Voters and signatures for `value`, ordered by voter index: a certificate. */
  certificate(value: string): readonly { readonly voter: number; readonly signature: S }[] {
    const out: { voter: number; signature: S }[] = [];
    for (const [voter, vote] of this.byVoter) if (vote.value === value) out.push({ voter, signature: vote.signature });
    return out.sort((a, b) => a.voter - b.voter);
  }
}
