/**
 * A structural check of lmdb's data file, run BEFORE lmdb maps it. lmdb trusts its file: a
 * truncated file makes it touch pages past the end (SIGBUS) and a damaged meta page makes it
 * follow garbage pointers (SIGSEGV). Both kill the process with no message, so we read the two
 * meta pages ourselves and refuse a file whose metadata is damaged or that is shorter than the
 * last page the metadata points to.
 *
 * Layout (little-endian, 64-bit build, as written by the lmdb 3.x that lmdb-js ships; verified
 * against freshly written files in test/node/store-corruption.test.ts): each of pages 0 and 1
 * holds a page header, then the meta: magic 0xBEEFC0DE, version, map address, map size, two
 * 48-byte db records (free list, main; the free list's first u32 is the page size), the last
 * used page number and the transaction id. The header is 16 bytes in lmdb 0.9 and 24 bytes in
 * the 1.0 line, so the magic is looked for at both offsets.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StoreError, corrupt } from './errors.js';

const MAGIC = 0xbeefc0de;
const HEADER_OFFSETS = [24, 16] as const;
const DB_RECORD_BYTES = 48;
const INVALID_PAGE = 0xffffffffffffffffn;

export interface MetaPage {
  readonly pageSize: number;
  readonly lastPage: bigint;
  readonly txnId: bigint;
  readonly roots: readonly bigint[];
}

function readMeta(buf: Buffer, at: number): MetaPage | null {
  for (const h of HEADER_OFFSETS) {
    const m = at + h;
    if (m + 24 + 2 * DB_RECORD_BYTES + 16 > buf.length) continue;
    if (buf.readUInt32LE(m) !== MAGIC) continue;
    const dbs = m + 24;
    const pageSize = buf.readUInt32LE(dbs);
    const roots = [buf.readBigUInt64LE(dbs + 40), buf.readBigUInt64LE(dbs + DB_RECORD_BYTES + 40)];
    const lastPage = buf.readBigUInt64LE(dbs + 2 * DB_RECORD_BYTES);
    const txnId = buf.readBigUInt64LE(dbs + 2 * DB_RECORD_BYTES + 8);
    return { pageSize, lastPage, txnId, roots };
  }
  return null;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

/**
 * Throws STORE_TRUNCATED or STORE_CORRUPT when the file cannot be handed to lmdb safely.
 * A missing file is fine (lmdb creates it); so is an empty one left by a crash during creation.
 */
export function checkDataFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StoreError({ code: 'STORE_IO', path, reason: err instanceof Error ? err.message : String(err) });
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const head = Buffer.alloc(Math.min(size, 2 * 65536));
    readSync(fd, head, 0, head.length, 0);
    const first = readMeta(head, 0);
    if (first === null) throw corrupt(path, 'meta page 0 has no lmdb magic number');
    if (!isPowerOfTwo(first.pageSize)) throw corrupt(path, `meta page 0 records an impossible page size ${first.pageSize}`);
    if (size < 2 * first.pageSize) {
      throw new StoreError(
        { code: 'STORE_TRUNCATED', path, size, expected: 2 * first.pageSize },
        `store at ${path} is truncated: ${size} bytes, shorter than its two meta pages; refusing to start`,
      );
    }
    const second = readMeta(head, first.pageSize);
    if (second === null) throw corrupt(path, 'meta page 1 has no lmdb magic number');
    if (second.pageSize !== first.pageSize) throw corrupt(path, 'the two meta pages disagree on the page size');
    for (const [i, meta] of [first, second].entries()) {
      for (const root of meta.roots) {
        if (root !== INVALID_PAGE && root > meta.lastPage) throw corrupt(path, `meta page ${i} points past its last page`);
      }
    }
    const current = second.txnId > first.txnId ? second : first;
    const expected = Number(current.lastPage + 1n) * current.pageSize;
    if (size < expected) {
      throw new StoreError(
        { code: 'STORE_TRUNCATED', path, size, expected },
        `store at ${path} is truncated: ${size} bytes, but its metadata needs ${expected}; refusing to start`,
      );
    }
  } finally {
    closeSync(fd);
  }
}
