/**
 * Hashing rules of the sparse Merkle tree, each under its own tag so no node kind can pass for
 * another:
 *   key(address)       = SHA-256(address)                              (the 256-bit path)
 *   empty subtree      = taggedHash('thermo/smt/empty')                (one constant, any depth)
 *   leaf(key, account) = taggedHash('thermo/smt/leaf', key || u64be(balance) || u64be(nonce))
 *   branch(l, r)       = taggedHash('thermo/smt/branch', l || r)
 * The leaf binds its full key, so a leaf hashes the same at whatever depth it sits: that is
 * what lets the compact tree store a leaf at the shallowest depth where it is alone.
 */
import { sha256 } from '../../core/crypto/sha256.js';
import { taggedHash } from '../../core/crypto/sha256.js';
import { accountBytes } from '../account.js';
import type { Account, Address, Hash } from '../account.js';
import { HashScratch, TAGS, taggedHasher } from '../tagged.js';

const hashLeaf = taggedHasher(TAGS.smtLeaf);
const hashBranch = taggedHasher(TAGS.smtBranch);

/** The hash of an empty subtree, and so the state root of an empty ledger. */
export const EMPTY_HASH: Hash = taggedHash(TAGS.smtEmpty);

export function smtKey(address: Address): Hash {
  return sha256(address);
}

export function leafHash(key: Hash, account: Account): Hash {
  return hashLeaf(key, accountBytes(account));
}

export function branchHash(left: Hash, right: Hash): Hash {
  return hashBranch(left, right);
}

/** Scratch for leaf hashes: payload key || u64be(balance) || u64be(nonce), 48 bytes. */
export function leafScratch(): HashScratch {
  return new HashScratch(TAGS.smtLeaf, 48);
}

/** Scratch for branch hashes: payload left || right, 64 bytes. */
export function branchScratch(): HashScratch {
  return new HashScratch(TAGS.smtBranch, 64);
}

/** Bit `depth` of the key, most significant bit of byte 0 first; 0 goes left. */
export function bitAt(key: Hash, depth: number): number {
  return (key[depth >> 3]! >> (7 - (depth & 7))) & 1;
}
