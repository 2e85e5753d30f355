/**
 * Precomputed tagged hashers. Output is bit-identical to core `taggedHash(tag, ...parts)`
 * (SHA-256(len(tag) || tag || parts)); building the prefix once per tag instead of once per
 * call matters in the Merkle tree, which hashes millions of nodes.
 */
import { concatBytes, utf8 } from '../core/bytes.js';
import { sha256Concat } from '../core/crypto/sha256.js';
import { assert } from '../core/assert.js';

export type Hasher = (...parts: readonly Uint8Array[]) => Uint8Array;

export function taggedHasher(tag: string): Hasher {
  const t = utf8(tag);
  assert(t.length < 256, 'tag length fits one byte');
  const prefix = concatBytes(Uint8Array.of(t.length), t);
  return (...parts) => sha256Concat(prefix, ...parts);
}

/** Every tag the ledger hashes under; tests pin them against core `taggedHash`. */
export const TAGS = Object.freeze({
  txPayload: 'thermo/tx',
  txId: 'thermo/txid',
  header: 'thermo/header',
  smtEmpty: 'thermo/smt/empty',
  smtLeaf: 'thermo/smt/leaf',
  smtBranch: 'thermo/smt/branch',
  txRootEmpty: 'thermo/txroot/empty',
  txRootLeaf: 'thermo/txroot/leaf',
  txRootNode: 'thermo/txroot/node',
  devKey: 'thermo/dev-key',
});
