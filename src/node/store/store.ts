/**
 * The node's embedded database: one lmdb environment in `<dataDir>/db` with named
 * sub-databases:
 *   meta     schema version, genesis hash
 *   records  the engine's durable records (`persist` effects): blocks, votes, accepted txs, ...
 *   final    finalized entries by seq; `heights` and `values` index them by height and value
 *   txs      transaction ids accepted (durably acknowledged) and not final yet
 *   keys     the validator seed
 * and, beside it, the final transactions by id in a LevelDB index (final-tx-index.ts), derived
 * from `final` and caught up from it on open: a hash-keyed index in lmdb made the whole store
 * the node's working set (docs/NODE.md "The store's working set").
 * Every value is sealed with a checksum (checksum.ts) and verified on every read.
 *
 * Durability: `write(batch)` runs one lmdb transaction (atomic) and resolves after the commit
 * is synced to disk (overlappingSync off: the commit promise means "on disk"). The runtime
 * waits on it before anything that depends on the batch leaves the process. A SIGKILL at any
 * moment leaves either the whole batch or none of it.
 *
 * Opening: the data file's metadata is checked before lmdb maps it (file-check.ts); then every
 * record is read back and verified, and the transaction index catches up from the finalized
 * log. A damaged or truncated store raises a StoreError with a clear message; it is never used.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import { decode, encode, readArray, readBigUint, readString, readUint, bigToCbor, isThermoError } from '../../core/index.js';
import type { CborValue } from '../../core/index.js';
import type { FinalizedEntry } from '../../protocol/index.js';
import { seal, unseal } from './checksum.js';
import { StoreError, corrupt } from './errors.js';
import { checkDataFile } from './file-check.js';
import { FinalTxIndex } from './final-tx-index.js';

/** 2: final transactions moved from lmdb's `txs` to the LevelDB index. */
export const STORE_SCHEMA_VERSION = 2;

/**
 * Address space the store's file is mapped with: 16 GiB, reserved once (virtual memory; the
 * file itself grows only as pages are written). Without it lmdb-js starts with a 128 KiB map and
 * maps the file again at twice the size each time it outgrows the map, keeping the earlier maps:
 * a node at 1,000 transfers/s held seven maps of its data file whose resident pages added up to
 * about twice the file (docs/NODE.md "Memory over minutes, not seconds"). Not a size limit: a
 * store that outgrows it is mapped again at twice its size, as before (lmdb-js's mdb_page_alloc).
 */
export const STORE_MAP_BYTES = 16 * 1024 * 1024 * 1024;
const DB_NAMES = ['meta', 'records', 'final', 'heights', 'values', 'txs', 'keys'] as const;
type DbName = (typeof DB_NAMES)[number];

export type TxRecord =
  | { readonly status: 'accepted' }
  | { readonly status: 'final'; readonly seq: number };

/** Everything one engine input made durable, written atomically. */
export interface StoreBatch {
  readonly records: readonly { readonly key: string; readonly value: Uint8Array | null }[];
  readonly finalized: readonly FinalizedEntry[];
  /** Transactions whose acknowledgement this batch backs. */
  readonly accepted: readonly string[];
}

export interface OpenStoreOptions {
  readonly dataDir: string;
  /** Hex genesis hash: a new store records it, an existing one must match it. */
  readonly genesisHash: string;
  /**
   * The deep check (deepCheckStore) passed on this store just before: a whole-page unwritten
   * tail is then accepted (file-check.ts says why it happens). Default false: refused.
   */
  readonly tailVerified?: boolean;
}

export interface OpenedStore {
  readonly store: NodeStore;
  /** The engine's durable records, verified: what the engine gets as `restored`. */
  readonly restored: ReadonlyMap<string, Uint8Array>;
  /** True when the store was created by this call. */
  readonly fresh: boolean;
}

export function storePath(dataDir: string): string {
  return join(dataDir, 'db');
}

function encodeEntry(e: FinalizedEntry): Uint8Array {
  const m: Record<string, CborValue> = { seq: e.seq, slot: e.slot, value: e.value, txIds: [...e.txIds] };
  if (e.height !== undefined) m.height = e.height;
  if (e.stateRoot !== undefined) m.stateRoot = e.stateRoot;
  if (e.supply !== undefined) m.supply = bigToCbor(e.supply);
  if (e.minted !== undefined) m.minted = bigToCbor(e.minted);
  return encode(m);
}

function decodeEntry(bytes: Uint8Array): FinalizedEntry {
  const v = decode(bytes);
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw new Error('entry is not a map');
  const m = v as Record<string, CborValue>;
  const txIds = readArray(m.txIds, 'txIds', 1_000_000).map((t) => readString(t, 'txId', 128));
  const entry: {
    seq: number;
    slot: string;
    value: string;
    txIds: readonly string[];
    height?: number;
    stateRoot?: string;
    supply?: bigint;
    minted?: bigint;
  } = { seq: readUint(m.seq, 'seq'), slot: readString(m.slot, 'slot', 1024), value: readString(m.value, 'value', 1024), txIds };
  if (m.height !== undefined) entry.height = readUint(m.height, 'height');
  if (m.stateRoot !== undefined) entry.stateRoot = readString(m.stateRoot, 'stateRoot', 128);
  if (m.supply !== undefined) entry.supply = readBigUint(m.supply, 'supply');
  if (m.minted !== undefined) entry.minted = readBigUint(m.minted, 'minted');
  return Object.freeze(entry);
}

function encodeTx(r: TxRecord): Uint8Array {
  return encode(r.status === 'final' ? [1, r.seq] : [0]);
}

function decodeTx(bytes: Uint8Array): TxRecord {
  const items = readArray(decode(bytes), 'tx', 2);
  return readUint(items[0], 'tx.status') === 1 ? { status: 'final', seq: readUint(items[1], 'tx.seq') } : { status: 'accepted' };
}

function u53(n: number): Uint8Array {
  return encode(n);
}

function readU53(bytes: Uint8Array): number {
  return readUint(decode(bytes), 'number');
}

export class NodeStore {
  private readonly dbs: Record<DbName, Database<Uint8Array, string | number>>;
  private closed = false;
  private lastSeq = -1;
  /** Set by `open` before the store is handed out. */
  private finalTxs!: FinalTxIndex;

  private constructor(
    private readonly env: RootDatabase,
    readonly path: string,
  ) {
    const dbs = {} as Record<DbName, Database<Uint8Array, string | number>>;
    for (const name of DB_NAMES) dbs[name] = env.openDB<Uint8Array, string | number>({ name, encoding: 'binary' });
    this.dbs = dbs;
  }

  /**
   * Opens (or creates) the store, checks it belongs to this chain and schema, and reads back
   * the engine's records. Rejects with a StoreError, and leaves nothing open, when it cannot be
   * trusted.
   */
  static async open(options: OpenStoreOptions): Promise<OpenedStore> {
    const path = storePath(options.dataDir);
    mkdirSync(path, { recursive: true });
    checkDataFile(join(path, 'data.mdb'), { tailVerified: options.tailVerified === true });
    let env: RootDatabase;
    try {
      env = open({ path, overlappingSync: false, maxDbs: 16, encoding: 'binary', mapSize: STORE_MAP_BYTES });
    } catch (err) {
      throw new StoreError({ code: 'STORE_IO', path, reason: err instanceof Error ? err.message : String(err) });
    }
    const store = new NodeStore(env, path);
    let fresh: boolean;
    let restored: Map<string, Uint8Array>;
    try {
      fresh = store.checkMeta(options.genesisHash);
      restored = store.verifyAll();
      store.finalTxs = await FinalTxIndex.open(options.dataDir, (from) => store.finalFrom(from));
    } catch (err) {
      await env.close();
      throw err;
    }
    return { store, restored, fresh };
  }

  /** Up to `limit` finalized entries with seq >= `from`, in order, verified. */
  private *finalFrom(from: number, limit?: number): Generator<FinalizedEntry> {
    for (const { key, value } of this.dbs.final.getRange(limit === undefined ? { start: from } : { start: from, limit })) {
      const payload = unseal('final', key, value);
      if (payload === null) throw corrupt(this.path, `checksum mismatch in final/${String(key)}`);
      yield this.decodeOrCorrupt(payload, `final/${String(key)}`);
    }
  }

  private read(db: DbName, key: string | number): Uint8Array | undefined {
    if (this.closed) throw new StoreError({ code: 'STORE_CLOSED' });
    const raw = this.dbs[db].getBinary(key);
    if (raw === undefined) return undefined;
    const payload = unseal(db, key, raw);
    if (payload === null) throw corrupt(this.path, `checksum mismatch in ${db}/${String(key)}`);
    return payload;
  }

  private put(db: DbName, key: string | number, payload: Uint8Array): void {
    void this.dbs[db].put(key, seal(db, key, payload));
  }

  /** Returns true for a new store (meta written now); throws on a foreign or damaged one. */
  private checkMeta(genesisHash: string): boolean {
    const schema = this.read('meta', 'schema');
    if (schema === undefined) {
      for (const name of DB_NAMES) {
        if (this.dbs[name].getCount() > 0) throw corrupt(this.path, `the meta record is missing but ${name} holds data`);
      }
      // Written synchronously: a new store is marked before anything else lands in it.
      this.env.transactionSync(() => {
        this.put('meta', 'schema', u53(STORE_SCHEMA_VERSION));
        this.put('meta', 'genesis', encode(genesisHash));
      });
      return true;
    }
    const found = readU53(schema);
    if (found !== STORE_SCHEMA_VERSION) {
      throw new StoreError(
        { code: 'STORE_SCHEMA_MISMATCH', path: this.path, found, expected: STORE_SCHEMA_VERSION },
        `store at ${this.path} has schema ${found}, this node needs ${STORE_SCHEMA_VERSION}; refusing to start`,
      );
    }
    const g = this.read('meta', 'genesis');
    const stored = g === undefined ? '' : readString(decode(g), 'genesis', 128);
    if (stored !== genesisHash) {
      throw new StoreError(
        { code: 'STORE_GENESIS_MISMATCH', path: this.path, found: stored, expected: genesisHash },
        `store at ${this.path} belongs to genesis ${stored.slice(0, 16)}..., not ${genesisHash.slice(0, 16)}...; use another data directory`,
      );
    }
    return false;
  }

  /** Reads every value of every sub-database back through its checksum; returns the records. */
  private verifyAll(): Map<string, Uint8Array> {
    const restored = new Map<string, Uint8Array>();
    for (const name of DB_NAMES) {
      for (const { key, value } of this.dbs[name].getRange()) {
        const payload = unseal(name, key, value);
        if (payload === null) throw corrupt(this.path, `checksum mismatch in ${name}/${String(key)}`);
        if (name === 'records') restored.set(String(key), payload);
        if (name === 'final') {
          try {
            const e = decodeEntry(payload);
            if (e.seq !== key) throw new Error(`entry seq ${e.seq} stored under ${String(key)}`);
            if (e.seq > this.lastSeq) this.lastSeq = e.seq;
          } catch (err) {
            throw corrupt(this.path, `undecodable finalized entry ${String(key)}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }
    }
    return restored;
  }

  /** Writes one batch atomically; resolves once it is on disk. */
  write(batch: StoreBatch): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError({ code: 'STORE_CLOSED' }));
    // Everything is encoded and sealed BEFORE the transaction: lmdb-js commits the puts a
    // callback made even when the callback throws afterwards (the promise rejects, the partial
    // batch is on disk), so nothing in the callback may throw (test/reliability/store-crash.test.ts).
    const puts: [DbName, string | number, Uint8Array | null][] = [];
    try {
      for (const r of batch.records) puts.push(['records', r.key, r.value === null ? null : seal('records', r.key, r.value)]);
      for (const e of batch.finalized) {
        puts.push(['final', e.seq, seal('final', e.seq, encodeEntry(e))]);
        if (e.height !== undefined) puts.push(['heights', e.height, seal('heights', e.height, u53(e.seq))]);
        puts.push(['values', e.value, seal('values', e.value, u53(e.seq))]);
        // Final now: out of the pending ids (the index answers for it from here on).
        for (const id of e.txIds) puts.push(['txs', id, null]);
      }
    } catch (err) {
      return Promise.reject(new StoreError({ code: 'STORE_IO', path: this.path, reason: `unencodable batch: ${err instanceof Error ? err.message : String(err)}` }));
    }
    const accepted = encodeTx({ status: 'accepted' });
    const acceptedPuts = batch.accepted.map((id) => [id, seal('txs', id, accepted)] as const);
    // Before the transaction: the ids finalized here are final to it (and to every read) already.
    const finalTxs = this.finalTxs;
    try {
      finalTxs.hold(batch.finalized);
    } catch (err) {
      return Promise.reject(err);
    }
    const lastFinal = batch.finalized.length === 0 ? -1 : batch.finalized[batch.finalized.length - 1]!.seq;
    const p = this.env.transaction(() => {
      for (const [db, key, value] of puts) void (value === null ? this.dbs[db].remove(key) : this.dbs[db].put(key, value));
      for (const [id, value] of acceptedPuts) {
        // Never mark a final transaction accepted again (a client retry after finality).
        if (finalTxs.seqOf(id) === undefined && this.dbs.txs.getBinary(id) === undefined) void this.dbs.txs.put(id, value);
      }
    });
    for (const e of batch.finalized) if (e.seq > this.lastSeq) this.lastSeq = e.seq;
    return p.then(
      () => {
        if (lastFinal < 0) return undefined;
        // Durable in lmdb: now the index may write them. Waited for only when it is far behind.
        const indexed = finalTxs.committed(lastFinal);
        return finalTxs.full ? indexed : undefined;
      },
      (err: unknown) => {
        const failure = new StoreError({ code: 'STORE_IO', path: this.path, reason: err instanceof Error ? err.message : String(err) });
        // The ids held for this batch never became durable: the index must not write them later.
        finalTxs.fail(failure);
        throw failure;
      },
    );
  }

  // ---- reads (API) ---------------------------------------------------------------------------

  /** Highest finalized seq written (durable or in flight), or -1. */
  get lastFinalizedSeq(): number {
    return this.lastSeq;
  }

  finalizedBySeq(seq: number): FinalizedEntry | undefined {
    const b = this.read('final', seq);
    return b === undefined ? undefined : this.decodeOrCorrupt(b, `final/${seq}`);
  }

  finalizedByHeight(height: number): FinalizedEntry | undefined {
    const s = this.read('heights', height);
    return s === undefined ? undefined : this.finalizedBySeq(readU53(s));
  }

  finalizedByValue(value: string): FinalizedEntry | undefined {
    const s = this.read('values', value);
    return s === undefined ? undefined : this.finalizedBySeq(readU53(s));
  }

  /** Up to `limit` entries with seq >= from, in seq order. */
  finalizedRange(from: number, limit: number): FinalizedEntry[] {
    return [...this.finalFrom(from, limit)];
  }

  /** One of the engine's durable records (committed writes only), verified. */
  record(key: string): Uint8Array | undefined {
    return this.read('records', key);
  }

  txStatus(id: string): TxRecord | undefined {
    if (this.closed) throw new StoreError({ code: 'STORE_CLOSED' });
    const seq = this.finalTxs.seqOf(id);
    if (seq !== undefined) return { status: 'final', seq };
    const b = this.read('txs', id);
    return b === undefined ? undefined : decodeTx(b);
  }

  private decodeOrCorrupt(bytes: Uint8Array, what: string): FinalizedEntry {
    try {
      return decodeEntry(bytes);
    } catch (err) {
      if (isThermoError(err) || err instanceof Error) throw corrupt(this.path, `undecodable ${what}: ${err.message}`);
      throw err;
    }
  }

  // ---- keys ----------------------------------------------------------------------------------

  validatorSeed(): Uint8Array | undefined {
    return this.read('keys', 'validator');
  }

  /** Stores the validator seed (durably) on first start; a later start must present the same. */
  async adoptValidatorSeed(seed: Uint8Array): Promise<void> {
    const prior = this.validatorSeed();
    if (prior !== undefined) {
      if (Buffer.compare(Buffer.from(prior), Buffer.from(seed)) !== 0) {
        throw new StoreError(
          { code: 'STORE_KEY_MISMATCH', path: this.path },
          `store at ${this.path} holds another validator key than the configured key file; refusing to start`,
        );
      }
      return;
    }
    await this.env.transaction(() => this.put('keys', 'validator', seed));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.finalTxs.close();
    } finally {
      await this.env.close();
    }
  }
}
