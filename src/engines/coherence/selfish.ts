/**
 * The selfish-mining strategy of Eyal and Sirer ("Majority is not enough: Bitcoin mining is
 * vulnerable", Financial Cryptography 2014, Algorithm 1), as a state machine the engine consults
 * when it runs as the 'selfish' adversary. The pool mines on its private chain and publishes
 * strategically:
 *
 *   on its own block:   Δ = privateLen - publicLen (before the block); append it;
 *                       if Δ = 0 and privateBranchLen = 2: publish all (win by one); reset.
 *   on others' block:   Δ = privateLen - publicLen (before the block);
 *                       Δ <= 0: adopt the public chain (privateBranchLen = 0)
 *                       Δ = 1:  publish the last private block (a race; honest nodes split by
 *                               first-seen, the paper's gamma comes from the network)
 *                       Δ = 2:  publish all (lead of one wins); reset
 *                       Δ > 2:  publish the first unpublished block
 *
 * Lengths are heights (the paper's model has equal difficulty per block; with ASERT the
 * per-block work differs slightly and honest fork choice uses work, a deviation noted in the
 * doc). The public chain is the highest block the honest network has seen: received blocks
 * and the pool's own published ones.
 */
import type { ChainEntry } from './chain.js';

export class SelfishStrategy {
  private privateHead: ChainEntry;
  private publicHead: ChainEntry;
  /** Private blocks not yet published, oldest first. */
  private unpublished: ChainEntry[] = [];
  private privateBranchLen = 0;
  /** Hashes the pool has made public (it serves only these to peers). */
  readonly published = new Set<string>();

  constructor(genesis: ChainEntry) {
    this.privateHead = genesis;
    this.publicHead = genesis;
    this.published.add(genesis.hashHex);
  }

  /** Where the pool mines. */
  get miningParent(): ChainEntry {
    return this.privateHead;
  }

  get lead(): number {
    return this.privateHead.height - this.publicHead.height;
  }

  /** The pool found `block` on its private head; returns the blocks to publish now. */
  onOwnBlock(block: ChainEntry): readonly ChainEntry[] {
    const delta = this.privateHead.height - this.publicHead.height;
    this.privateHead = block;
    this.unpublished.push(block);
    this.privateBranchLen++;
    if (delta === 0 && this.privateBranchLen === 2) {
      const out = this.publishAll();
      this.privateBranchLen = 0;
      return out;
    }
    return [];
  }

  /** An honest block arrived (valid, in the tree); returns the blocks to publish now. */
  onOthersBlock(block: ChainEntry): readonly ChainEntry[] {
    this.published.add(block.hashHex);
    if (block.height <= this.publicHead.height) return [];
    const delta = this.privateHead.height - this.publicHead.height;
    this.publicHead = block;
    if (delta <= 0) {
      this.privateHead = block;
      this.unpublished = [];
      this.privateBranchLen = 0;
      return [];
    }
    if (delta === 1) return this.publish(this.unpublished.length);
    if (delta === 2) {
      const out = this.publishAll();
      this.privateBranchLen = 0;
      return out;
    }
    return this.publish(1);
  }

  private publishAll(): readonly ChainEntry[] {
    return this.publish(this.unpublished.length);
  }

  /** Publishes the first `count` unpublished blocks (oldest first) and all before them. */
  private publish(count: number): readonly ChainEntry[] {
    const out = this.unpublished.splice(0, count);
    for (const b of out) {
      this.published.add(b.hashHex);
      if (b.height > this.publicHead.height) this.publicHead = b;
    }
    return out;
  }
}
