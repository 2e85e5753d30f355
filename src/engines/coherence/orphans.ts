/**
 * The orphan pool: blocks whose parent is not known yet, held while the parent is fetched
 * (`get-block` to the peer that sent the orphan). Bounded: at most `max` blocks; when full, a new
 * orphan is refused (COHERENCE_ORPHAN_POOL_FULL, no penalty: an honest peer ahead of us sends
 * such blocks), so a peer cannot make us hold unbounded unvalidated data. Only cheap checks are
 * possible without the parent (size, seal shape, proof of work against the claimed target);
 * everything else is checked when the block connects.
 */
import { toHex } from '../../core/index.js';
import type { Block } from '../../ledger/index.js';
import { blockHash } from '../../ledger/index.js';
import { CoherenceError } from './errors.js';

export interface Orphan {
  readonly block: Block;
  readonly hashHex: string;
  readonly parentHex: string;
  readonly from: number;
  readonly size: number;
}

export class OrphanPool {
  private readonly byHash = new Map<string, Orphan>();
  private readonly byParent = new Map<string, Set<string>>();

  /** Orphans held per sender (a block is held once, under the first peer that sent it). */
  private readonly perPeer = new Map<number, number>();

  /**
   * maxPerPeer: one sender's share. Without it a Byzantine peer flooding cheap junk blocks
   * (their proof of work checked against their own claimed target) filled the pool, every real
   * block of the chain a restarted node was fetching was refused, and after the sync hold that
   * node finalized its own fork (swarm seed 960 in a 150 s run: n = 16, four flooding peers).
   */
  constructor(
    readonly max: number,
    readonly maxPerPeer: number = max,
  ) {}

  get size(): number {
    return this.byHash.size;
  }

  has(hashHex: string): boolean {
    return this.byHash.has(hashHex);
  }

  /** Holds `block`; false when already held. Throws COHERENCE_ORPHAN_POOL_FULL when full. */
  add(block: Block, from: number, size: number): boolean {
    const hashHex = toHex(blockHash(block));
    if (this.byHash.has(hashHex)) return false;
    if (this.byHash.size >= this.max) throw new CoherenceError({ code: 'COHERENCE_ORPHAN_POOL_FULL', max: this.max });
    const held = this.perPeer.get(from) ?? 0;
    if (held >= this.maxPerPeer) throw new CoherenceError({ code: 'COHERENCE_ORPHAN_PEER_FULL', peer: from, maxPerPeer: this.maxPerPeer });
    this.perPeer.set(from, held + 1);
    const parentHex = toHex(block.header.parents[0]!);
    this.byHash.set(hashHex, Object.freeze({ block, hashHex, parentHex, from, size }));
    let kids = this.byParent.get(parentHex);
    if (kids === undefined) {
      kids = new Set();
      this.byParent.set(parentHex, kids);
    }
    kids.add(hashHex);
    return true;
  }

  /**
   * The block an orphan chain above `hashHex` is missing: follow parents through held orphans
   * until a parent that is not held (at most `max` steps, the pool's bound).
   */
  missingAncestor(parentHex: string): string {
    let p = parentHex;
    for (let steps = 0; steps <= this.max; steps++) {
      const o = this.byHash.get(p);
      if (o === undefined) return p;
      p = o.parentHex;
    }
    return p;
  }

  /** Removes and returns the orphans whose parent is `parentHex`, in arrival order. */
  takeChildren(parentHex: string): readonly Orphan[] {
    const kids = this.byParent.get(parentHex);
    if (kids === undefined) return [];
    this.byParent.delete(parentHex);
    const out: Orphan[] = [];
    for (const h of kids) {
      const o = this.byHash.get(h);
      if (o !== undefined) {
        this.byHash.delete(h);
        this.release(o.from);
        out.push(o);
      }
    }
    return out;
  }

  /** The greatest height among held orphans (-1 when none): how far a chain we cannot connect yet goes. */
  maxHeight(): number {
    let max = -1;
    for (const o of this.byHash.values()) if (o.block.header.height > max) max = o.block.header.height;
    return max;
  }

  /** Drops orphans at or below `height` (they can no longer connect above the finalized root). */
  dropAtOrBelow(height: number): void {
    for (const o of [...this.byHash.values()]) {
      if (o.block.header.height <= height) {
        this.byHash.delete(o.hashHex);
        this.release(o.from);
        const kids = this.byParent.get(o.parentHex);
        kids?.delete(o.hashHex);
        if (kids !== undefined && kids.size === 0) this.byParent.delete(o.parentHex);
      }
    }
  }

  private release(from: number): void {
    const left = (this.perPeer.get(from) ?? 1) - 1;
    if (left <= 0) this.perPeer.delete(from);
    else this.perPeer.set(from, left);
  }
}
