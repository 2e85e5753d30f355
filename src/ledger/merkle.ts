/**
 * The transactions root: a binary Merkle tree over tx ids, in block order.
 *   no leaves:  taggedHash('thermo/txroot/empty')
 *   leaf:       taggedHash('thermo/txroot/leaf', id)
 *   node:       taggedHash('thermo/txroot/node', left || right)
 * Odd count at a level: the last node is carried up unchanged (never paired with itself), so
 * unlike Bitcoin's duplicate-last rule the lists [a, b, c] and [a, b, c, c] have different roots.
 * Leaves and nodes hash under different tags, so a node can never pass for a leaf either: a
 * root determines the list of ids.
 */
import type { Hash } from './account.js';
import { HashScratch, TAGS, taggedHasher } from './tagged.js';
import { taggedHash } from '../core/crypto/sha256.js';
import type { Transfer } from './transaction.js';
import { transferId } from './transaction.js';

// One prepared input per rule: a single SHA-256 update per hash (see HashScratch).
const leafInput = new HashScratch(TAGS.txRootLeaf, 32);
const nodeInput = new HashScratch(TAGS.txRootNode, 64);

const hashLeafAnyLength = taggedHasher(TAGS.txRootLeaf);

function hashLeaf(id: Hash): Hash {
  // Ids are 32 bytes; anything else (a caller's own leaves) takes the general, same-bytes path.
  if (id.length !== 32) return hashLeafAnyLength(id);
  leafInput.bytes.set(id, leafInput.offset);
  return leafInput.digest();
}

function hashNode(left: Hash, right: Hash): Hash {
  nodeInput.bytes.set(left, nodeInput.offset);
  nodeInput.bytes.set(right, nodeInput.offset + 32);
  return nodeInput.digest();
}

export const EMPTY_TX_ROOT: Hash = taggedHash(TAGS.txRootEmpty);

export function merkleRoot(ids: readonly Hash[]): Hash {
  if (ids.length === 0) return Uint8Array.from(EMPTY_TX_ROOT);
  let level: Hash[] = ids.map((id) => hashLeaf(id));
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(hashNode(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

export function txRoot(txs: readonly Transfer[]): Hash {
  return merkleRoot(txs.map(transferId));
}
