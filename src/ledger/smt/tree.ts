/**
 * A persistent, compact sparse Merkle tree over 256-bit keys.
 *
 * Shape: a leaf sits at the shallowest depth on its key's path where no other key shares the
 * prefix; an empty subtree is a single shared EMPTY node; a branch always has at least two
 * leaves below it. So the shape, and the root, depend only on the set of (key, account) pairs,
 * never on the order they arrived in.
 *
 * Persistence: nodes are never mutated after construction (except their hash cache, which is
 * a pure function of the contents). An update copies the path from the root to each changed
 * leaf and shares every untouched subtree, so every older root stays valid.
 *
 * Laziness: a node's hash is computed on first request and cached. Updates are applied as one
 * batch per block, so each touched branch is built once and hashed once per block, not once
 * per transaction.
 */
import { assert } from '../../core/assert.js';
import type { Account, Address, Hash } from '../account.js';
import { SMT_DEPTH } from '../limits.js';
import { EMPTY_HASH, bitAt, branchHash, leafHash } from './hashing.js';

export interface SmtEmpty {
  readonly kind: 0;
  hash(): Hash;
}

export class SmtLeaf {
  readonly kind = 1 as const;
  private cached: Hash | undefined;

  constructor(
    readonly key: Hash,
    /** Kept so the state can be listed (snapshots); the hash binds only the key. */
    readonly address: Address,
    readonly account: Account,
  ) {}

  hash(): Hash {
    if (this.cached === undefined) this.cached = leafHash(this.key, this.account);
    return this.cached;
  }
}

export class SmtBranch {
  readonly kind = 2 as const;
  private cached: Hash | undefined;

  constructor(
    readonly left: SmtNode,
    readonly right: SmtNode,
  ) {}

  hash(): Hash {
    if (this.cached === undefined) this.cached = branchHash(this.left.hash(), this.right.hash());
    return this.cached;
  }
}

export type SmtNode = SmtEmpty | SmtLeaf | SmtBranch;

export const SMT_EMPTY: SmtEmpty = Object.freeze({ kind: 0 as const, hash: () => EMPTY_HASH });

function sameKey(a: Hash, b: Hash): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The leaf stored under `key`, or undefined. */
export function smtGet(root: SmtNode, key: Hash): SmtLeaf | undefined {
  let node = root;
  let depth = 0;
  while (node.kind === 2) {
    node = bitAt(key, depth) === 0 ? node.left : node.right;
    depth++;
  }
  return node.kind === 1 && sameKey(node.key, key) ? node : undefined;
}

function partition(leaves: readonly SmtLeaf[], depth: number): [SmtLeaf[], SmtLeaf[]] {
  const left: SmtLeaf[] = [];
  const right: SmtLeaf[] = [];
  for (const leaf of leaves) (bitAt(leaf.key, depth) === 0 ? left : right).push(leaf);
  return [left, right];
}

/** A canonical subtree at `depth` holding exactly `leaves` (distinct keys, sharing the prefix). */
function build(leaves: readonly SmtLeaf[], depth: number): SmtNode {
  if (leaves.length === 0) return SMT_EMPTY;
  if (leaves.length === 1) return leaves[0]!;
  assert(depth < SMT_DEPTH, 'distinct keys split before depth 256');
  const [left, right] = partition(leaves, depth);
  return new SmtBranch(build(left, depth + 1), build(right, depth + 1));
}

function update(node: SmtNode, depth: number, leaves: readonly SmtLeaf[]): SmtNode {
  if (leaves.length === 0) return node;
  if (node.kind === 0) return build(leaves, depth);
  if (node.kind === 1) {
    // The old leaf survives unless one of the new leaves replaces it.
    let replaced = false;
    for (const leaf of leaves) if (sameKey(leaf.key, node.key)) replaced = true;
    return build(replaced ? leaves : [...leaves, node], depth);
  }
  const [left, right] = partition(leaves, depth);
  const newLeft = update(node.left, depth + 1, left);
  const newRight = update(node.right, depth + 1, right);
  return newLeft === node.left && newRight === node.right ? node : new SmtBranch(newLeft, newRight);
}

/**
 * Inserts or replaces every leaf in `leaves` (keys must be distinct) and returns the new root.
 * Deletion is not offered: accounts are never removed (their nonce guards against replay).
 */
export function smtUpdate(root: SmtNode, leaves: readonly SmtLeaf[]): SmtNode {
  return update(root, 0, leaves);
}

/** The path to `key`: sibling hashes from the root down (null = empty) and the node reached. */
export function smtPath(root: SmtNode, key: Hash): { siblings: (Hash | null)[]; terminal: SmtEmpty | SmtLeaf } {
  const siblings: (Hash | null)[] = [];
  let node = root;
  let depth = 0;
  while (node.kind === 2) {
    const goRight = bitAt(key, depth) === 1;
    const sibling = goRight ? node.left : node.right;
    siblings.push(sibling.kind === 0 ? null : sibling.hash());
    node = goRight ? node.right : node.left;
    depth++;
  }
  return { siblings, terminal: node };
}

/** Every leaf in key order (left subtree first). */
export function* smtLeaves(root: SmtNode): Generator<SmtLeaf> {
  const stack: SmtNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 1) yield node;
    else if (node.kind === 2) stack.push(node.right, node.left);
  }
}
