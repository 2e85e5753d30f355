/**
 * The replica's tree of blocks above (and including) its last committed block, each with its
 * post-state so a child can be validated by applying it to its parent's state. The root is the
 * last committed block; everything that does not descend from it is dropped at every commit, so
 * the store holds only the uncommitted branches (bounded by MAX_STORE_BLOCKS; a proposal that
 * would exceed it is refused).
 */
import type { Block, LedgerState } from '../../ledger/index.js';
import { HotStuffError } from './errors.js';
import type { QuorumCert } from './messages.js';

export const MAX_STORE_BLOCKS = 4096;

export interface HsNode {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly height: number;
  readonly view: number;
  /** Hex hash of the parent ('' for the genesis block). */
  readonly parentHex: string;
  /** The block's justify QC (the genesis block carries the genesis QC, pointing to itself). */
  readonly qc: QuorumCert;
  readonly state: LedgerState;
  readonly txIds: readonly string[];
}

export class BlockStore {
  private readonly nodes = new Map<string, HsNode>();
  private rootNode: HsNode;

  constructor(
    root: HsNode,
    private readonly max = MAX_STORE_BLOCKS,
  ) {
    this.rootNode = root;
    this.nodes.set(root.hashHex, root);
  }

  get root(): HsNode {
    return this.rootNode;
  }

  get size(): number {
    return this.nodes.size;
  }

  get(hashHex: string): HsNode | undefined {
    return this.nodes.get(hashHex);
  }

  has(hashHex: string): boolean {
    return this.nodes.has(hashHex);
  }

  /** Adds a node whose parent is present. Throws HOTSTUFF_BUFFER_FULL at the bound. */
  add(node: HsNode): void {
    if (this.nodes.has(node.hashHex)) return;
    if (this.nodes.size >= this.max) throw new HotStuffError({ code: 'HOTSTUFF_BUFFER_FULL', what: 'block store', max: this.max });
    this.nodes.set(node.hashHex, node);
  }

  /** The ancestor of `hashHex` at `height` (itself when heights match), if in the store. */
  ancestorAt(hashHex: string, height: number): HsNode | undefined {
    let cur = this.nodes.get(hashHex);
    while (cur !== undefined && cur.height > height) cur = this.nodes.get(cur.parentHex);
    return cur !== undefined && cur.height === height ? cur : undefined;
  }

  /** True when `ancestorHex` (at `ancestorHeight`) is `hashHex` or one of its ancestors. */
  extends(hashHex: string, ancestorHex: string, ancestorHeight: number): boolean {
    if (ancestorHeight <= this.rootNode.height) {
      // Everything in the store descends from the root; below it, only the committed chain.
      return ancestorHeight === this.rootNode.height ? ancestorHex === this.rootNode.hashHex || this.nodes.has(hashHex) : this.nodes.has(hashHex);
    }
    return this.ancestorAt(hashHex, ancestorHeight)?.hashHex === ancestorHex;
  }

  /** Nodes from just above the root up to `hashHex`, in order (empty for the root). */
  pathFromRoot(hashHex: string): readonly HsNode[] {
    const out: HsNode[] = [];
    let cur = this.nodes.get(hashHex);
    while (cur !== undefined && cur.hashHex !== this.rootNode.hashHex) {
      out.push(cur);
      cur = this.nodes.get(cur.parentHex);
    }
    if (cur === undefined) return [];
    return out.reverse();
  }

  /** The highest node descending from (or equal to) `hashHex`; first inserted wins ties. */
  highestDescendant(hashHex: string): HsNode | undefined {
    const base = this.nodes.get(hashHex);
    if (base === undefined) return undefined;
    let best = base;
    for (const node of this.nodes.values()) {
      if (node.height > best.height && this.ancestorAt(node.hashHex, base.height)?.hashHex === hashHex) best = node;
    }
    return best;
  }

  /** Makes `hashHex` (a descendant of the root) the new root; drops what does not descend from it. */
  pruneTo(hashHex: string): void {
    const newRoot = this.nodes.get(hashHex);
    if (newRoot === undefined) return;
    for (const [key, node] of [...this.nodes]) {
      if (key === hashHex) continue;
      if (node.height <= newRoot.height || this.ancestorAt(key, newRoot.height)?.hashHex !== hashHex) this.nodes.delete(key);
    }
    this.rootNode = newRoot;
  }
}
