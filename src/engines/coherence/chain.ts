/**
 * The node's view of the chain: a BlockTree (src/protocol; most cumulative work, first seen on
 * ties) of validated blocks rooted at the last finalized block, each with the ledger state after
 * it. The ledger state is persistent (structure-shared), so keeping one per block is cheap and
 * a reorg is just "switch to the kept state of the new head": the state after the common
 * ancestor plus the re-applied winning blocks is exactly what was computed when each of them
 * was validated against its own parent.
 *
 * Finality (probabilistic, as any PoW chain): the block `confirmations` deep in the best chain
 * is finalized and becomes the tree's root; blocks that do not descend from it are dropped, and
 * a later block forking below it is refused (COHERENCE_BELOW_FINALIZED).
 */
import { BlockTree } from '../../protocol/index.js';
import type { ReorgPath, TreeBlock } from '../../protocol/index.js';
import type { Block, LedgerState } from '../../ledger/index.js';
import type { DifficultyParent } from './difficulty/index.js';

export interface ChainEntry extends DifficultyParent {
  readonly hash: Uint8Array;
  readonly hashHex: string;
  /** null for the virtual genesis block. */
  readonly block: Block | null;
  readonly state: LedgerState;
  /** Units minted from genesis through this block. */
  readonly minted: bigint;
}

/** Finalized blocks remembered (for serving peers and for below-finalized detection). */
export const KEEP_FINALIZED = 1024;

export class Chain {
  private tree: BlockTree<ChainEntry>;
  private readonly finalizedByHash = new Map<string, ChainEntry>();
  private readonly finalizedByHeight = new Map<number, ChainEntry>();

  constructor(root: ChainEntry, work: bigint, maxBlocks?: number) {
    this.tree = new BlockTree<ChainEntry>({ id: root.hashHex, height: root.height, work, block: root }, maxBlocks);
    this.rememberFinal(root);
  }

  get head(): ChainEntry {
    return this.tree.head.block;
  }

  get headNode(): TreeBlock<ChainEntry> {
    return this.tree.head;
  }

  get root(): ChainEntry {
    return this.tree.root.block;
  }

  get size(): number {
    return this.tree.size;
  }

  node(hashHex: string): TreeBlock<ChainEntry> | undefined {
    return this.tree.get(hashHex);
  }

  /** A block in the tree or among the remembered finalized ones. */
  find(hashHex: string): ChainEntry | undefined {
    return this.tree.get(hashHex)?.block ?? this.finalizedByHash.get(hashHex);
  }

  isFinalizedHash(hashHex: string): boolean {
    return this.finalizedByHash.has(hashHex);
  }

  finalizedAt(height: number): ChainEntry | undefined {
    return this.finalizedByHeight.get(height);
  }

  /** Adds a validated block whose parent is in the tree; true when the head changed. */
  add(entry: ChainEntry, parentHex: string, work: bigint): boolean {
    return this.tree.add(entry.hashHex, parentHex, entry.height, work, entry);
  }

  reorgPath(from: string, to: string): ReorgPath {
    return this.tree.reorgPath(from, to);
  }

  ancestorAt(hashHex: string, height: number): ChainEntry | undefined {
    return this.tree.ancestorAt(hashHex, height)?.block;
  }

  /**
   * Blocks that became `k` deep in the best chain since the last call, oldest first; the
   * deepest becomes the new root.
   */
  finalize(k: number): readonly ChainEntry[] {
    const head = this.tree.head;
    const target = head.height - k;
    const root = this.tree.root;
    if (target <= root.height) return [];
    const out: ChainEntry[] = [];
    for (let h = root.height + 1; h <= target; h++) {
      const e = this.tree.ancestorAt(head.id, h);
      if (e === undefined) break;
      out.push(e.block);
    }
    if (out.length === 0) return out;
    const last = out[out.length - 1]!;
    this.tree.pruneTo(last.hashHex);
    for (const e of out) this.rememberFinal(e);
    return out;
  }

  private rememberFinal(e: ChainEntry): void {
    this.finalizedByHash.set(e.hashHex, e);
    this.finalizedByHeight.set(e.height, e);
    const old = this.finalizedByHeight.get(e.height - KEEP_FINALIZED);
    if (old !== undefined) {
      this.finalizedByHeight.delete(old.height);
      this.finalizedByHash.delete(old.hashHex);
    }
  }
}
