/**
 * Checkpoints and watermarks (Castro and Liskov, Section 4.3). After executing sequence number s
 * with s mod K = 0 a replica signs CHECKPOINT(s, d) (d: the digest of the block at s, which
 * binds the state root) and broadcasts it. A quorum of matching checkpoint messages is a proof
 * of stability: the checkpoint becomes stable, the low watermark h moves to s, and everything
 * at or below s (instances, prepared certificates, checkpoint votes, block bodies) is discarded.
 * Messages are only accepted for sequence numbers in (h, h + L]: that bounds the log.
 */
import { toHex } from '../../core/index.js';
import { headerHash } from '../../ledger/index.js';
import type { BlockHeader } from '../../ledger/index.js';
import { VoteSet } from '../../protocol/index.js';
import type { VoteOutcome } from '../../protocol/index.js';
import type { CheckpointCert } from './messages.js';

export class Checkpoints {
  private stableCert: CheckpointCert;
  private readonly votes = new Map<number, VoteSet<Uint8Array>>();
  /** Our own checkpoint blocks above the stable one. */
  private readonly mine = new Map<number, BlockHeader>();

  constructor(
    genesis: CheckpointCert,
    private readonly n: number,
    private readonly quorum: number,
    readonly interval: number,
    readonly window: number,
  ) {
    this.stableCert = genesis;
  }

  get stable(): CheckpointCert {
    return this.stableCert;
  }

  /** Low watermark h. */
  get low(): number {
    return this.stableCert.seq;
  }

  /** High watermark H = h + L. */
  get high(): number {
    return this.stableCert.seq + this.window;
  }

  get stableDigestHex(): string {
    return toHex(headerHash(this.stableCert.header));
  }

  isCheckpointSeq(seq: number): boolean {
    return seq > 0 && seq % this.interval === 0;
  }

  /** Counts a verified checkpoint vote (the caller checked the window and the signature). */
  add(voter: number, seq: number, digestHex: string, signature: Uint8Array): VoteOutcome {
    let vs = this.votes.get(seq);
    if (vs === undefined) {
      vs = new VoteSet<Uint8Array>(this.n);
      this.votes.set(seq, vs);
    }
    return vs.add(voter, digestHex, signature);
  }

  recordOwn(seq: number, header: BlockHeader): void {
    this.mine.set(seq, header);
  }

  /** The digest with a quorum of checkpoint votes at `seq`, if any. */
  quorumDigest(seq: number): string | undefined {
    return this.votes.get(seq)?.valueWith(this.quorum);
  }

  /** A new stable checkpoint when `seq` has a quorum matching our own execution, else null. */
  tryStabilize(seq: number): CheckpointCert | null {
    if (seq <= this.low) return null;
    const header = this.mine.get(seq);
    const digest = this.quorumDigest(seq);
    if (header === undefined || digest === undefined || toHex(headerHash(header)) !== digest) return null;
    const cert: CheckpointCert = Object.freeze({ seq, header, votes: this.votes.get(seq)!.certificate(digest).slice(0, this.quorum) });
    this.adopt(cert);
    return cert;
  }

  /** Makes `cert` (verified) the stable checkpoint and discards what lies at or below it. */
  adopt(cert: CheckpointCert): void {
    if (cert.seq <= this.low) return;
    this.stableCert = cert;
    for (const s of [...this.votes.keys()]) if (s <= cert.seq) this.votes.delete(s);
    for (const s of [...this.mine.keys()]) if (s <= cert.seq) this.mine.delete(s);
  }

  /** Sequence numbers with votes held (for tests of the bound). */
  get heldSeqs(): number {
    return this.votes.size;
  }
}
