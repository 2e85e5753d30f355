/**
 * Per-node storage: what survives a crash.
 *
 * A `persist` effect with `sync: false` lands in the node's unsynced buffer (the OS page cache
 * of a real node); one with `sync: true` flushes the buffer and itself to the durable map (an
 * fsync). A crash throws the buffer away. Transactions listed in a write's `ack` are
 * acknowledged to their clients when that write becomes durable, never earlier (DESIGN.md 2).
 * On restart the engine gets exactly the durable records (`restored`).
 *
 * Bounded: at most `maxKeys` keys and `maxBytes` value bytes per node (durable plus buffered);
 * beyond that a write throws SIM_STORAGE_FULL, which the simulator reports as the node's crash.
 */
import { SimError } from './errors.js';

export const DEFAULT_STORAGE_MAX_KEYS = 1_000_000;
export const DEFAULT_STORAGE_MAX_BYTES = 256 * 1024 * 1024;

export interface WriteOutcome {
  /** Transactions acknowledged by this write (their persist is now durable). */
  readonly acked: readonly string[];
}

export class NodeStorage {
  private readonly durable = new Map<string, Uint8Array>();
  private readonly buffer = new Map<string, Uint8Array | null>();
  private pendingAcks: string[] = [];
  private bytes = 0;
  /** Counters for the result. */
  writes = 0;
  syncs = 0;
  lostWrites = 0;
  lostAcks = 0;

  constructor(
    readonly node: number,
    readonly maxKeys: number = DEFAULT_STORAGE_MAX_KEYS,
    readonly maxBytes: number = DEFAULT_STORAGE_MAX_BYTES,
  ) {}

  write(key: string, value: Uint8Array | null, sync: boolean, ack: readonly string[] | undefined): WriteOutcome {
    this.writes++;
    const prior = this.buffer.has(key) ? this.buffer.get(key) : this.durable.get(key);
    const delta = (value?.length ?? 0) - (prior?.length ?? 0);
    if (this.bytes + delta > this.maxBytes) throw new SimError({ code: 'SIM_STORAGE_FULL', node: this.node, what: 'bytes', max: this.maxBytes });
    if (!this.buffer.has(key) && !this.durable.has(key) && this.durable.size + this.buffer.size >= this.maxKeys) {
      throw new SimError({ code: 'SIM_STORAGE_FULL', node: this.node, what: 'keys', max: this.maxKeys });
    }
    this.bytes += delta;
    // Copy: the engine may reuse its buffer, and durable state must not change behind our back.
    this.buffer.set(key, value === null ? null : Uint8Array.from(value));
    if (ack !== undefined) for (const id of ack) this.pendingAcks.push(id);
    if (!sync) return { acked: [] };
    this.syncs++;
    for (const [k, v] of this.buffer) {
      if (v === null) this.durable.delete(k);
      else this.durable.set(k, v);
    }
    this.buffer.clear();
    const acked = this.pendingAcks;
    this.pendingAcks = [];
    return { acked };
  }

  /** A crash: the unsynced buffer is lost. */
  crash(): void {
    this.lostWrites += this.buffer.size;
    this.lostAcks += this.pendingAcks.length;
    this.buffer.clear();
    this.pendingAcks = [];
    let bytes = 0;
    for (const v of this.durable.values()) bytes += v.length;
    this.bytes = bytes;
  }

  /** The durable records, as a fresh map (what a restarted engine gets). */
  restored(): ReadonlyMap<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const [k, v] of this.durable) out.set(k, Uint8Array.from(v));
    return out;
  }

  get durableKeys(): number {
    return this.durable.size;
  }

  get unsyncedKeys(): number {
    return this.buffer.size;
  }
}
