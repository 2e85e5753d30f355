/**
 * A structural check of lmdb's data file, run BEFORE lmdb maps it. lmdb trusts its file: a
 * truncated file makes it touch pages past the end (SIGBUS) and a damaged meta page makes it
 * follow garbage pointers (SIGSEGV). Both kill the process with no message, so we read the two
 * meta pages ourselves and refuse a file whose metadata is damaged or that is cut short.
 *
 * "Cut short" needs care: the file may legitimately end before the last page the metadata
 * counts (`last used page`). LMDB does not write a transaction's *loose* pages (allocated at
 * the end of the file, then freed again in the same transaction: they go to the free list,
 * lmdb's mdb_page_flush skips P_LOOSE pages) although they advance the last page number; a
 * node SIGKILLed right after such a commit restarts with a file one or more whole pages
 * shorter than `(last + 1) x page size` and nothing lost (seen in the real-cluster test).
 * So: a size that is not a whole number of pages, or that cuts off a tree's root page, is
 * truncation (STORE_TRUNCATED); a whole-page shortfall with every root inside the file is
 * accepted only once the deep check (deep-check.ts, which reads every record in a child
 * process and would die on a missing page) has passed (`tailVerified`), and refused otherwise.
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

export interface DataFileCheckOptions {
  /** The deep check read every record of this file: a whole-page unwritten tail is benign. */
  readonly tailVerified?: boolean;
}

export interface DataFileCheck {
  /** Whole pages the metadata counts past the end of the file (unwritten loose pages). */
  readonly unwrittenTailPages: number;
}

const NOTHING_MISSING: DataFileCheck = Object.freeze({ unwrittenTailPages: 0 });

/**
 * Throws STORE_TRUNCATED or STORE_CORRUPT when the file cannot be handed to lmdb safely.
 * A missing file is fine (lmdb creates it); so is an empty one left by a crash during creation.
 */
export function checkDataFile(path: string, options: DataFileCheckOptions = {}): DataFileCheck {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return NOTHING_MISSING;
    throw new StoreError({ code: 'STORE_IO', path, reason: err instanceof Error ? err.message : String(err) });
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return NOTHING_MISSING;
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
    if (size >= expected) return NOTHING_MISSING;
    const truncated = (why: string): StoreError =>
      new StoreError(
        { code: 'STORE_TRUNCATED', path, size, expected },
        `store at ${path} is truncated: ${size} bytes, but its metadata needs ${expected} (${why}); refusing to start`,
      );
    // lmdb writes whole pages only: a partial page is a cut file.
    if (size % current.pageSize !== 0) throw truncated('not a whole number of pages');
    const pagesInFile = BigInt(size / current.pageSize);
    for (const root of current.roots) {
      if (root !== INVALID_PAGE && root >= pagesInFile) throw truncated(`a tree's root page ${root} is past the end`);
    }
    const unwrittenTailPages = Number(current.lastPage + 1n - pagesInFile);
    if (options.tailVerified !== true) {
      throw truncated(`${unwrittenTailPages} page(s) past the end; only the deep check can tell unwritten free pages from lost ones`);
    }
    return Object.freeze({ unwrittenTailPages });
  } finally {
    closeSync(fd);
  }
}
