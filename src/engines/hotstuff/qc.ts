/**
 * Quorum certificate checks. A QC is valid when it names at least quorumSize(n) distinct
 * validators and every signature verifies over (chain id, view, hash); the genesis QC (view 0,
 * the genesis hash, no votes) is valid by definition. Verifying costs one Ed25519 check per
 * vote, charged to the simulator's cost model by the caller.
 *
 * Verified certificates are remembered (bounded) by a hash of their full encoding, so the same
 * QC arriving again in a header, a new-view message or a sync answer is not re-verified. The key
 * covers the votes, not only (view, hash): a header carrying a forged QC for a certified block
 * is still refused.
 */
import { encode, taggedHash, toHex } from '../../core/index.js';
import { HotStuffError } from './errors.js';
import type { QuorumCert } from './messages.js';
import { qcToCbor, verifyVote } from './messages.js';

export const QC_CACHE_MAX = 4096;

export interface QcContext {
  readonly chainId: string;
  readonly validators: readonly Uint8Array[];
  readonly quorum: number;
  readonly genesisHashHex: string;
}

export function isGenesisQC(qc: QuorumCert, genesisHashHex: string): boolean {
  return qc.view === 0 && qc.hashHex === genesisHashHex && qc.votes.length === 0;
}

export class QcVerifier {
  private readonly verified = new Set<string>();

  constructor(private readonly ctx: QcContext) {}

  /**
   * Throws HOTSTUFF_BAD_QC when `qc` is not a valid certificate; returns the number of
   * signatures it verified (0 for a cache hit or the genesis QC).
   */
  check(qc: QuorumCert): number {
    const c = this.ctx;
    if (qc.view === 0 || qc.votes.length === 0) {
      if (isGenesisQC(qc, c.genesisHashHex)) return 0;
      throw new HotStuffError({ code: 'HOTSTUFF_BAD_QC', reason: 'only the genesis QC has view 0 or no votes' });
    }
    const key = toHex(taggedHash('thermo/hotstuff/qc-key', encode(qcToCbor(qc))));
    if (this.verified.has(key)) return 0;
    if (qc.votes.length < c.quorum) throw new HotStuffError({ code: 'HOTSTUFF_BAD_QC', reason: `${qc.votes.length} votes, quorum is ${c.quorum}` });
    let last = -1;
    for (const v of qc.votes) {
      if (!Number.isSafeInteger(v.voter) || v.voter <= last || v.voter >= c.validators.length) {
        throw new HotStuffError({ code: 'HOTSTUFF_BAD_QC', reason: `voter ${v.voter} unknown or out of order` });
      }
      last = v.voter;
    }
    let checked = 0;
    for (const v of qc.votes) {
      checked++;
      if (!verifyVote(c.validators[v.voter]!, c.chainId, qc.view, qc.hash, v.signature)) {
        throw new HotStuffError({ code: 'HOTSTUFF_BAD_QC', reason: `bad signature of voter ${v.voter}` });
      }
    }
    if (this.verified.size >= QC_CACHE_MAX) {
      const oldest = this.verified.values().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.add(key);
    return checked;
  }
}
