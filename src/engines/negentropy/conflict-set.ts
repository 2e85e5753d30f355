/**
 * One Snowball instance with the design's thermodynamics: a conflict set (cs:...) or a
 * super-block slot (sb:...). It holds the candidates (sorted by id: the fixed order every
 * thermodynamic sum runs in), the running estimate Q, the node's preference (its answer to
 * polls) and the Snowball counter, and applies one poll result:
 *
 *   1. P: the answers per candidate, per unknown value, and the missing ones (timeouts,
 *      "unknown"; thermo.ts answerEntropy). Its entropy H(P) anneals this slot's temperature
 *      T_s (which starts at the node's temperature when the slot opens) and goes back to the
 *      engine, which anneals the node's temperature with the poll's mean.
 *   2. Q <- (1 - qRate) Q + qRate P' (P' over the candidates only).
 *   3. Snowball: the poll's alpha-winner (or failure) steps the consecutive-success counter.
 *   4. Preference <- Gibbs draw from exp(-E(c)/T_s) = Q(c)^(1/T_s), E(c) = -log Q(c), with the
 *      node's PRNG. A contested slot whose polls stay split heats up towards tMax (< 1), where
 *      the draw is close to the voter model (probability ~ Q(c)): the preference can leave a
 *      split that the answers keep in place (simulated annealing's escape from a local
 *      minimum; a split-world attacker that echoes every querier's preference holds a cold
 *      split forever). An agreed slot cools to tMin, where the draw is argmax Q. Why per slot:
 *      DESIGN.md section 3 runs the whole loop per conflict set, P included, and a node-wide T
 *      is dominated by the many uncontested slots (entropy 0), so it stayed cold exactly on
 *      the contested ones.
 *   5. Decision (finalRule 'snowball'): the counter's value once it has betaC consecutive
 *      successes (and the node holds that candidate). The design's literal rule ('temperature':
 *      decide the preference once T < tCritical) is applied by the engine, because T is the
 *      node's (engine.ts).
 *
 * Bounds: at most maxCandidates candidates (a double-spender cannot grow a set without
 * limit), and at most ANSWER_MEMORY recorded answers for the reliability weights.
 */
import { fromHex, toHex } from '../../core/index.js';
import type { Prng } from '../../core/index.js';
import type { NegentropyParams } from './params.js';
import { ownDigestKey, prefixHex, words } from './slots.js';
import { SNOWBALL_START, pollWinner, snowballFinal, snowballStep } from './snowball.js';
import type { SnowballCounter } from './snowball.js';
import { anneal, answerEntropy, energies, gibbsChoice, gibbsProbabilities, updateQ } from './thermo.js';

/** Answers remembered per slot for the reliability weights (the latest ones). */
export const ANSWER_MEMORY = 64;

export interface Candidate<V> {
  readonly id: string;
  /** The 16-byte wire prefix of the id, as hex and as bytes. */
  readonly prefix: string;
  readonly prefixBytes: Uint8Array;
  /** The prefix as 4 big-endian words (slots.ts sameWords). */
  readonly prefixWords: readonly number[];
  readonly value: V;
}

export type AddOutcome = 'added' | 'known' | 'full' | 'prefix-collision';

/** The answers of one poll for one slot. */
export interface SlotPoll {
  /** Answer counts by value prefix (hex). */
  readonly votes: ReadonlyMap<string, number>;
  /** Sampled peers that gave no value (timeout, unreachable, "unknown"). */
  readonly missing: number;
  /** alpha for this poll (scaled when fewer than k peers exist). */
  readonly alpha: number;
  /** Peers and the prefixes they answered, aligned (for the reliability weights). */
  readonly answerPeers: readonly number[];
  readonly answerValues: readonly string[];
}

export interface PollOutcome {
  readonly winner: string | null;
  readonly entropy: number;
  /** The decided candidate id, if this poll decided the slot. */
  readonly decided: string | null;
}

export class ConflictSet<V> {
  private readonly list: Candidate<V>[] = [];
  private readonly byPrefix = new Map<string, Candidate<V>>();
  private q: number[] = [];
  private temperature: number;
  private prefId: string | null = null;
  private counter: SnowballCounter = SNOWBALL_START;
  private decidedId: string | null = null;
  private readonly answerPeers: number[] = [];
  private readonly answerValues: string[] = [];
  private answerId: string | null = null;
  private answerCandidate: Candidate<V> | undefined = undefined;
  polls = 0;
  /** True once two values were seen for this slot (two candidates, or two values answered). */
  contested = false;
  /** Value prefixes this node asked a peer for (bounded: 2 x maxCandidates). */
  private readonly requested = new Set<string>();
  /** Polls in flight that include this slot. */
  inFlight = 0;
  /** Wire digest of the slot, as hex, and its 48-bit map key (slots.ts digestKey). */
  readonly digest: string;
  readonly key: number;
  /** The digest as 3 big-endian words, flat (the query loop touches only this object). */
  readonly d0: number;
  readonly d1: number;
  readonly d2: number;
  /** The answer's value prefix as 4 words (valid when `hasAnswer`), refreshed by `answer()`. */
  a0 = 0;
  a1 = 0;
  a2 = 0;
  a3 = 0;
  hasAnswer = false;
  /** Next slot whose digest key collides with this one's (conflict-book.ts chaining). */
  nextInBucket: ConflictSet<V> | undefined = undefined;

  constructor(
    readonly slot: string,
    /** Wire digest of the slot (12 bytes). */
    readonly digestBytes: Uint8Array,
    readonly createdAt: number,
    /** Initial slot temperature (the node's temperature when the slot opens). */
    t0: number,
  ) {
    this.temperature = t0;
    this.digest = toHex(digestBytes);
    this.key = ownDigestKey(digestBytes);
    const d = words(digestBytes, 0, 3);
    this.d0 = d[0]!;
    this.d1 = d[1]!;
    this.d2 = d[2]!;
  }

  get candidates(): readonly Candidate<V>[] {
    return this.list;
  }

  get preference(): string | null {
    return this.prefId;
  }

  get preferred(): Candidate<V> | undefined {
    return this.prefId === null ? undefined : this.byPrefix.get(prefixHex(this.prefId));
  }

  /** This slot's temperature T_s. */
  get t(): number {
    return this.temperature;
  }

  get confidence(): SnowballCounter {
    return this.counter;
  }

  get decided(): string | null {
    return this.decidedId;
  }

  get estimate(): readonly number[] {
    return this.q;
  }

  byValuePrefix(prefix: string): Candidate<V> | undefined {
    return this.byPrefix.get(prefix);
  }

  get(id: string): Candidate<V> | undefined {
    const c = this.byPrefix.get(prefixHex(id));
    return c !== undefined && c.id === id ? c : undefined;
  }

  /**
   * The candidate this node answers with: the decided one, else the preference (cached: polls
   * ask often). Also refreshes a0..a3 / hasAnswer.
   */
  answer(): Candidate<V> | undefined {
    if (this.answerId !== (this.decidedId ?? this.prefId)) {
      this.answerId = this.decidedId ?? this.prefId;
      const c = this.answerId === null ? undefined : this.byPrefix.get(prefixHex(this.answerId));
      this.answerCandidate = c;
      this.hasAnswer = c !== undefined;
      if (c !== undefined) [this.a0, this.a1, this.a2, this.a3] = c.prefixWords as [number, number, number, number];
    }
    return this.answerCandidate;
  }

  /** Adds a candidate in id order. The first candidate becomes the preference with Q = 1. */
  add(id: string, value: V, maxCandidates: number): AddOutcome {
    const prefix = prefixHex(id);
    const known = this.byPrefix.get(prefix);
    if (known !== undefined) return known.id === id ? 'known' : 'prefix-collision';
    if (this.list.length >= maxCandidates) return 'full';
    const prefixBytes = fromHex(prefix);
    const c: Candidate<V> = Object.freeze({ id, prefix, prefixBytes, prefixWords: words(prefixBytes, 0, 4), value });
    let at = this.list.length;
    while (at > 0 && this.list[at - 1]!.id > id) at--;
    this.list.splice(at, 0, c);
    this.q.splice(at, 0, this.list.length === 1 ? 1 : 0);
    this.byPrefix.set(prefix, c);
    if (this.list.length >= 2) this.contested = true;
    if (this.prefId === null) this.prefId = id;
    return 'added';
  }

  /** Makes `id` (a candidate) the decided value; idempotent. */
  decide(id: string): void {
    this.decidedId = id;
    this.prefId = id;
  }

  /**
   * Worth including in a new poll. Under the Snowball rule a slot whose run of successes plus
   * the polls already in flight reaches betaC needs no more polls unless one of those fails
   * (then the run restarts and this is true again): without this, up to maxOutstandingPolls
   * polls per slot would be sent after the decision was already certain.
   */
  wantsPoll(p: NegentropyParams): boolean {
    if (this.decidedId !== null || this.prefId === null) return false;
    return p.finalRule !== 'snowball' || this.counter.count + this.inFlight < p.betaC;
  }

  /**
   * Answered values this node does not hold and has not asked for yet (to fetch them, so
   * its Gibbs choice can move to them). At most 2 x maxCandidates requests per slot.
   */
  unknownValues(votes: ReadonlyMap<string, number>, maxCandidates: number): string[] {
    const out: string[] = [];
    for (const prefix of votes.keys()) {
      if (this.byPrefix.has(prefix) || this.requested.has(prefix) || this.requested.size >= 2 * maxCandidates) continue;
      this.requested.add(prefix);
      out.push(prefix);
    }
    return out;
  }

  /** Applies one poll (steps 1-5 of the header comment). */
  applyPoll(poll: SlotPoll, p: NegentropyParams, rng: Prng): PollOutcome {
    this.polls++;
    for (let i = 0; i < poll.answerPeers.length; i++) {
      this.answerPeers.push(poll.answerPeers[i]!);
      this.answerValues.push(poll.answerValues[i]!);
    }
    if (poll.votes.size >= 2 || this.list.length >= 2) this.contested = true;
    const excess = this.answerPeers.length - ANSWER_MEMORY;
    if (excess > 0) {
      this.answerPeers.splice(0, excess);
      this.answerValues.splice(0, excess);
    }
    let h: number;
    const only = this.list.length === 1 ? this.list[0]! : undefined;
    if (only !== undefined && poll.votes.size <= 1 && (poll.votes.size === 0 || poll.votes.has(only.prefix))) {
      // Fast path, same result: one candidate and no other value answered; Q stays [1].
      h = answerEntropy([poll.votes.get(only.prefix) ?? 0], poll.missing);
    } else {
      // 1. P, in a fixed bucket order: candidates (id order), unknown prefixes (sorted), missing.
      const counts = this.list.map((c) => poll.votes.get(c.prefix) ?? 0);
      const buckets = counts.slice();
      const strangers = [...poll.votes.keys()].filter((x) => !this.byPrefix.has(x)).sort();
      for (const s of strangers) buckets.push(poll.votes.get(s)!);
      h = answerEntropy(buckets, poll.missing);
      // 2. Q.
      this.q = updateQ(this.q, counts, p.qRate);
    }
    this.temperature = anneal(this.temperature, h, p);
    // 3. Snowball.
    const winner = pollWinner(poll.votes, poll.alpha);
    this.counter = snowballStep(this.counter, winner);
    if (this.decidedId !== null) return { winner, entropy: h, decided: null };
    // 4. Gibbs choice of the preference (one candidate: it has probability 1, no draw needed).
    if (this.list.length === 1) this.prefId = this.list[0]!.id;
    else if (this.list.length > 1) {
      const pi = gibbsProbabilities(energies(this.q, p.qFloor), this.temperature);
      this.prefId = this.list[gibbsChoice(pi, rng.nextFloat())]!.id;
    }
    // 5. Decision.
    let decided: string | null = null;
    if (p.finalRule === 'snowball' && snowballFinal(this.counter, p.betaC)) decided = this.byPrefix.get(this.counter.last!)?.id ?? null;
    if (decided !== null) this.decide(decided);
    return { winner, entropy: h, decided };
  }

  /**
   * After a candidate arrives: under the Snowball rule, the counter may already have betaC
   * successes for a value this node did not hold yet. Returns the id decided now, or null.
   */
  decideIfFinal(p: NegentropyParams): string | null {
    if (this.decidedId !== null || p.finalRule !== 'snowball' || !snowballFinal(this.counter, p.betaC)) return null;
    const c = this.byPrefix.get(this.counter.last!);
    if (c === undefined) return null;
    this.decide(c.id);
    return c.id;
  }

  /** Calls `f(peer, prefix)` for each recorded answer, to credit peers once the slot is decided. */
  forEachAnswer(f: (peer: number, prefix: string) => void): void {
    for (let i = 0; i < this.answerPeers.length; i++) f(this.answerPeers[i]!, this.answerValues[i]!);
  }
}
