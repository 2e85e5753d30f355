/**
 * The safety rules of chained HotStuff in its event-driven form (Yin et al., PODC 2019,
 * Algorithm 4, "Event-driven HotStuff"), written as pure functions over the block store:
 *
 *  - voting rule (onReceiveProposal): vote for b_new only if b_new.height > vheight (one vote
 *    per height, ever) and safeNode(b_new): b_new extends the locked block, or its QC certifies
 *    a block higher than the locked one (the liveness escape, Section 4.2).
 *  - update(b*): b'' = b*.justify.node, b' = b''.justify.node, b = b'.justify.node.
 *    Lock on b' when b'.height > b_lock.height (the two-chain); commit b when
 *    b''.parent = b' and b'.parent = b (a three-chain of direct parents).
 *
 * Heights, not views, order locks and votes: with one vote per height, two conflicting blocks
 * at the same height cannot both be certified, which is what the three-chain argument needs
 * (Lemma 1 of the paper). Views only pick leaders and drive the pacemaker.
 */
import type { BlockStore, HsNode } from './block-store.js';
import type { QuorumCert } from './messages.js';

export interface LockRef {
  readonly height: number;
  readonly hashHex: string;
}

/** safeNode(b_new, qc) of the paper. */
export function safeNode(store: BlockStore, node: HsNode, lock: LockRef): boolean {
  if (store.extends(node.hashHex, lock.hashHex, lock.height)) return true;
  const justified = store.get(node.qc.hashHex);
  return justified !== undefined && justified.height > lock.height;
}

export interface UpdateOutcome {
  /** b' when it is higher than the current lock (the new lock), else undefined. */
  readonly lock?: HsNode;
  /** b when the three-chain b <- b' <- b'' has direct parents, else undefined. */
  readonly commit?: HsNode;
}

/** The lock and commit consequences of seeing `qc` (a block's justify, or a fresh QC). */
export function updateFromQC(store: BlockStore, qc: QuorumCert, lock: LockRef): UpdateOutcome {
  const b2 = store.get(qc.hashHex);
  if (b2 === undefined || b2.height === 0) return {};
  const b1 = store.get(b2.qc.hashHex);
  if (b1 === undefined) return {};
  const out: { lock?: HsNode; commit?: HsNode } = {};
  if (b1.height > lock.height) out.lock = b1;
  if (b1.height === 0) return out;
  const b0 = store.get(b1.qc.hashHex);
  if (b0 !== undefined && b2.parentHex === b1.hashHex && b1.parentHex === b0.hashHex) out.commit = b0;
  return out;
}
