/**
 * The safety invariant checkers (DESIGN.md section 4). They run online: every `finalize` effect
 * of an honest node is checked the moment it is executed, so a violation is reported with the
 * virtual time, node and slot where it happened. Byzantine nodes' decisions are ignored (they
 * may "finalize" anything; the protocol only promises something about honest nodes).
 *
 *  1. agreement      no two honest nodes finalize different values for the same slot.
 *  2. revert         finality never reverts at a node, even across a crash and restart:
 *                    entries are numbered 0, 1, 2, ... without gaps; an entry with a seq the
 *                    node already used must repeat that entry exactly (an identical replay
 *                    after a restart is allowed, and counted once); a node never decides a
 *                    slot it decided before with a different value.
 *  3. state-root     honest nodes that report a state root at the same height report the same.
 *  4. supply         every reported supply equals genesis supply + reported cumulative minted.
 *  5. exactly-once   no honest node finalizes a transaction twice (in two different entries,
 *                    or twice in one). "Acknowledged transactions are finalized at all" is a
 *                    liveness figure, computed after the drain period (`acked_not_final` in the
 *                    result), not a safety violation: a run can be safe and stuck.
 *
 * Memory is bounded: the global slot and height maps keep the most recent `window` keys, the
 * per-node logs their last `window` entries (older ones are below any engine's pruning
 * horizon); at most `maxKept` violations are kept in full (all are counted).
 */
import type { FinalizedEntry } from '../protocol/index.js';

export type InvariantKind = 'agreement' | 'revert' | 'state-root' | 'supply' | 'exactly-once';

export const INVARIANT_KINDS: readonly InvariantKind[] = Object.freeze(['agreement', 'revert', 'state-root', 'supply', 'exactly-once']);

export interface Violation {
  readonly kind: InvariantKind;
  readonly node: number;
  readonly atMs: number;
  readonly slot?: string;
  readonly detail: string;
}

export interface InvariantOptions {
  readonly window?: number;
  readonly maxKept?: number;
}

export const DEFAULT_INVARIANT_WINDOW = 1 << 20;
export const DEFAULT_MAX_KEPT_VIOLATIONS = 100;

interface Decided {
  readonly value: string;
  readonly node: number;
}

/** A Map that forgets its oldest keys beyond `cap` (insertion order). */
class BoundedMap<K, V> {
  readonly map = new Map<K, V>();
  constructor(private readonly cap: number) {}
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  set(k: K, v: V): void {
    this.map.set(k, v);
    if (this.map.size > this.cap) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
}

class NodeLog {
  nextSeq = 0;
  readonly bySeq: BoundedMap<number, string>;
  readonly bySlot: BoundedMap<string, string>;
  constructor(window: number) {
    this.bySeq = new BoundedMap(window);
    this.bySlot = new BoundedMap(window);
  }
}

export type FinalizeVerdict =
  /** A new decision: its transactions count. */
  | 'new'
  /** An exact repeat of an earlier entry (after a restart): ignored. */
  | 'replay'
  /** From a Byzantine node: ignored. */
  | 'ignored'
  /** Broke an invariant (recorded); its fresh transactions still count. */
  | 'violation';

export class InvariantChecker {
  private readonly logs: NodeLog[];
  private readonly slots: BoundedMap<string, Decided>;
  private readonly roots: BoundedMap<number, Decided>;
  /** Per transaction, a bitset of honest nodes that finalized it. */
  private readonly txFinal = new Map<string, Uint8Array>();
  private readonly kept: Violation[] = [];
  private readonly counts = new Map<InvariantKind, number>();
  private total = 0;
  private readonly maxKept: number;
  readonly window: number;

  constructor(
    readonly n: number,
    private readonly honest: readonly boolean[],
    readonly genesisSupply: bigint,
    options: InvariantOptions = {},
  ) {
    this.window = options.window ?? DEFAULT_INVARIANT_WINDOW;
    this.maxKept = options.maxKept ?? DEFAULT_MAX_KEPT_VIOLATIONS;
    this.logs = Array.from({ length: n }, () => new NodeLog(this.window));
    this.slots = new BoundedMap(this.window);
    this.roots = new BoundedMap(this.window);
  }

  /** Checks one finalize effect of `node` executed at `atMs`. */
  onFinalize(node: number, atMs: number, entry: FinalizedEntry): FinalizeVerdict {
    if (this.honest[node] !== true) return 'ignored';
    const log = this.logs[node]!;
    const key = entryKey(entry);
    const before = this.total;

    // 2. revert: seq continuity and identical replays.
    if (!Number.isSafeInteger(entry.seq) || entry.seq < 0) {
      this.report({ kind: 'revert', node, atMs, slot: entry.slot, detail: `bad seq ${String(entry.seq)}` });
      return 'violation';
    }
    if (entry.seq < log.nextSeq) {
      const earlier = log.bySeq.get(entry.seq);
      if (earlier === key) return 'replay';
      if (earlier === undefined && log.bySlot.get(entry.slot) === entry.value) return 'replay';
      this.report({
        kind: 'revert',
        node,
        atMs,
        slot: entry.slot,
        detail: `seq ${entry.seq} re-decided as ${entry.slot}=${entry.value}; earlier ${earlier ?? '(below window)'}`,
      });
      return 'violation';
    }
    if (entry.seq > log.nextSeq) {
      this.report({ kind: 'revert', node, atMs, slot: entry.slot, detail: `seq gap: expected ${log.nextSeq}, got ${entry.seq}` });
    }
    log.nextSeq = entry.seq + 1;
    log.bySeq.set(entry.seq, key);
    const mine = log.bySlot.get(entry.slot);
    if (mine !== undefined && mine !== entry.value) {
      this.report({ kind: 'revert', node, atMs, slot: entry.slot, detail: `slot re-decided: ${mine} then ${entry.value}` });
    } else if (mine === undefined) {
      log.bySlot.set(entry.slot, entry.value);
    }

    // 1. agreement across honest nodes.
    const first = this.slots.get(entry.slot);
    if (first === undefined) this.slots.set(entry.slot, { value: entry.value, node });
    else if (first.value !== entry.value) {
      this.report({
        kind: 'agreement',
        node,
        atMs,
        slot: entry.slot,
        detail: `node ${node} finalized ${entry.value}, node ${first.node} finalized ${first.value}`,
      });
    }

    // 3. equal state roots at equal heights.
    if (entry.height !== undefined && entry.stateRoot !== undefined) {
      const r = this.roots.get(entry.height);
      if (r === undefined) this.roots.set(entry.height, { value: entry.stateRoot, node });
      else if (r.value !== entry.stateRoot) {
        this.report({
          kind: 'state-root',
          node,
          atMs,
          slot: entry.slot,
          detail: `height ${entry.height}: node ${node} root ${entry.stateRoot}, node ${r.node} root ${r.value}`,
        });
      }
    }

    // 4. supply conservation.
    if (entry.supply !== undefined) {
      const minted = entry.minted ?? 0n;
      if (minted < 0n || entry.supply !== this.genesisSupply + minted) {
        this.report({
          kind: 'supply',
          node,
          atMs,
          slot: entry.slot,
          detail: `supply ${entry.supply} != genesis ${this.genesisSupply} + minted ${minted}`,
        });
      }
    }

    // 5. exactly once per honest node.
    const byte = node >> 3;
    const bit = 1 << (node & 7);
    for (const id of entry.txIds) {
      let bits = this.txFinal.get(id);
      if (bits === undefined) {
        bits = new Uint8Array((this.n + 7) >> 3);
        this.txFinal.set(id, bits);
      }
      if ((bits[byte]! & bit) !== 0) {
        this.report({ kind: 'exactly-once', node, atMs, slot: entry.slot, detail: `transaction ${id} finalized again` });
      }
      bits[byte] = bits[byte]! | bit;
    }
    return this.total === before ? 'new' : 'violation';
  }

  /** True when honest `node` has finalized transaction `txId`. */
  finalizedAt(txId: string, node: number): boolean {
    const bits = this.txFinal.get(txId);
    return bits !== undefined && (bits[node >> 3]! & (1 << (node & 7))) !== 0;
  }

  /** Number of entries in `node`'s log as the checker saw it. */
  logLength(node: number): number {
    return this.logs[node]!.nextSeq;
  }

  private report(v: Violation): void {
    this.total++;
    this.counts.set(v.kind, (this.counts.get(v.kind) ?? 0) + 1);
    if (this.kept.length < this.maxKept) this.kept.push(Object.freeze(v));
  }

  get violationCount(): number {
    return this.total;
  }

  get violations(): readonly Violation[] {
    return this.kept;
  }

  countOf(kind: InvariantKind): number {
    return this.counts.get(kind) ?? 0;
  }
}

function entryKey(e: FinalizedEntry): string {
  return `${e.slot}\n${e.value}`;
}
