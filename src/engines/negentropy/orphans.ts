/**
 * Vertices whose parents are not here yet. They wait (bounded: maxOrphans in all, at most
 * maxOrphansPerPeer from one sender, oldest evicted first) until a parent arrives; the engine
 * asks the sender for the missing parents, which it must have had to build or relay the child.
 * Their transfers enter the conflict sets at once (they are checked independently of the DAG),
 * so a vertex whose history was pruned by the time it arrives still delivers its transfers.
 *
 * The request or its answer can be lost: every retryMs an orphan still waiting asks again, the
 * next validator in turn after the sender (the sender may have crashed, and whoever holds the
 * child may hold its parents), at most maxAsks times; then it is dropped (its transfers are
 * already in the conflict sets; a later vertex that needs the same parents asks anew). Before,
 * it asked once: one lost want-ids at 25 % loss left a node with its vertices orphaned and its
 * conflict sets undecided for good (swarm seed 6, n = 4).
 */
import type { Block } from '../../ledger/index.js';

interface Orphan {
  readonly id: string;
  readonly block: Block;
  readonly from: number;
  readonly missing: readonly string[];
  askedAt: number;
  asks: number;
}

/** What to ask again: missing parent ids by the validator to ask. */
export type OrphanAsks = ReadonlyMap<number, readonly string[]>;

export class OrphanPool {
  private readonly byId = new Map<string, Orphan>();
  private readonly waiting = new Map<string, Set<string>>();
  private readonly perPeer = new Map<number, number>();

  constructor(
    private readonly max: number,
    private readonly maxPerPeer: number,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Keeps `block` until one of `missing` arrives (asked of `from` at `now`). False when the sender's share is full. */
  add(id: string, block: Block, from: number, missing: readonly string[], now = 0): boolean {
    if (this.byId.has(id) || this.max === 0) return false;
    if ((this.perPeer.get(from) ?? 0) >= this.maxPerPeer) return false;
    if (this.byId.size >= this.max) {
      const oldest = this.byId.keys().next().value;
      if (oldest !== undefined) this.delete(oldest);
    }
    this.byId.set(id, { id, block, from, missing, askedAt: now, asks: 1 });
    this.perPeer.set(from, (this.perPeer.get(from) ?? 0) + 1);
    for (const p of missing) {
      let s = this.waiting.get(p);
      if (s === undefined) this.waiting.set(p, (s = new Set()));
      s.add(id);
    }
    return true;
  }

  /** Removes and returns the orphans waiting for `parent`. */
  release(parent: string): { readonly block: Block; readonly from: number }[] {
    const ids = this.waiting.get(parent);
    if (ids === undefined) return [];
    const out: { block: Block; from: number }[] = [];
    for (const id of ids) {
      const o = this.byId.get(id);
      if (o === undefined) continue;
      out.push({ block: o.block, from: o.from });
      this.delete(id);
    }
    this.waiting.delete(parent);
    return out;
  }

  /**
   * The orphans whose last request is retryMs old ask again (the k-th request goes to the
   * (k - 1)-th validator after the sender, this node not counted); those that asked maxAsks
   * times are dropped.
   */
  retry(now: number, retryMs: number, maxAsks: number, n: number, self: number): OrphanAsks {
    const asks = new Map<number, string[]>();
    const expired: string[] = [];
    for (const o of this.byId.values()) {
      if (now - o.askedAt < retryMs) continue;
      if (o.asks >= maxAsks) {
        expired.push(o.id);
        continue;
      }
      // The asks-th validator after the sender, counting every validator but this one.
      let peer = o.from;
      for (let step = 0; step < o.asks; step++) {
        peer = (peer + 1) % n;
        if (peer === self) peer = (peer + 1) % n;
      }
      o.asks++;
      o.askedAt = now;
      if (peer === self) continue; // n = 1
      let ids = asks.get(peer);
      if (ids === undefined) asks.set(peer, (ids = []));
      for (const p of o.missing) if (!ids.includes(p)) ids.push(p);
    }
    for (const id of expired) this.delete(id);
    return asks;
  }

  private delete(id: string): void {
    const o = this.byId.get(id);
    if (o === undefined) return;
    this.byId.delete(id);
    const left = (this.perPeer.get(o.from) ?? 1) - 1;
    if (left <= 0) this.perPeer.delete(o.from);
    else this.perPeer.set(o.from, left);
    for (const p of o.missing) {
      const s = this.waiting.get(p);
      if (s === undefined) continue;
      s.delete(id);
      if (s.size === 0) this.waiting.delete(p);
    }
  }
}
