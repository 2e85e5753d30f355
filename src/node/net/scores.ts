/**
 * Our own peer penalties, on top of gossipsub's scoring: invalid frames, undecodable messages,
 * rate-limit overruns and the engine's `penalize` effects add weight to a peer's score; the
 * score decays by half every `halfLifeMs` (in one-second steps); at `banThreshold` the peer is disconnected and
 * refused for `banMs`. Bounded: at most `maxPeers` scores are tracked (the lowest is forgotten).
 */
export interface ScoreOptions {
  readonly banThreshold: number;
  readonly banMs: number;
  readonly halfLifeMs: number;
  readonly maxPeers: number;
}

export const DECAY_STEP_MS = 1000;

export const DEFAULT_SCORE_OPTIONS: ScoreOptions = Object.freeze({ banThreshold: 100, banMs: 600_000, halfLifeMs: 60_000, maxPeers: 4096 });

interface Score {
  value: number;
  at: number;
}

export class PeerScores {
  private readonly scores = new Map<string, Score>();
  private readonly bans = new Map<string, number>();

  constructor(private readonly options: ScoreOptions = DEFAULT_SCORE_OPTIONS) {}

  /**
   * Decay in whole steps of DECAY_STEP_MS, so penalties given within the same step add up
   * exactly (N penalties of weight w reach N * w, and the ban threshold is an exact count).
   */
  private decayed(s: Score, now: number): number {
    const steps = Math.floor(Math.max(0, now - s.at) / DECAY_STEP_MS);
    return steps === 0 ? s.value : s.value * 0.5 ** ((steps * DECAY_STEP_MS) / this.options.halfLifeMs);
  }

  score(peer: string, now: number): number {
    const s = this.scores.get(peer);
    return s === undefined ? 0 : this.decayed(s, now);
  }

  /** Adds `weight`; returns true when this pushes the peer over the ban threshold. */
  penalize(peer: string, weight: number, now: number): boolean {
    if (!(weight > 0)) return false;
    const s = this.scores.get(peer);
    const value = (s === undefined ? 0 : this.decayed(s, now)) + weight;
    if (s === undefined && this.scores.size >= this.options.maxPeers) this.evictLowest(now);
    // Keep the step origin: re-stamping on every penalty would never let a steady trickle decay.
    const at = s === undefined ? now : s.at + Math.floor(Math.max(0, now - s.at) / DECAY_STEP_MS) * DECAY_STEP_MS;
    this.scores.set(peer, { value, at });
    if (value >= this.options.banThreshold) {
      this.bans.set(peer, now + this.options.banMs);
      this.scores.delete(peer);
      if (this.bans.size > this.options.maxPeers) {
        const oldest = this.bans.keys().next().value;
        if (oldest !== undefined) this.bans.delete(oldest);
      }
      return true;
    }
    return false;
  }

  isBanned(peer: string, now: number): boolean {
    const until = this.bans.get(peer);
    if (until === undefined) return false;
    if (now >= until) {
      this.bans.delete(peer);
      return false;
    }
    return true;
  }

  get tracked(): number {
    return this.scores.size;
  }

  get banned(): number {
    return this.bans.size;
  }

  private evictLowest(now: number): void {
    let lowest: string | undefined;
    let min = Infinity;
    for (const [k, s] of this.scores) {
      const v = this.decayed(s, now);
      if (v < min) {
        min = v;
        lowest = k;
      }
    }
    if (lowest !== undefined) this.scores.delete(lowest);
  }
}
