/**
 * Token buckets: `perSecond` tokens refill continuously up to `burst`; each event takes one.
 * Used for per-peer frame limits (net) and per-IP request limits (api). `KeyedBuckets` keeps at
 * most `maxKeys` buckets, forgetting the least recently used: a flood of fresh keys costs a
 * bounded amount of memory (a forgotten key starts again with a full bucket, which is the
 * price of the bound).
 */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Takes `cost` tokens if available at time `now` (ms). */
  take(now: number, cost = 1): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.perSecond) / 1000);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}

export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string, now: number, cost = 1): boolean {
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = new TokenBucket(this.limit, now);
    } else {
      this.buckets.delete(key); // refresh recency
    }
    this.buckets.set(key, b);
    return b.take(now, cost);
  }

  get size(): number {
    return this.buckets.size;
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}
