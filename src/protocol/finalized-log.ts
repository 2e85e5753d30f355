/**
 * The node's finalized log: the one place an engine turns a decision into a `finalize` effect.
 * It numbers entries without gaps, refuses to decide a slot twice with different values (that
 * would be a finality reversion, a bug), and is idempotent for a repeated identical decision
 * (which happens after a restart replays persisted state).
 *
 * Memory: only the last `window` slots are remembered for the re-decision check; older slots are
 * below the engine's pruning horizon and cannot be decided again by construction.
 */
import type { FinalizedEntry } from './engine.js';
import { ProtocolError } from './errors.js';

export const DEFAULT_FINALIZED_WINDOW = 65_536;

export type FinalizedFields = Omit<FinalizedEntry, 'seq'>;

export class FinalizedLog {
  private nextSeq: number;
  private readonly decided = new Map<string, string>();

  constructor(
    startSeq = 0,
    private readonly window = DEFAULT_FINALIZED_WINDOW,
  ) {
    this.nextSeq = startSeq;
  }

  get length(): number {
    return this.nextSeq;
  }

  has(slot: string): boolean {
    return this.decided.has(slot);
  }

  valueOf(slot: string): string | undefined {
    return this.decided.get(slot);
  }

  /**
   * Appends a decision. Returns the new entry, or null when the identical decision is already
   * in the log. Throws PROTOCOL_SLOT_REDECIDED for a different value in a decided slot.
   */
  append(fields: FinalizedFields): FinalizedEntry | null {
    const previous = this.decided.get(fields.slot);
    if (previous !== undefined) {
      if (previous === fields.value) return null;
      throw new ProtocolError({ code: 'PROTOCOL_SLOT_REDECIDED', slot: fields.slot, value: fields.value, previous });
    }
    this.decided.set(fields.slot, fields.value);
    if (this.decided.size > this.window) {
      const oldest = this.decided.keys().next().value;
      if (oldest !== undefined) this.decided.delete(oldest);
    }
    const entry: FinalizedEntry = Object.freeze({ ...fields, txIds: Object.freeze([...fields.txIds]), seq: this.nextSeq });
    this.nextSeq++;
    return entry;
  }
}
