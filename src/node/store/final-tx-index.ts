/**
 * Final transactions by id: which finalized entry (seq) holds each transaction, in a LevelDB
 * (classic-level) log-structured merge tree in `<dataDir>/txindex`, beside the lmdb store.
 *
 * Why not lmdb: the key is a transaction id, a hash, so in a B-tree every finality, status query
 * and gossip dedup lands on a random leaf, and the whole index (~135 bytes per transfer) becomes
 * the working set: a node at 1,000 transfers/s needed its whole store resident and fell behind
 * when it was not (docs/NODE.md "The store's working set"). An LSM writes sequentially and reads
 * a missing key through per-table Bloom filters, so its working set is its memtables, filters
 * and the recent tables, not its size.
 *
 * Derived data: the finalized log in lmdb (`final`, with each entry's txIds) is the source. The
 * index is written after the lmdb commit that finalizes the entries, together with a marker
 * (the highest seq indexed) in the same LevelDB batch; on open, the entries past the marker are
 * indexed again from the log, so a crash between the two loses nothing. Until its LevelDB batch
 * is written, an id is answered from memory (`unwritten`), bounded by MAX_UNWRITTEN_IDS:
 * past it the store's writes wait for the index to catch up (`full`).
 *
 * Values are sealed with a checksum like every lmdb value (checksum.ts) and verified on every
 * read; a damaged index is refused with STORE_CORRUPT and a message saying how to rebuild it.
 */
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { decode, encode, readUint } from '../../core/index.js';
import type { FinalizedEntry } from '../../protocol/index.js';
import { seal, unseal } from './checksum.js';
import { StoreError, corrupt } from './errors.js';

/** Ids finalized but not yet written to LevelDB that the index holds before the store's writes wait (`full`). */
export const MAX_UNWRITTEN_IDS = 200_000;
/** LevelDB's write buffer (memtable): two of them (one being flushed) are the index's main memory. */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
/** LevelDB's block cache for the tables' uncompressed blocks. */
const BLOCK_CACHE_BYTES = 8 * 1024 * 1024;
/** Key of the marker: sorts before every hex id. */
const MARKER_KEY = '!indexed';
const SEAL_DB = 'txindex';

export function txIndexPath(dataDir: string): string {
  return join(dataDir, 'txindex');
}

function encodeSeq(seq: number): Uint8Array {
  return encode(seq);
}

export class FinalTxIndex {
  /** Final ids whose LevelDB batch is not written yet, with their seq. */
  private readonly unwritten = new Map<string, number>();
  /** Held entries whose lmdb commit has not been reported yet (`committed`). */
  private held: FinalizedEntry[] = [];
  /** Entries durable in lmdb, to be written to LevelDB. */
  private queue: FinalizedEntry[] = [];
  private flushing: Promise<void> | null = null;
  private failure: StoreError | null = null;

  private constructor(
    private readonly db: ClassicLevel<string, Uint8Array>,
    readonly path: string,
    /** Highest seq whose ids are in LevelDB or in `unwritten`. */
    private indexedSeq: number,
  ) {}

  /**
   * Opens (or creates) the index and indexes the log's entries past its marker: `logFrom(seq)`
   * yields the finalized entries with seq >= `seq`, in order.
   */
  static async open(dataDir: string, logFrom: (seq: number) => Iterable<FinalizedEntry>): Promise<FinalTxIndex> {
    const path = txIndexPath(dataDir);
    const db = new ClassicLevel<string, Uint8Array>(path, {
      keyEncoding: 'utf8',
      valueEncoding: 'view',
      writeBufferSize: WRITE_BUFFER_BYTES,
      cacheSize: BLOCK_CACHE_BYTES,
    });
    try {
      await db.open();
    } catch (err) {
      throw FinalTxIndex.openError(path, err);
    }
    let index: FinalTxIndex;
    try {
      const raw = db.getSync(MARKER_KEY);
      const marker = raw === undefined ? -1 : FinalTxIndex.readSeq(path, MARKER_KEY, raw);
      index = new FinalTxIndex(db, path, marker);
      for (const e of logFrom(marker + 1)) {
        index.hold([e]);
        if (index.full) await index.committed(e.seq);
      }
      await index.committed(index.indexedSeq); // nothing held: resolves at once
    } catch (err) {
      await db.close();
      throw err instanceof StoreError ? err : FinalTxIndex.openError(path, err);
    }
    return index;
  }

  private static openError(path: string, err: unknown): StoreError {
    const reason = err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}`.trim() : String(err);
    if (/CORRUPTION/i.test(reason)) return corrupt(path, `${reason}; the index is derived from the finalized log: delete ${path} to rebuild it`);
    return new StoreError({ code: 'STORE_IO', path, reason });
  }

  private static readSeq(path: string, key: string, raw: Uint8Array): number {
    const payload = unseal(SEAL_DB, key, raw);
    if (payload === null) throw corrupt(path, `checksum mismatch in txindex/${key}; the index is derived from the finalized log: delete ${path} to rebuild it`);
    try {
      return readUint(decode(payload), 'seq');
    } catch (err) {
      throw corrupt(path, `undecodable txindex/${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Highest seq indexed (in LevelDB or on its way), -1 for none. */
  get lastIndexedSeq(): number {
    return this.indexedSeq;
  }

  /** Ids held in memory until their batch is written. */
  get unwrittenIds(): number {
    return this.unwritten.size;
  }

  /** The seq of the finalized entry that holds `id`, or undefined. */
  seqOf(id: string): number | undefined {
    if (this.failure !== null) throw this.failure;
    const pending = this.unwritten.get(id);
    if (pending !== undefined) return pending;
    const raw = this.db.getSync(id);
    return raw === undefined ? undefined : FinalTxIndex.readSeq(this.path, id, raw);
  }

  /**
   * Takes finalized entries (in seq order; entries at or below the marker are skipped): their
   * ids are answered from now on and written to LevelDB by the next `flush`. The store calls it
   * before its lmdb transaction (which then sees the ids as final) and flushes after the commit,
   * so the index is never ahead of the durable log.
   */
  hold(entries: readonly FinalizedEntry[]): void {
    if (this.failure !== null) throw this.failure;
    for (const e of entries) {
      if (e.seq <= this.indexedSeq) continue;
      for (const id of e.txIds) this.unwritten.set(id, e.seq);
      this.held.push(e);
      this.indexedSeq = e.seq;
    }
  }

  /**
   * The entries held up to `seq` are durable in lmdb: writes them to LevelDB in the background.
   * The promise resolves when everything handed over so far is in LevelDB; a failure is also
   * kept and thrown by every later call.
   */
  committed(seq: number): Promise<void> {
    let n = 0;
    while (n < this.held.length && this.held[n]!.seq <= seq) n++;
    if (n > 0) this.queue.push(...this.held.splice(0, n));
    return this.flush();
  }

  private flush(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.flushing === null && this.queue.length > 0) {
      this.flushing = this.writeQueued();
      this.flushing.catch(() => undefined); // kept in `failure`; a caller that awaits still sees it
    }
    return this.flushing ?? Promise.resolve();
  }

  /**
   * A store write that held entries failed: nothing held may be written any more, and every
   * later call fails with `err` (the node stops on a failed store write).
   */
  fail(err: StoreError): void {
    this.failure ??= err;
    this.held = [];
  }

  /** Whether so many ids wait in memory that a writer should wait for `flush`. */
  get full(): boolean {
    return this.unwritten.size >= MAX_UNWRITTEN_IDS;
  }

  /** Waits for what was handed over (held entries never committed are dropped), then closes. */
  async close(): Promise<void> {
    try {
      while (this.flushing !== null) await this.flushing;
    } finally {
      await this.db.close();
    }
  }

  /** One LevelDB batch at a time, each with everything queued when it starts and the marker. */
  private async writeQueued(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const entries = this.queue;
        this.queue = [];
        const ops: { type: 'put'; key: string; value: Uint8Array }[] = [];
        for (const e of entries) {
          const value = encodeSeq(e.seq);
          for (const id of e.txIds) ops.push({ type: 'put', key: id, value: seal(SEAL_DB, id, value) });
        }
        const last = entries[entries.length - 1]!.seq;
        ops.push({ type: 'put', key: MARKER_KEY, value: seal(SEAL_DB, MARKER_KEY, encodeSeq(last)) });
        await this.db.batch(ops);
        for (const e of entries) for (const id of e.txIds) if (this.unwritten.get(id) === e.seq) this.unwritten.delete(id);
      }
    } catch (err) {
      this.failure = new StoreError({ code: 'STORE_IO', path: this.path, reason: `writing the transaction index failed: ${err instanceof Error ? err.message : String(err)}` });
      throw this.failure;
    } finally {
      this.flushing = null;
    }
  }
}
