/**
 * The node's store: durability across close/reopen, atomic batches with the finalized log and
 * the tx index, and refusal of a damaged store: a flipped byte inside a record (checksum), a
 * truncated data file (metadata check, before lmdb maps it), a damaged meta page, a store of
 * another chain, another schema or another validator key. The deep check runs in a child
 * process and reports the same damage.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { encode } from '../../src/core/index.js';
import { NodeStore, StoreError, deepCheckStore, seal, storePath } from '../../src/node/store/index.js';

const GENESIS = 'ab'.repeat(32);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'thermo-store-'));
  dirs.push(d);
  return d;
}

const CANARY = new TextEncoder().encode('THERMO-CANARY-'.repeat(8));

async function populate(dir: string): Promise<void> {
  const { store } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
  await store.write({
    records: [
      { key: 'block/1', value: CANARY },
      { key: 'tx/aa', value: new Uint8Array([1, 2, 3]) },
    ],
    finalized: [{ seq: 0, slot: 'h:1', value: 'ff'.repeat(32), txIds: ['aa'], height: 1, stateRoot: 'ee'.repeat(32), supply: 10n, minted: 1n }],
    accepted: ['aa', 'bb'],
  });
  await store.close();
}

async function expectStoreError(fn: () => unknown, code: string): Promise<StoreError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(code);
    return err as StoreError;
  }
  throw new Error(`expected ${code}`);
}

function dataFile(dir: string): string {
  return join(storePath(dir), 'data.mdb');
}

function flipAt(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  b[0] = readFileSync(path)[offset]! ^ 0x40;
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
}

describe('store durability', () => {
  it('keeps records, finalized entries and tx states across close and reopen', async () => {
    const dir = tmp();
    await populate(dir);
    const { store, restored, fresh } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
    expect(fresh).toBe(false);
    expect([...restored.keys()].sort()).toEqual(['block/1', 'tx/aa']);
    expect(restored.get('block/1')).toEqual(CANARY);
    expect(store.finalizedByHeight(1)).toMatchObject({ seq: 0, value: 'ff'.repeat(32), supply: 10n, minted: 1n, txIds: ['aa'] });
    expect(store.finalizedByValue('ff'.repeat(32))?.seq).toBe(0);
    expect(store.txStatus('aa')).toEqual({ status: 'final', seq: 0 });
    expect(store.txStatus('bb')).toEqual({ status: 'accepted' });
    expect(store.txStatus('cc')).toBeUndefined();
    expect(store.lastFinalizedSeq).toBe(0);
    await store.close();
  });

  it('a deletion (null value) removes the record; an accepted id never downgrades a final one', async () => {
    const dir = tmp();
    await populate(dir);
    const { store } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
    await store.write({ records: [{ key: 'tx/aa', value: null }], finalized: [], accepted: ['aa'] });
    await store.close();
    const again = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
    expect(again.restored.has('tx/aa')).toBe(false);
    expect(again.store.txStatus('aa')).toEqual({ status: 'final', seq: 0 });
    await again.store.close();
  });

  it('stores the validator seed once and refuses another key later', async () => {
    const dir = tmp();
    const { store } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
    await store.adoptValidatorSeed(new Uint8Array(32).fill(7));
    await store.adoptValidatorSeed(new Uint8Array(32).fill(7));
    await expect(store.adoptValidatorSeed(new Uint8Array(32).fill(8))).rejects.toMatchObject({ code: 'STORE_KEY_MISMATCH' });
    await store.close();
    const again = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
    expect(again.store.validatorSeed()).toEqual(new Uint8Array(32).fill(7));
    await again.store.close();
  });
});

describe('store memory', () => {
  // Linux only (/proc/self/smaps). lmdb-js, left to size its own map, starts at 128 KiB and maps
  // the file again at twice the size whenever it outgrows the map, keeping the old maps: their
  // resident pages add up to about twice the file (STORE_MAP_BYTES).
  it.runIf(process.platform === 'linux')('maps its data file once, however far the file grows', async () => {
    const dir = tmp();
    const { store } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
    const value = new Uint8Array(4096).fill(7);
    for (let b = 0; b < 16; b++) {
      await store.write({ records: Array.from({ length: 64 }, (_, i) => ({ key: `blob/${b}/${i}`, value })), finalized: [], accepted: [] });
    }
    const file = dataFile(dir);
    expect(statSync(file).size).toBeGreaterThan(4 * 1024 * 1024); // far past the 128 KiB lmdb-js would start with
    const maps = readFileSync('/proc/self/smaps', 'utf8')
      .split('\n')
      .filter((line) => line.endsWith(file));
    expect(maps).toHaveLength(1);
    expect(store.record('blob/15/63')).toEqual(value);
    await store.close();
  });
});

describe('damaged or foreign stores are refused', () => {
  it('a flipped byte inside a record: STORE_CORRUPT naming the record', async () => {
    const dir = tmp();
    await populate(dir);
    const bytes = readFileSync(dataFile(dir));
    const at = bytes.indexOf(Buffer.from(CANARY));
    expect(at).toBeGreaterThan(0);
    flipAt(dataFile(dir), at + 10);
    const err = await expectStoreError(() => NodeStore.open({ dataDir: dir, genesisHash: GENESIS }), 'STORE_CORRUPT');
    expect(err.message).toContain('records/block/1');
    expect(err.message).toContain('refusing to start');
  });

  it('a truncated data file: STORE_TRUNCATED, detected before lmdb maps it', async () => {
    const dir = tmp();
    await populate(dir);
    const size = statSync(dataFile(dir)).size;
    truncateSync(dataFile(dir), Math.floor(size / 2));
    const err = await expectStoreError(() => NodeStore.open({ dataDir: dir, genesisHash: GENESIS }), 'STORE_TRUNCATED');
    expect(err.message).toContain('truncated');
    truncateSync(dataFile(dir), 5000); // shorter than the two meta pages
    await expectStoreError(() => NodeStore.open({ dataDir: dir, genesisHash: GENESIS }), 'STORE_TRUNCATED');
  });

  it('a whole-page tail the metadata counts but never wrote (lmdb loose pages): refused unless the deep check read every record, then opened intact', async () => {
    const dir = tmp();
    await populate(dir);
    const file = dataFile(dir);
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt32LE(24 + 24); // meta page 0: header (24), meta fields (24), free-db record: page size first
    // The newer meta page says the file has one more page than it has: what a SIGKILL right
    // after a commit that freed its own last page leaves behind.
    const metaAt = (page: number): number => page * pageSize + 24;
    const txn = (page: number): bigint => bytes.readBigUInt64LE(metaAt(page) + 24 + 2 * 48 + 8);
    const current = txn(1) > txn(0) ? 1 : 0;
    const lastAt = metaAt(current) + 24 + 2 * 48;
    const last = bytes.readBigUInt64LE(lastAt);
    expect(Number(last + 1n) * pageSize).toBe(bytes.length);
    const patched = Buffer.from(bytes);
    patched.writeBigUInt64LE(last + 1n, lastAt);
    writeFileSync(file, patched);
    const err = await expectStoreError(() => NodeStore.open({ dataDir: dir, genesisHash: GENESIS }), 'STORE_TRUNCATED');
    expect(err.message).toContain('1 page(s) past the end');
    await expect(deepCheckStore(dir)).resolves.toEqual({ unwrittenTailPages: 1 });
    const { store, restored } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS, tailVerified: true });
    expect(restored.get('block/1')).toEqual(CANARY);
    await store.close();
    // A partial page, or a cut that takes a tree's root page, stays truncation even then.
    writeFileSync(file, patched.subarray(0, patched.length - 100));
    await expectStoreError(() => NodeStore.open({ dataDir: dir, genesisHash: GENESIS, tailVerified: true }), 'STORE_TRUNCATED');
    await expect(deepCheckStore(dir)).rejects.toMatchObject({ code: 'STORE_TRUNCATED' });
  });

  it('a damaged meta page: STORE_CORRUPT (lmdb would crash on it)', async () => {
    const dir = tmp();
    await populate(dir);
    const bytes = readFileSync(dataFile(dir));
    const magic = bytes.indexOf(Buffer.from([0xde, 0xc0, 0xef, 0xbe]));
    flipAt(dataFile(dir), magic);
    await expectStoreError(() => NodeStore.open({ dataDir: dir, genesisHash: GENESIS }), 'STORE_CORRUPT');
  });

  it('a store of another chain: STORE_GENESIS_MISMATCH', async () => {
    const dir = tmp();
    await populate(dir);
    await expectStoreError(() => NodeStore.open({ dataDir: dir, genesisHash: 'cd'.repeat(32) }), 'STORE_GENESIS_MISMATCH');
  });

  it('a store of another schema version: STORE_SCHEMA_MISMATCH', async () => {
    const dir = tmp();
    await populate(dir);
    const env = open({ path: storePath(dir), maxDbs: 16, encoding: 'binary' });
    const meta = env.openDB<Uint8Array, string>({ name: 'meta', encoding: 'binary' });
    await meta.put('schema', seal('meta', 'schema', encode(99)));
    await env.close();
    await expectStoreError(() => NodeStore.open({ dataDir: dir, genesisHash: GENESIS }), 'STORE_SCHEMA_MISMATCH');
  });

  it('the deep check (child process) passes a sound store and reports a damaged one', async () => {
    const dir = tmp();
    await deepCheckStore(dir); // no store yet: nothing to check
    await populate(dir);
    await deepCheckStore(dir);
    const bytes = readFileSync(dataFile(dir));
    flipAt(dataFile(dir), bytes.indexOf(Buffer.from(CANARY)) + 3);
    await expect(deepCheckStore(dir)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    truncateSync(dataFile(dir), Math.floor(bytes.length / 2));
    await expect(deepCheckStore(dir)).rejects.toMatchObject({ code: 'STORE_TRUNCATED' });
  });
});
