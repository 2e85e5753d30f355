/**
 * A set of strings that forgets its oldest member once it holds `max`: the shape of the ledger's
 * cross-object caches, where forgetting only costs recomputation and never correctness.
 */
import { assert } from '../core/assert.js';

export class BoundedIdSet {
  // A JS Set iterates in insertion order, so its first member is the oldest.
  private readonly ids = new Set<string>();

  constructor(readonly max: number) {
    assert(Number.isSafeInteger(max) && max >= 1, 'BoundedIdSet max must be a positive integer');
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds `id` (a member already present keeps its age), evicting the oldest when full. */
  add(id: string): void {
    if (this.ids.has(id)) return;
    if (this.ids.size >= this.max) {
      const oldest = this.ids.values().next();
      if (oldest.done !== true) this.ids.delete(oldest.value);
    }
    this.ids.add(id);
  }

  clear(): void {
    this.ids.clear();
  }
}
