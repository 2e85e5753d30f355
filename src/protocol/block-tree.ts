/**
 * A tree of blocks rooted at the latest finalized (or genesis) block, with most-cumulative-work
 * fork choice (Nakamoto; for equal work the block seen first stays head, as in Bitcoin Core).
 * Engines with chains (coherence, and the BFT engines' uncommitted branches) reuse it.
 *
 * It answers: the head, the path between two blocks for a reorg (blocks to revert, blocks to
 * apply), ancestors by height. It is bounded: at most `maxBlocks` blocks; `pruneTo(id)` makes a
 * block the new root and drops everything that does not descend from it.
 *
 * Fork-choice rule in Lodestar's terms: this is the proto-array's job for a PoW chain, without
 * attestations: weight = cumulative work.
 */
import { ProtocolError } from './errors.js';

export const DEFAULT_MAX_TREE_BLOCKS = 100_000;

export interface TreeBlock<B> {
  readonly id: string;
  readonly parent: string | null;
  readonly height: number;
  /** Work of this block alone (expected hashes to find it). */
  readonly work: bigint;
  /** Work of the chain from the tree's genesis through this block. */
  readonly totalWork: bigint;
  /** Arrival order, for the first-seen tie break. */
  readonly seenOrder: number;
  readonly block: B;
}

export interface ReorgPath {
  /** Blocks to undo, from the old head down to (excluding) the common ancestor. */
  readonly revert: readonly string[];
  /** Blocks to apply, from just above the common ancestor up to the new head. */
  readonly apply: readonly string[];
  readonly commonAncestor: string;
}

export class BlockTree<B> {
  private readonly blocks = new Map<string, TreeBlock<B>>();
  private readonly children = new Map<string, string[]>();
  private rootId: string;
  private headId: string;
  private seen = 0;

  constructor(
    root: { readonly id: string; readonly height: number; readonly work: bigint; readonly block: B },
    private readonly maxBlocks = DEFAULT_MAX_TREE_BLOCKS,
  ) {
    const node: TreeBlock<B> = Object.freeze({
      id: root.id,
      parent: null,
      height: root.height,
      work: root.work,
      totalWork: root.work,
      seenOrder: this.seen++,
      block: root.block,
    });
    this.blocks.set(root.id, node);
    this.rootId = root.id;
    this.headId = root.id;
  }

  get size(): number {
    return this.blocks.size;
  }

  get root(): TreeBlock<B> {
    return this.blocks.get(this.rootId)!;
  }

  get head(): TreeBlock<B> {
    return this.blocks.get(this.headId)!;
  }

  has(id: string): boolean {
    return this.blocks.has(id);
  }

  get(id: string): TreeBlock<B> | undefined {
    return this.blocks.get(id);
  }

  /**
   * Adds a block whose parent is in the tree. Returns true when the head changed. A block already
   * present is ignored (false). Heights must be parent + 1.
   */
  add(id: string, parent: string, height: number, work: bigint, block: B): boolean {
    if (this.blocks.has(id)) return false;
    const p = this.blocks.get(parent);
    if (p === undefined) throw new ProtocolError({ code: 'PROTOCOL_UNKNOWN_PARENT', id, parent });
    if (height !== p.height + 1) throw new ProtocolError({ code: 'PROTOCOL_BAD_HEIGHT', id, height, expected: p.height + 1 });
    if (this.blocks.size >= this.maxBlocks) throw new ProtocolError({ code: 'PROTOCOL_TREE_FULL', max: this.maxBlocks });
    const node: TreeBlock<B> = Object.freeze({
      id,
      parent,
      height,
      work,
      totalWork: p.totalWork + work,
      seenOrder: this.seen++,
      block,
    });
    this.blocks.set(id, node);
    const siblings = this.children.get(parent);
    if (siblings === undefined) this.children.set(parent, [id]);
    else siblings.push(id);
    if (node.totalWork > this.head.totalWork) {
      this.headId = id;
      return true;
    }
    return false;
  }

  /** The ancestor of `id` at `height` (the block itself when heights match). */
  ancestorAt(id: string, height: number): TreeBlock<B> | undefined {
    let cur = this.blocks.get(id);
    while (cur !== undefined && cur.height > height) cur = cur.parent === null ? undefined : this.blocks.get(cur.parent);
    return cur !== undefined && cur.height === height ? cur : undefined;
  }

  /** True when `ancestor` is `id` or one of its ancestors. */
  isAncestor(ancestor: string, id: string): boolean {
    const a = this.blocks.get(ancestor);
    if (a === undefined) return false;
    return this.ancestorAt(id, a.height)?.id === ancestor;
  }

  /** Blocks from just above the root up to `id`, in order. */
  chainTo(id: string): readonly TreeBlock<B>[] {
    const out: TreeBlock<B>[] = [];
    let cur = this.blocks.get(id);
    if (cur === undefined) throw new ProtocolError({ code: 'PROTOCOL_UNKNOWN_BLOCK', id });
    while (cur !== undefined && cur.id !== this.rootId) {
      out.push(cur);
      cur = cur.parent === null ? undefined : this.blocks.get(cur.parent);
    }
    return out.reverse();
  }

  /** What to undo and redo to move from block `from` to block `to`. */
  reorgPath(from: string, to: string): ReorgPath {
    let a = this.blocks.get(from);
    let b = this.blocks.get(to);
    if (a === undefined) throw new ProtocolError({ code: 'PROTOCOL_UNKNOWN_BLOCK', id: from });
    if (b === undefined) throw new ProtocolError({ code: 'PROTOCOL_UNKNOWN_BLOCK', id: to });
    const revert: string[] = [];
    const apply: string[] = [];
    while (a.height > b.height) {
      revert.push(a.id);
      a = this.blocks.get(a.parent!)!;
    }
    while (b.height > a.height) {
      apply.push(b.id);
      b = this.blocks.get(b.parent!)!;
    }
    while (a.id !== b.id) {
      revert.push(a.id);
      apply.push(b.id);
      a = this.blocks.get(a.parent!)!;
      b = this.blocks.get(b.parent!)!;
    }
    return { revert, apply: apply.reverse(), commonAncestor: a.id };
  }

  /**
   * Makes `id` the new root (it becomes final): drops every block that does not descend from it.
   * The head must descend from the new root, else finality would contradict fork choice.
   */
  pruneTo(id: string): void {
    const newRoot = this.blocks.get(id);
    if (newRoot === undefined) throw new ProtocolError({ code: 'PROTOCOL_UNKNOWN_BLOCK', id });
    if (!this.isAncestor(id, this.headId)) {
      throw new ProtocolError({ code: 'PROTOCOL_BELOW_FINALIZED', id: this.headId, height: this.head.height, finalizedHeight: newRoot.height });
    }
    const keep = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const cur = stack.pop()!;
      keep.add(cur);
      for (const child of this.children.get(cur) ?? []) stack.push(child);
    }
    for (const key of [...this.blocks.keys()]) {
      if (!keep.has(key)) {
        this.blocks.delete(key);
        this.children.delete(key);
      }
    }
    this.rootId = id;
  }

  /** Tips: blocks without children. */
  tips(): readonly TreeBlock<B>[] {
    const out: TreeBlock<B>[] = [];
    for (const block of this.blocks.values()) if ((this.children.get(block.id)?.length ?? 0) === 0) out.push(block);
    return out;
  }
}
