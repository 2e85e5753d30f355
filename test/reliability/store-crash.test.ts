/**
 * Store crash safety (issue 8 item 4; docs/reliability-cluster.md, "Store crash harness").
 * test/node/store.test.ts covers single damage cases (one flipped byte in a record, a file cut in
 * half or below two pages, a damaged meta page, foreign stores); this file sweeps:
 *
 *  - every write point of a commit at page granularity: the pages a commit writes are replayed
 *    onto the file as it was before, one more each time; until the meta page lands the store must
 *    read back exactly as before the batch, with it exactly as after;
 *  - a real writer process SIGKILLed at many moments mid-load: a prefix of whole batches
 *    survives, containing every batch whose commit had resolved;
 *  - a batch that fails while being encoded leaves nothing behind (lmdb-js commits the puts a
 *    throwing transaction callback made: a bug this harness found in NodeStore.write);
 *  - truncation of the last used page (refused: STORE_TRUNCATED) vs. of unused tail (harmless);
 *  - single-bit flips all over the file: refused with a StoreError, or read back identical.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Prng } from '../../src/core/index.js';
import { NodeStore, StoreError, deepCheckStore, storePath } from '../../src/node/store/index.js';
import type { FinalizedEntry } from '../../src/protocol/index.js';
import { GENESIS, allTxIds, batchOf, modelAfter, viewStore } from './support/store-model.js';

const root = mkdtempSync(join(tmpdir(), 'thermo-store-crash-'));
let n = 0;
function tmp(): string {
  const d = join(root, `s${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dataFile = (dir: string): string => join(storePath(dir), 'data.mdb');

async function writeBatches(dir: string, from: number, to: number): Promise<void> {
  const { store } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
  for (let k = from; k < to; k++) await store.write(batchOf(k));
  await store.close();
}

/** Page size and the newer meta page's last used page (mirrors src/node/store/file-check.ts). */
function metaOf(buf: Buffer): { pageSize: number; lastPage: number } {
  const metas: { pageSize: number; lastPage: number; txn: bigint }[] = [];
  let pageSize = 0;
  for (let page = 0; page < 2; page++) {
    for (const h of [24, 16]) {
      const m = page * (pageSize || 4096) + h;
      if (buf.readUInt32LE(m) !== 0xbeefc0de) continue;
      const dbs = m + 24;
      pageSize = buf.readUInt32LE(dbs);
      metas.push({ pageSize, lastPage: Number(buf.readBigUInt64LE(dbs + 96)), txn: buf.readBigUInt64LE(dbs + 104) });
      break;
    }
  }
  expect(metas.length).toBe(2);
  const cur = metas[0]!.txn > metas[1]!.txn ? metas[0]! : metas[1]!;
  return { pageSize: cur.pageSize, lastPage: cur.lastPage };
}

function storeFrom(bytes: Buffer): string {
  const d = tmp();
  mkdirSync(storePath(d), { recursive: true });
  writeFileSync(dataFile(d), bytes);
  return d;
}

function expectStoreError(err: unknown): StoreError {
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

describe('store crash safety: write points of a commit', () => {
  it('replaying a commit page by page: before the meta page the old state, with it the new one', async () => {
    const dir = tmp();
    const BATCHES = 6;
    await writeBatches(dir, 0, 2);
    let checked = 0;
    for (let k = 2; k < 2 + BATCHES; k++) {
      const before = readFileSync(dataFile(dir));
      await writeBatches(dir, k, k + 1);
      const after = readFileSync(dataFile(dir));
      const { pageSize } = metaOf(after);
      expect(after.length % pageSize).toBe(0);
      const pages = after.length / pageSize;
      const changed: number[] = [];
      for (let p = 0; p < pages; p++) {
        const a = after.subarray(p * pageSize, (p + 1) * pageSize);
        const b = p * pageSize < before.length ? before.subarray(p * pageSize, (p + 1) * pageSize) : Buffer.alloc(pageSize);
        if (!a.equals(b)) changed.push(p);
      }
      const metaPages = changed.filter((p) => p < 2);
      const dataPages = changed.filter((p) => p >= 2);
      expect(metaPages.length, `commit ${k} writes one meta page`).toBe(1);
      expect(dataPages.length, `commit ${k} writes data pages`).toBeGreaterThan(0);
      const ids = allTxIds(k + 2);
      const old = modelAfter(k);
      const neu = modelAfter(k + 1);
      // lmdb writes the data pages (in page order), syncs, then writes the meta page: a crash
      // can stop after any prefix of the data pages, with the file already grown.
      for (let j = 0; j <= dataPages.length; j++) {
        const img = Buffer.alloc(after.length);
        before.copy(img);
        for (const p of dataPages.slice(0, j)) after.copy(img, p * pageSize, p * pageSize, (p + 1) * pageSize);
        expect(await viewStore(storeFrom(img), ids), `commit ${k} cut after ${j}/${dataPages.length} data pages`).toEqual(old);
        checked++;
      }
      const img = Buffer.from(after);
      expect(await viewStore(storeFrom(img), ids), `commit ${k} with its meta page`).toEqual(neu);
    }
    expect(checked).toBeGreaterThan(BATCHES * 2);
  });

  it('a batch that fails while being encoded leaves nothing behind (lmdb-js would commit the puts made before the throw)', async () => {
    const dir = tmp();
    await writeBatches(dir, 0, 2);
    const { store } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
    const bad = { seq: 2, slot: 'h:3', value: '00'.repeat(32), txIds: [() => 0] } as unknown as FinalizedEntry;
    const err = await store.write({ records: [{ key: 'rec/partial', value: new Uint8Array([1]) }], finalized: [bad], accepted: ['ab'.repeat(32)] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(expectStoreError(err).code).toBe('STORE_IO');
    await store.write(batchOf(2)); // the store stays usable
    await store.close();
    const view = await viewStore(dir, [...allTxIds(3), 'ab'.repeat(32)]);
    expect(view.records['rec/partial']).toBeUndefined();
    expect(view).toEqual(modelAfter(3));
  });
});

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const WRITER = fileURLToPath(new URL('./support/store-writer.ts', import.meta.url));

interface Round {
  start: number;
  lastBegin: number;
  lastDone: number;
}

/** Runs the writer until it has begun batch `killAtBegin`, waits `delayMs`, SIGKILLs it. */
function runWriter(dir: string, killAtBegin: number, delayMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const r: Round = { start: -1, lastBegin: -1, lastDone: -1 };
    let buf = '';
    let err = '';
    let fired = false;
    const fire = (): void => {
      if (fired) return;
      fired = true;
      child.kill('SIGKILL');
    };
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [what, num] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        const k = Number(num);
        if (what === 'start') r.start = k;
        if (what === 'begin') r.lastBegin = k;
        if (what === 'done') r.lastDone = k;
        if (what === 'begin' && k >= killAtBegin) {
          if (delayMs === 0) fire();
          else setTimeout(fire, delayMs);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    const guard = setTimeout(fire, 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited ${code}/${signal}: ${err.slice(-2000)}`));
      else resolve(r);
    });
  });
}

describe('store crash safety: SIGKILL of a writing process', () => {
  it('leaves a prefix of whole batches that contains every batch whose commit resolved', async () => {
    const dir = tmp();
    const delays = [0, 0, 1, 2, 3, 5, 0, 1, 8, 0];
    let expectNext = 0;
    let midCommit = 0;
    for (const [i, delay] of delays.entries()) {
      const r = await runWriter(dir, expectNext + 2 + (i % 3), delay);
      expect(r.start, `round ${i} resumes after the durable prefix`).toBe(expectNext);
      await deepCheckStore(dir); // a crash never damages the file
      const probe = allTxIds(r.lastBegin + 3);
      const view = await viewStore(dir, probe);
      const m = view.finalSeqs.length;
      expect(m, `round ${i}: every resolved commit survived`).toBeGreaterThanOrEqual(r.lastDone + 1);
      expect(m, `round ${i}: nothing beyond the last begun batch`).toBeLessThanOrEqual(r.lastBegin + 1);
      expect(view, `round ${i}: exactly batches 0..${m - 1}, each whole`).toEqual(modelAfter(m));
      if (m === r.lastBegin + 1 && r.lastDone < r.lastBegin) midCommit++;
      expectNext = m;
    }
    expect(expectNext).toBeGreaterThan(delays.length * 2);
    process.stdout.write(`store-crash: ${delays.length} SIGKILLs, ${expectNext} batches durable, ${midCommit} kills landed between commit and acknowledgement\n`);
  }, 180_000);
});

describe('store crash safety: truncation and bit flips', () => {
  it('cutting into the last used page is refused (STORE_TRUNCATED); cutting unused tail loses nothing', async () => {
    const dir = tmp();
    await writeBatches(dir, 0, 12);
    const file = readFileSync(dataFile(dir));
    const { pageSize, lastPage } = metaOf(file);
    const used = (lastPage + 1) * pageSize;
    expect(file.length).toBeGreaterThanOrEqual(used);
    for (const cut of [1, 7, pageSize - 1, pageSize, pageSize + 1, 3 * pageSize]) {
      const d = storeFrom(file.subarray(0, used - cut));
      let err: unknown = null;
      try {
        await NodeStore.open({ dataDir: d, genesisHash: GENESIS });
      } catch (e) {
        err = e;
      }
      expect(expectStoreError(err).code, `cut ${cut} bytes of the last used page(s)`).toBe('STORE_TRUNCATED');
      expect((err as Error).message).toMatch(/refusing to start/);
      await expect(deepCheckStore(d)).rejects.toBeInstanceOf(StoreError);
    }
    if (file.length > used) {
      const d = storeFrom(file.subarray(0, used));
      expect(await viewStore(d, allTxIds(12))).toEqual(modelAfter(12));
    }
  });

  it('a single-bit flip anywhere in the used pages: refused with a StoreError, or every record reads back identical', async () => {
    const dir = tmp();
    await writeBatches(dir, 0, 12);
    const file = readFileSync(dataFile(dir));
    const { pageSize, lastPage } = metaOf(file);
    const used = (lastPage + 1) * pageSize;
    const want = modelAfter(12);
    const ids = allTxIds(12);
    const rng = Prng.fromSeed(8_4);
    const FLIPS = 40;
    let refused = 0;
    let harmless = 0;
    const wrong: string[] = [];
    for (let i = 0; i < FLIPS; i++) {
      // A quarter of the flips hit the two meta pages, the rest the data pages.
      const at = i % 4 === 0 ? rng.nextInt(2 * pageSize) : 2 * pageSize + rng.nextInt(used - 2 * pageSize);
      const img = Buffer.from(file);
      img[at] = img[at]! ^ (1 << rng.nextInt(8));
      const d = storeFrom(img);
      try {
        await deepCheckStore(d); // in a child process: damaged B-tree pages may crash lmdb
        const view = await viewStore(d, ids);
        if (JSON.stringify(view) === JSON.stringify(want)) harmless++;
        else wrong.push(`offset ${at} (page ${Math.floor(at / pageSize)}): opened and read back different data`);
      } catch (err) {
        expectStoreError(err);
        refused++;
      }
    }
    expect(wrong).toEqual([]);
    expect(refused + harmless).toBe(FLIPS);
    expect(refused).toBeGreaterThan(0);
    process.stdout.write(`store-flips: ${FLIPS} flips, ${refused} refused, ${harmless} in unused bytes\n`);
  }, 120_000);
});
