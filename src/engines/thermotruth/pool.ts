/**
 * The leader's proposal pool for one (epoch, round): the proposals that arrived, keyed by
 * identity, at most one per identity (a second, different proposal from the same identity is
 * equivocation: the first is kept). Bounded: one entry per validator plus `maxMinted` minted
 * identities. The leader prepares once `validators` reaches n - f.
 */
import { equalBytes } from '../../core/index.js';
import type { QC } from './qc.js';
import type { Proposal } from './proposal.js';
import { identityOf } from './proposal.js';

export interface PoolEntry {
  readonly proposal: Proposal;
  readonly vector: readonly number[];
}

export type PoolOutcome = 'added' | 'duplicate' | 'equivocation' | 'full';

export class ProposalPool {
  private readonly entries = new Map<string, PoolEntry>();
  validators = 0;
  minted = 0;
  /** Highest phase-1 QC the new-view messages of this round carried, and who sent it. */
  highQC: QC | null = null;
  highQCFrom = -1;
  prepared = false;

  constructor(private readonly maxMinted: number) {}

  add(entry: PoolEntry): PoolOutcome {
    const id = identityOf(entry.proposal);
    const prior = this.entries.get(id);
    if (prior !== undefined) return equalBytes(prior.proposal.signature, entry.proposal.signature) ? 'duplicate' : 'equivocation';
    if (entry.proposal.proposer < 0) {
      if (this.minted >= this.maxMinted) return 'full';
      this.minted++;
    } else this.validators++;
    this.entries.set(id, entry);
    return 'added';
  }

  offerQC(qc: QC | null, from: number): void {
    if (qc !== null && (this.highQC === null || qc.round > this.highQC.round)) {
      this.highQC = qc;
      this.highQCFrom = from;
    }
  }

  all(): readonly PoolEntry[] {
    return [...this.entries.values()];
  }
}
