/**
 * Validation of a received vertex, without touching the DAG: it returns what the DAG needs to
 * insert it or throws a typed NegentropyError, so rejected input leaves accepted data intact.
 *
 * Checks, cheap first (the ~60-100 us signature checks last):
 *   size                 at most maxTxsPerVertex transfers and maxVertexBytes encoded
 *   shape                consensus.k = vertex, integer consensus.sb, right chain id
 *   parents              1..maxParents (distinct: the ledger header decoder already refuses
 *                        duplicates; height 0 only for the genesis vertex)
 *   proposer             a validator
 *   txRoot               the transfers match the header
 *   transfers            each stateless-valid (chain, amount, not to self); no two of them in
 *                        one conflict set (same sender and nonce) or identical
 *   parents known        else NEG_UNKNOWN_PARENT (the engine keeps it as an orphan and fetches)
 *   height               1 + the largest parent height. Cycles cannot exist: a vertex names its
 *                        parents by hash, so a parent must exist before its child (a cycle
 *                        would need a hash preimage); the height rule is what a cycle would
 *                        have to break, and it is checked.
 *   state root           when the vertex claims a super-block this node knows, its stateRoot
 *                        must be that super-block's root
 *   signatures           the proposer's, then every transfer's
 */
import { toHex } from '../../core/index.js';
import { LedgerError, checkTransferStateless, encodeBlock, transferIdHex, txRoot, verifyTransferSignature } from '../../ledger/index.js';
import type { Block } from '../../ledger/index.js';
import { NegentropyError } from './errors.js';
import { txSlot } from './slots.js';
import { KIND_VERTEX, consensusUint, idHex, verifyHeaderSignature } from './vertex.js';

export interface VertexLimits {
  readonly maxTxsPerVertex: number;
  readonly maxVertexBytes: number;
  readonly maxParents: number;
}

export interface VertexEnv {
  readonly chainId: string;
  readonly validators: readonly Uint8Array[];
  /** Validator index by public key hex. */
  readonly proposers: ReadonlyMap<string, number>;
  readonly limits: VertexLimits;
  /** Height of a known vertex (in the DAG or pruned below a super-block), else undefined. */
  parentHeight(id: string): number | undefined;
  /** Hex state root of a finalized super-block this node knows, else undefined. */
  superBlockRoot(index: number): string | undefined;
}

export interface CheckedVertex {
  readonly id: string;
  readonly block: Block;
  readonly height: number;
  readonly parents: readonly string[];
  readonly txIds: readonly string[];
  readonly slots: readonly string[];
  readonly bytes: number;
  readonly superBlock: number;
  readonly proposer: number;
  /** Parents this node does not have (then `height` is unchecked): an orphan. */
  readonly missingParents: readonly string[];
}

export function checkVertex(block: Block, env: VertexEnv): CheckedVertex {
  const h = block.header;
  const id = idHex(h);
  const l = env.limits;
  if (block.txs.length > l.maxTxsPerVertex) throw new NegentropyError({ code: 'NEG_VERTEX_TOO_LARGE', what: 'txs', size: block.txs.length, max: l.maxTxsPerVertex });
  const bytes = encodeBlock(block).length;
  if (bytes > l.maxVertexBytes) throw new NegentropyError({ code: 'NEG_VERTEX_TOO_LARGE', what: 'bytes', size: bytes, max: l.maxVertexBytes });
  if (h.chainId !== env.chainId) throw new NegentropyError({ code: 'NEG_WRONG_CHAIN', expected: env.chainId, actual: h.chainId });
  const superBlock = consensusUint(h, 'sb');
  if (consensusUint(h, 'k') !== KIND_VERTEX || superBlock === null) throw new NegentropyError({ code: 'NEG_NOT_A_VERTEX', reason: 'consensus must be {k: 0, sb: uint, sig}' });
  if (h.parents.length < 1 || h.parents.length > l.maxParents) throw new NegentropyError({ code: 'NEG_BAD_PARENTS', count: h.parents.length, max: l.maxParents });
  const proposerHex = toHex(h.proposer);
  const proposer = env.proposers.get(proposerHex);
  if (proposer === undefined) throw new NegentropyError({ code: 'NEG_UNKNOWN_PROPOSER', proposer: proposerHex });
  if (toHex(txRoot(block.txs)) !== toHex(h.txRoot)) throw new NegentropyError({ code: 'NEG_BAD_TX_ROOT', id });
  const slots: string[] = [];
  const txIds: string[] = [];
  const seenSlots = new Set<string>();
  block.txs.forEach((tx, index) => {
    try {
      checkTransferStateless(tx, env.chainId, index);
    } catch (err) {
      if (err instanceof LedgerError) throw new NegentropyError({ code: 'NEG_BAD_TX', id, index, reason: err.code });
      throw err;
    }
    const slot = txSlot(tx);
    if (seenSlots.has(slot)) throw new NegentropyError({ code: 'NEG_CONFLICTING_TXS', id, slot });
    seenSlots.add(slot);
    slots.push(slot);
    txIds.push(transferIdHex(tx));
  });
  const parents = h.parents.map(toHex);
  const missingParents: string[] = [];
  let maxParent = -1;
  for (const p of parents) {
    const ph = env.parentHeight(p);
    if (ph === undefined) missingParents.push(p);
    else if (ph > maxParent) maxParent = ph;
  }
  if (missingParents.length === 0 && h.height !== maxParent + 1) throw new NegentropyError({ code: 'NEG_BAD_HEIGHT', id, height: h.height, expected: maxParent + 1 });
  if (h.height < 1 || h.height <= maxParent) throw new NegentropyError({ code: 'NEG_BAD_HEIGHT', id, height: h.height, expected: maxParent + 1 });
  const root = env.superBlockRoot(superBlock);
  if (root !== undefined && root !== toHex(h.stateRoot)) throw new NegentropyError({ code: 'NEG_BAD_STATE_ROOT', id, superBlock });
  if (!verifyHeaderSignature(h, env.validators[proposer]!)) throw new NegentropyError({ code: 'NEG_BAD_SIGNATURE', id });
  block.txs.forEach((tx, index) => {
    if (!verifyTransferSignature(tx)) throw new NegentropyError({ code: 'NEG_BAD_TX', id, index, reason: 'LEDGER_BAD_SIGNATURE' });
  });
  return Object.freeze({
    id,
    block,
    height: h.height,
    parents: Object.freeze(parents),
    txIds: Object.freeze(txIds),
    slots: Object.freeze(slots),
    bytes,
    superBlock,
    proposer,
    missingParents: Object.freeze(missingParents),
  });
}

/** checkVertex, and every parent must be known (NEG_UNKNOWN_PARENT otherwise). */
export function checkLinkedVertex(block: Block, env: VertexEnv): CheckedVertex {
  const v = checkVertex(block, env);
  if (v.missingParents.length > 0) throw new NegentropyError({ code: 'NEG_UNKNOWN_PARENT', id: v.id, parent: v.missingParents[0]! });
  return v;
}
