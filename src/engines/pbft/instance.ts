/**
 * One agreement instance: sequence number `seq` in view `view` (Castro and Liskov, Section 4.2).
 * It holds the accepted pre-prepare, the prepares and commits heard (one vote per replica;
 * a replica voting for two digests is an equivocator), and this replica's progress.
 *
 * Predicates (the paper's, with `quorum` = quorumSize(n), 2f + 1 when n = 3f + 1):
 *   prepared(m, v, n, i)        a pre-prepare for m plus quorum - 1 matching prepares from
 *                               distinct backups (the primary's pre-prepare stands for its vote)
 *   committed-local(m, v, n, i) prepared and quorum matching commits (any replicas)
 * The engine adds one condition before it sends its commit (chain-prepared): the parent block
 * must be prepared in the same view, executed, or the stable checkpoint (see view-change.ts for
 * why). A quorum of commits for a digest is a commit certificate on its own: it proves f + 1
 * correct replicas committed, so a replica may execute it even when it never prepared it itself.
 */
import { VoteSet } from '../../protocol/index.js';
import type { BlockHeader } from '../../ledger/index.js';

export interface PrePrepareInfo {
  readonly digest: Uint8Array;
  readonly digestHex: string;
  readonly signature: Uint8Array;
  readonly header: BlockHeader;
}

export class Instance {
  pp: PrePrepareInfo | null = null;
  readonly prepares: VoteSet<Uint8Array>;
  readonly commits: VoteSet<Uint8Array>;
  /** Chain-prepared: this replica sent its commit. */
  prepared = false;
  myPrepare: Uint8Array | null = null;
  myCommit: Uint8Array | null = null;

  constructor(
    readonly view: number,
    readonly seq: number,
    n: number,
  ) {
    this.prepares = new VoteSet<Uint8Array>(n);
    this.commits = new VoteSet<Uint8Array>(n);
  }

  /** prepared(m, v, n, i): pre-prepare plus quorum - 1 matching backup prepares. */
  hasPrepareQuorum(quorum: number): boolean {
    return this.pp !== null && this.prepares.count(this.pp.digestHex) >= quorum - 1;
  }

  /** The digest with a commit quorum, if any. */
  commitQuorum(quorum: number): string | undefined {
    return this.commits.valueWith(quorum);
  }
}

export function instanceKey(view: number, seq: number): string {
  return `${view}:${seq}`;
}
