/**
 * The conflict sets this node knows: open ones (being polled) and decided ones that no
 * super-block has executed yet, with the indexes the engine needs (wire digest -> set,
 * transfer id -> set), and a bounded memory of executed decisions (to answer late polls and to
 * judge late vertices).
 *
 * Admission of a transfer into a conflict set (its signature is already checked):
 *   stale     nonce below the sender's executed nonce: ignored (decided long ago)
 *   too-far   more than maxNonceAhead above it: ignored (bounds what a sender can open)
 *   busy      maxOpenSlots sets (open + decided-unexecuted) exist: refused
 *   full / prefix-collision: the set already has maxCandidates candidates, or one with the
 *             same 16-byte wire prefix: refused (conflict-set.ts)
 */
import type { Transfer } from '../../ledger/index.js';
import { fromHex } from '../../core/index.js';
import { BoundedMap } from './bounded-map.js';
import { ConflictSet } from './conflict-set.js';
import type { AddOutcome } from './conflict-set.js';
import type { TxOutcome } from './dag.js';
import type { NegentropyParams } from './params.js';
import { digestIs, digestKey, ownDigestKey, prefixHex, slotDigest, txSlot, words } from './slots.js';

/** Executed decisions remembered (slot -> value, digest -> value). */
export const EXECUTED_MEMORY = 65_536;

/** A final value by slot digest (executed conflict sets, decided super-blocks). */
export interface FinalValue {
  readonly d0: number;
  readonly d1: number;
  readonly d2: number;
  readonly id: string;
  readonly prefixBytes: Uint8Array;
  readonly a0: number;
  readonly a1: number;
  readonly a2: number;
  readonly a3: number;
}

export type IngestOutcome = AddOutcome | 'stale' | 'too-far' | 'busy';

export class ConflictBook {
  private readonly sets = new Map<string, ConflictSet<Transfer>>();
  private readonly digests = new Map<number, ConflictSet<Transfer>>();
  private readonly byTx = new Map<string, string>();
  /** Decided, not executed: slot -> decision time (insertion order = decision order). */
  private readonly waiting = new Map<string, number>();
  private readonly executedSlots = new BoundedMap<string, string>(EXECUTED_MEMORY);
  /** Final values by wire digest key: executed conflict sets and decided super-blocks. */
  private readonly finals = new BoundedMap<number, FinalValue>(EXECUTED_MEMORY);
  private openCount = 0;

  constructor(private readonly p: NegentropyParams) {}

  get open(): number {
    return this.openCount;
  }

  get decidedWaiting(): number {
    return this.waiting.size;
  }

  /** Decision time of the oldest decided, unexecuted set (or null). */
  get oldestWaiting(): number | null {
    const first = this.waiting.values().next();
    return first.done === true ? null : first.value;
  }

  get(slot: string): ConflictSet<Transfer> | undefined {
    return this.sets.get(slot);
  }

  /** The set whose 12-byte digest is at bytes[offset..]. */
  byDigest(bytes: Uint8Array, offset = 0): ConflictSet<Transfer> | undefined {
    for (let set = this.digests.get(digestKey(bytes, offset)); set !== undefined; set = set.nextInBucket) {
      if (digestIs(bytes, offset, set.d0, set.d1, set.d2)) return set;
    }
    return undefined;
  }

  /**
   * The final value of the slot whose digest is at bytes[offset..], if remembered. Keys that
   * collide overwrite each other here (a forgotten final value only makes this node answer
   * "unknown" for a long-executed slot).
   */
  finalValue(bytes: Uint8Array, offset = 0): FinalValue | undefined {
    const f = this.finals.get(digestKey(bytes, offset));
    return f !== undefined && digestIs(bytes, offset, f.d0, f.d1, f.d2) ? f : undefined;
  }

  rememberFinal(digest: Uint8Array, id: string): void {
    const prefixBytes = fromHex(prefixHex(id));
    const [d0, d1, d2] = words(digest, 0, 3) as [number, number, number];
    const [a0, a1, a2, a3] = words(prefixBytes, 0, 4) as [number, number, number, number];
    this.finals.set(ownDigestKey(digest), Object.freeze({ d0, d1, d2, id, prefixBytes, a0, a1, a2, a3 }));
  }

  /** The set holding candidate `txId`, if any. */
  ofTx(txId: string): ConflictSet<Transfer> | undefined {
    const slot = this.byTx.get(txId);
    return slot === undefined ? undefined : this.sets.get(slot);
  }

  executedValue(slot: string): string | undefined {
    return this.executedSlots.get(slot);
  }

  /** Adds `tx` (id `id`) to its conflict set, creating the set if allowed. */
  ingest(tx: Transfer, id: string, executedNonce: number, now: number, t0: number): IngestOutcome {
    if (tx.nonce < executedNonce) return 'stale';
    const slot = txSlot(tx);
    let set = this.sets.get(slot);
    if (set === undefined) {
      if (tx.nonce > executedNonce + this.p.maxNonceAhead) return 'too-far';
      if (this.sets.size >= this.p.maxOpenSlots) return 'busy';
      set = new ConflictSet<Transfer>(slot, slotDigest(slot), now, t0);
      this.sets.set(slot, set);
      set.nextInBucket = this.digests.get(set.key);
      this.digests.set(set.key, set);
      this.openCount++;
    }
    const r = set.add(id, tx, this.p.maxCandidates);
    if (r === 'added') this.byTx.set(id, slot);
    return r;
  }

  /** Records that `set` decided (set.decided must be set). */
  markDecided(set: ConflictSet<Transfer>, now: number): void {
    if (this.waiting.has(set.slot)) return;
    this.waiting.set(set.slot, now);
    this.openCount--;
  }

  /** A super-block executed `tx`: forget its set, remember the value. */
  settle(tx: Transfer, id: string): void {
    const slot = txSlot(tx);
    const set = this.sets.get(slot);
    if (set !== undefined) this.drop(set);
    this.executedSlots.set(slot, id);
    this.rememberFinal(set?.digestBytes ?? slotDigest(slot), id);
  }

  private drop(set: ConflictSet<Transfer>): void {
    this.sets.delete(set.slot);
    this.unchain(set);
    for (const c of set.candidates) this.byTx.delete(c.id);
    if (this.waiting.has(set.slot)) this.waiting.delete(set.slot);
    else this.openCount--;
  }

  private unchain(set: ConflictSet<Transfer>): void {
    const head = this.digests.get(set.key);
    if (head === set) {
      if (set.nextInBucket === undefined) this.digests.delete(set.key);
      else this.digests.set(set.key, set.nextInBucket);
    } else {
      for (let s = head; s !== undefined; s = s.nextInBucket) {
        if (s.nextInBucket === set) {
          s.nextInBucket = set.nextInBucket;
          break;
        }
      }
    }
    set.nextInBucket = undefined;
  }

  /** Drops sets made stale by an executed nonce (returns the open ones dropped). */
  dropStale(executedNonce: (sender: Uint8Array) => number): number {
    let dropped = 0;
    for (const set of [...this.sets.values()]) {
      const first = set.candidates[0];
      if (first === undefined) continue;
      if (first.value.nonce < executedNonce(first.value.from)) {
        if (set.decided === null) dropped++;
        this.drop(set);
      }
    }
    return dropped;
  }

  /** What became of transfer `tx` (id `id`), as far as this node knows. */
  outcome(tx: Transfer, id: string, executedNonce: number): TxOutcome {
    const slot = txSlot(tx);
    const decided = this.sets.get(slot)?.decided ?? this.executedSlots.get(slot);
    if (decided !== undefined && decided !== null) return decided === id ? 'win' : 'lose';
    if (tx.nonce < executedNonce) return 'win';
    return 'open';
  }

  /** Decided, unexecuted transfers (for a super-block proposal). */
  decidedTransfers(): Transfer[] {
    const out: Transfer[] = [];
    for (const slot of this.waiting.keys()) {
      const set = this.sets.get(slot);
      const c = set?.decided === null || set === undefined ? undefined : set.get(set.decided);
      if (c !== undefined) out.push(c.value);
    }
    return out;
  }

  /** Open sets that want a poll (ConflictSet.wantsPoll), from `cursor` (round robin), at most `max`. */
  pollable(cursor: number, max: number): ConflictSet<Transfer>[] {
    const open: ConflictSet<Transfer>[] = [];
    for (const set of this.sets.values()) if (set.wantsPoll(this.p)) open.push(set);
    if (open.length <= max) return open;
    const start = cursor % open.length;
    const out: ConflictSet<Transfer>[] = [];
    for (let i = 0; i < max; i++) out.push(open[(start + i) % open.length]!);
    return out;
  }

}
