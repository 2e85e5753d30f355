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
import { EMPTY_HASH, bitAt, branchScratch, leafScratch } from './hashing.js';

export interface SmtEmpty {
  readonly kind: 0;
  hash(): Hash;
  /** Writes the 32-byte hash at `out[offset..offset+32)`. */
  writeHash(out: Uint8Array, offset: number): void;
}

/*
 * Cached hashes live in eight int32 fields on the node rather than in a Uint8Array: a tree of
 * a million accounts then holds no per-node byte arrays (each of which costs several heap
 * objects and an external buffer), which cut GC time roughly in half at 1 M accounts. `hash()`
 * materialises a fresh copy on demand.
 */
abstract class Hashed {
  protected hashed = false;
  private h0 = 0;
  private h1 = 0;
  private h2 = 0;
  private h3 = 0;
  private h4 = 0;
  private h5 = 0;
  private h6 = 0;
  private h7 = 0;

  protected abstract compute(): Hash;

  /** Computes and caches the hash (children first, recursively). */
  ensureHash(): void {
    if (this.hashed) return;
    const d = this.compute();
    this.h0 = word(d, 0);
    this.h1 = word(d, 4);
    this.h2 = word(d, 8);
    this.h3 = word(d, 12);
    this.h4 = word(d, 16);
    this.h5 = word(d, 20);
    this.h6 = word(d, 24);
    this.h7 = word(d, 28);
    this.hashed = true;
  }

  writeHash(out: Uint8Array, offset: number): void {
    this.ensureHash();
    putWord(out, offset, this.h0);
    putWord(out, offset + 4, this.h1);
    putWord(out, offset + 8, this.h2);
    putWord(out, offset + 12, this.h3);
    putWord(out, offset + 16, this.h4);
    putWord(out, offset + 20, this.h5);
    putWord(out, offset + 24, this.h6);
    putWord(out, offset + 28, this.h7);
  }

  hash(): Hash {
    const out = new Uint8Array(32);
    this.writeHash(out, 0);
    return out;
  }
}

function word(b: Uint8Array, i: number): number {
  return (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
}

function putWord(out: Uint8Array, i: number, w: number): void {
  out[i] = w >>> 24;
  out[i + 1] = (w >>> 16) & 0xff;
  out[i + 2] = (w >>> 8) & 0xff;
  out[i + 3] = w & 0xff;
}

// Scratch inputs, reused: children are hashed before either is written, so no call below
// `compute` can clobber a scratch buffer that is in use.
const branchInput = branchScratch();
const leafInput = leafScratch();

export class SmtLeaf extends Hashed {
  readonly kind = 1 as const;

  constructor(
    readonly key: Hash,
    /** Kept so the state can be listed (snapshots); the hash binds only the key. */
    readonly address: Address,
    readonly account: Account,
  ) {
    super();
  }

  protected compute(): Hash {
    // Same bytes as leafHash(key, account): key || u64be(balance) || u64be(nonce).
    const o = leafInput.offset;
    leafInput.bytes.set(this.key, o);
    leafInput.view.setBigUint64(o + 32, this.account.balance, false);
    leafInput.view.setUint32(o + 40, Math.floor(this.account.nonce / 0x1_0000_0000), false);
    leafInput.view.setUint32(o + 44, this.account.nonce >>> 0, false);
    return leafInput.digest();
  }
}

export class SmtBranch extends Hashed {
  readonly kind = 2 as const;

  constructor(
    readonly left: SmtNode,
    readonly right: SmtNode,
  ) {
    super();
  }

  protected compute(): Hash {
    // Both children first: computing a child reuses branchInput, so nothing may be written to
    // it until neither child has work left.
    if (this.left.kind !== 0) this.left.ensureHash();
    if (this.right.kind !== 0) this.right.ensureHash();
    this.left.writeHash(branchInput.bytes, branchInput.offset);
    this.right.writeHash(branchInput.bytes, branchInput.offset + 32);
    return branchInput.digest();
  }
}

export type SmtNode = SmtEmpty | SmtLeaf | SmtBranch;

export const SMT_EMPTY: SmtEmpty = Object.freeze({
  kind: 0 as const,
  hash: () => Uint8Array.from(EMPTY_HASH),
  writeHash: (out: Uint8Array, offset: number) => out.set(EMPTY_HASH, offset),
});

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
