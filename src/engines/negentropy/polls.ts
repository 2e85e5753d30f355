/**
 * Polls in flight. A poll asks k sampled peers about m slots at once (one query message per
 * peer). It completes when every sampled peer answered, when every slot's outcome is already
 * determined (some value has alpha answers, or no value can still reach alpha), or at its
 * timeout; peers that never answered a timed-out poll count as failed answers ("unreachable
 * peers count as failed polls": with too many of them no value reaches alpha).
 * Completed polls are handed out in the order they STARTED (as avalanchego finishes polls), so
 * the consecutive-success counter counts samples in time order even with several in flight.
 *
 * A query or its reply can be lost (the simulator drops copies; a real link drops a connection).
 * A sampled peer that has not answered is asked again (same poll id, same keys) once its
 * retransmission timeout has passed since the last copy: one lost copy then costs one timeout
 * instead of a failed poll, which would reset the slot's consecutive-success counter. The
 * timeout per peer is max(resendMs, 1.5 x its smoothed round trip), the round trip an RFC 6298
 * running average (gain 1/8) sampled only from answers to a query sent once (Karn's rule: an
 * answer after a re-send could be to either copy). So a far peer (650 ms round trip on the
 * SimBlock matrix) is not asked again while its answer is on the way, and a near one is asked
 * again after resendMs. A peer still answers a poll once, so a re-sent query adds no vote.
 *
 * Bounds: at most maxOutstandingPolls polls, each with at most maxKeysPerPoll slots and k peers;
 * a reply is accepted once per sampled peer, and only if its bitmaps fit the poll; a peer gets
 * at most MAX_QUERY_SENDS copies of one query, all before the poll's timeout; one round-trip
 * estimate per validator.
 */
import { toHex } from '../../core/index.js';
import { getBit } from './messages.js';
import type { NegMessage } from './messages.js';

type Reply = Extract<NegMessage, { t: 'reply' }>;

export interface PollSlotRef {
  /** The slot's name (its object may be gone by the time the poll completes). */
  readonly slot: string;
  /** The value prefix (hex) this node preferred when it sent the query. */
  readonly sent: string;
}

/** One slot's tally in a completed poll. */
export interface SlotTally {
  readonly slot: string;
  readonly votes: Map<string, number>;
  missing: number;
  readonly answerPeers: number[];
  readonly answerValues: string[];
  /** Most votes of one value so far. */
  best: number;
}

/** Copies of one query to one peer, at most (the first and five re-sends). */
export const MAX_QUERY_SENDS = 6;
/** Gain of the running round-trip average (RFC 6298, section 2: alpha = 1/8). */
const RTT_GAIN = 1 / 8;
/** A peer is asked again after max(resendMs, RTO_FACTOR x its smoothed round trip). */
const RTO_FACTOR = 1.5;

/** A query to send again: the poll's id and keys, to the peers that have not answered. */
export interface PollResend {
  readonly id: number;
  readonly keys: Uint8Array;
  readonly peers: readonly number[];
}

export interface CompletedPoll {
  readonly id: number;
  readonly peers: readonly number[];
  /** The sampled peers that answered. */
  readonly answered: ReadonlySet<number>;
  readonly timedOut: boolean;
  readonly tallies: readonly SlotTally[];
  /** Peers by value prefix they answered (to fetch an unknown value from one of them). */
  readonly sources: ReadonlyMap<string, number>;
}

class Poll {
  readonly answered = new Set<number>();
  readonly tallies: SlotTally[];
  readonly sources = new Map<string, number>();
  undetermined: number;
  done = false;
  timedOut = false;
  /** Per sampled peer: when the last copy of the query went, and how many went. */
  readonly sentAt: Map<number, number>;
  readonly sends: Map<number, number>;

  constructor(
    readonly id: number,
    readonly startedAt: number,
    readonly peers: readonly number[],
    readonly refs: readonly PollSlotRef[],
    readonly alpha: number,
    readonly keys: Uint8Array,
  ) {
    this.tallies = refs.map((r) => ({ slot: r.slot, votes: new Map<string, number>(), missing: 0, answerPeers: [], answerValues: [], best: 0 }));
    this.undetermined = refs.length;
    this.sentAt = new Map(peers.map((p) => [p, startedAt]));
    this.sends = new Map(peers.map((p) => [p, 1]));
  }

  add(peer: number, r: Reply): boolean {
    const m = this.refs.length;
    if (this.done || this.answered.has(peer) || !this.peers.includes(peer)) return false;
    if (r.agree.length !== (m + 7) >> 3) return false;
    const other = new Map<number, string>();
    for (const o of r.other) {
      if (o.index >= m || other.has(o.index) || getBit(r.agree, o.index) || getBit(r.unknown, o.index)) return false;
      other.set(o.index, toHex(o.value));
    }
    this.answered.add(peer);
    const remaining = this.peers.length - this.answered.size;
    let undetermined = 0;
    for (let i = 0; i < m; i++) {
      const t = this.tallies[i]!;
      let value: string | undefined;
      if (getBit(r.agree, i)) value = this.refs[i]!.sent;
      else if (!getBit(r.unknown, i)) value = other.get(i);
      if (value === undefined) t.missing++;
      else {
        const votes = (t.votes.get(value) ?? 0) + 1;
        t.votes.set(value, votes);
        if (votes > t.best) t.best = votes;
        t.answerPeers.push(peer);
        t.answerValues.push(value);
        if (!this.sources.has(value)) this.sources.set(value, peer);
      }
      // Determined: some value has alpha answers, or none can still reach alpha.
      if (!(t.best >= this.alpha || t.best + remaining < this.alpha)) undetermined++;
    }
    this.undetermined = undetermined;
    if (this.answered.size === this.peers.length || undetermined === 0) this.done = true;
    return true;
  }

  expire(): void {
    if (this.done) return;
    const silent = this.peers.length - this.answered.size;
    for (const t of this.tallies) t.missing += silent;
    this.timedOut = true;
    this.done = true;
  }
}

export class PollBook {
  private readonly polls: Poll[] = [];
  private readonly byId = new Map<number, Poll>();
  private nextId = 1;
  /** Smoothed round trip per peer, ms (peers are validator indexes: at most n entries). */
  private readonly srtt = new Map<number, number>();

  /** resendMs 0: never re-send (a lost query or reply fails the poll at its timeout). */
  constructor(
    private readonly maxOutstanding: number,
    private readonly timeoutMs: number,
    private readonly resendMs = 0,
  ) {}

  get outstanding(): number {
    return this.polls.length;
  }

  canStart(): boolean {
    return this.polls.length < this.maxOutstanding;
  }

  /** Registers a poll; returns its id. */
  start(now: number, peers: readonly number[], refs: readonly PollSlotRef[], alpha: number, keys: Uint8Array): number {
    const id = this.nextId++;
    const poll = new Poll(id, now, peers, refs, alpha, keys);
    if (peers.length === 0) poll.expire();
    this.polls.push(poll);
    this.byId.set(id, poll);
    return id;
  }

  /** A reply from `peer` at `now`; false when it does not belong to an open poll or is malformed. */
  reply(peer: number, r: Reply, now = 0): boolean {
    const poll = this.byId.get(r.poll);
    if (poll === undefined || !poll.add(peer, r)) return false;
    if (poll.sends.get(peer) === 1) {
      const sample = now - poll.startedAt;
      const prev = this.srtt.get(peer);
      this.srtt.set(peer, prev === undefined ? sample : prev + (sample - prev) * RTT_GAIN);
    }
    return true;
  }

  /** The smoothed round trip to `peer` (undefined before its first clean sample). */
  roundTrip(peer: number): number | undefined {
    return this.srtt.get(peer);
  }

  /** How long after the last copy a silent peer is asked again. */
  retransmitTimeout(peer: number): number {
    const rtt = this.srtt.get(peer);
    return rtt === undefined ? this.resendMs : Math.max(this.resendMs, RTO_FACTOR * rtt);
  }

  /**
   * Queries due again at `now`: per open poll, the peers that have not answered and whose
   * retransmission timeout has passed since their last copy, while the next copy would still
   * leave before the poll's timeout, at most MAX_QUERY_SENDS copies per peer.
   */
  resends(now: number): PollResend[] {
    const out: PollResend[] = [];
    if (this.resendMs <= 0) return out;
    for (const p of this.polls) {
      if (p.done || now >= p.startedAt + this.timeoutMs) continue;
      const due: number[] = [];
      for (const peer of p.peers) {
        if (p.answered.has(peer)) continue;
        const sends = p.sends.get(peer)!;
        if (sends >= MAX_QUERY_SENDS || now - p.sentAt.get(peer)! < this.retransmitTimeout(peer)) continue;
        p.sends.set(peer, sends + 1);
        p.sentAt.set(peer, now);
        due.push(peer);
      }
      if (due.length > 0) out.push({ id: p.id, keys: p.keys, peers: due });
    }
    return out;
  }

  /** Expires polls older than the timeout and returns the completed ones, in start order. */
  collect(now: number): CompletedPoll[] {
    for (const p of this.polls) if (now - p.startedAt >= this.timeoutMs) p.expire();
    const out: CompletedPoll[] = [];
    while (this.polls.length > 0 && this.polls[0]!.done) {
      const p = this.polls.shift()!;
      this.byId.delete(p.id);
      out.push({ id: p.id, peers: p.peers, answered: p.answered, timedOut: p.timedOut, tallies: p.tallies, sources: p.sources });
    }
    return out;
  }
}
