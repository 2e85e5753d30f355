/**
 * The final-transaction index (src/node/store/final-tx-index.ts): answers from memory until its
 * LevelDB batch is written, never writes ahead of the lmdb commit it is told of, catches up from
 * the finalized log after a crash or a deleted index, refuses a damaged value, and tells the
 * store to wait at MAX_UNWRITTEN_IDS (N-1 not full, N full). Through the store: a final id
 * leaves lmdb's pending ids and is answered by the index across a reopen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it } from 'vitest';
import { encode } from '../../src/core/index.js';
import type { FinalizedEntry } from '../../src/protocol/index.js';
import { FinalTxIndex, MAX_UNWRITTEN_IDS, NodeStore, StoreError, seal, txIndexPath } from '../../src/node/store/index.js';

const GENESIS = 'ab'.repeat(32);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'thermo-txindex-'));
  dirs.push(d);
  return d;
}

const id = (i: number): string => i.toString(16).padStart(64, '0');
function entry(seq: number, ids: readonly string[]): FinalizedEntry {
  return { seq, slot: `h:${seq + 1}`, value: 'ff'.repeat(31) + seq.toString(16).padStart(2, '0'), txIds: ids, height: seq + 1 };
}
const none = (): FinalizedEntry[] => [];

describe('FinalTxIndex', () => {
  it('answers held ids at once, writes them only once told they are committed, and keeps them across a reopen', async () => {
    const dir = tmp();
    const index = await FinalTxIndex.open(dir, none);
    index.hold([entry(0, [id(1), id(2)]), entry(1, [id(3)])]);
    expect(index.seqOf(id(2))).toBe(0);
    expect(index.seqOf(id(3))).toBe(1);
    expect(index.lastIndexedSeq).toBe(1);
    await index.committed(0); // only seq 0 is durable in lmdb so far
    expect(index.unwrittenIds).toBe(1);
    await index.close(); // seq 1 was never reported committed: dropped, as a crash would
    const again = await FinalTxIndex.open(dir, none);
    expect(again.lastIndexedSeq).toBe(0);
    expect(again.seqOf(id(1))).toBe(0);
    expect(again.seqOf(id(3))).toBeUndefined();
    expect(again.seqOf(id(9))).toBeUndefined();
    await again.close();
  });

  it('catches up from the log past its marker (a crash between the lmdb commit and the index write)', async () => {
    const dir = tmp();
    const first = await FinalTxIndex.open(dir, none);
    first.hold([entry(0, [id(1)])]);
    await first.committed(0);
    await first.close();
    const log = [entry(0, [id(1)]), entry(1, [id(2)]), entry(2, [id(3), id(4)])];
    const seen: number[] = [];
    const again = await FinalTxIndex.open(dir, (from) => {
      seen.push(from);
      return log.filter((e) => e.seq >= from);
    });
    expect(seen).toEqual([1]);
    expect(again.lastIndexedSeq).toBe(2);
    expect(again.unwrittenIds).toBe(0);
    expect(again.seqOf(id(4))).toBe(2);
    await again.close();
  });

  it(`is full at MAX_UNWRITTEN_IDS ids waiting (N-1: not full, N: full), and empties once written`, async () => {
    const index = await FinalTxIndex.open(tmp(), none);
    const ids = Array.from({ length: MAX_UNWRITTEN_IDS }, (_, i) => id(i));
    index.hold([entry(0, ids.slice(0, MAX_UNWRITTEN_IDS - 1))]);
    expect(index.full).toBe(false);
    index.hold([entry(1, ids.slice(MAX_UNWRITTEN_IDS - 1))]);
    expect(index.full).toBe(true);
    await index.committed(1);
    expect(index.full).toBe(false);
    expect(index.seqOf(id(MAX_UNWRITTEN_IDS - 1))).toBe(1);
    await index.close();
  });

  it('a damaged value or marker: STORE_CORRUPT, saying the index can be rebuilt', async () => {
    const dir = tmp();
    const index = await FinalTxIndex.open(dir, none);
    index.hold([entry(0, [id(1)])]);
    await index.committed(0);
    await index.close();
    const raw = new ClassicLevel<string, Uint8Array>(txIndexPath(dir), { keyEncoding: 'utf8', valueEncoding: 'view' });
    await raw.put(id(1), seal('txindex', id(1), encode(7)).map((b, i) => (i === 8 ? b ^ 1 : b)));
    await raw.close();
    const damaged = await FinalTxIndex.open(dir, none);
    expect(() => damaged.seqOf(id(1))).toThrow(expect.objectContaining({ code: 'STORE_CORRUPT', message: expect.stringMatching(/delete .*txindex to rebuild it/) }));
    await damaged.close();
    const raw2 = new ClassicLevel<string, Uint8Array>(txIndexPath(dir), { keyEncoding: 'utf8', valueEncoding: 'view' });
    await raw2.put('!indexed', new Uint8Array(3));
    await raw2.close();
    await expect(FinalTxIndex.open(dir, none)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });
});

describe('the store with the index', () => {
  it('a finalized id leaves the pending ids and is final across a reopen; a deleted index is rebuilt from the log', async () => {
    const dir = tmp();
    const { store } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
    await store.write({ records: [], finalized: [], accepted: [id(1), id(2)] });
    expect(store.txStatus(id(1))).toEqual({ status: 'accepted' });
    const w = store.write({ records: [], finalized: [entry(0, [id(1)])], accepted: [] });
    expect(store.txStatus(id(1))).toEqual({ status: 'final', seq: 0 }); // answered before the commit resolves
    await w;
    await store.write({ records: [], finalized: [], accepted: [id(1)] }); // a client retry after finality
    expect(store.txStatus(id(1))).toEqual({ status: 'final', seq: 0 });
    await store.close();
    rmSync(txIndexPath(dir), { recursive: true, force: true });
    const again = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
    expect(again.store.txStatus(id(1))).toEqual({ status: 'final', seq: 0 });
    expect(again.store.txStatus(id(2))).toEqual({ status: 'accepted' });
    expect(again.store.txStatus(id(3))).toBeUndefined();
    await again.store.close();
  });
});

describe('a failed store write', () => {
  it('stops the index: what was held is never written, and every later call fails', async () => {
    const dir = tmp();
    const index = await FinalTxIndex.open(dir, none);
    index.hold([entry(0, [id(1)])]);
    const failure = new StoreError({ code: 'STORE_IO', path: dir, reason: 'disk full' });
    index.fail(failure);
    expect(() => index.seqOf(id(1))).toThrow(failure);
    expect(() => index.hold([entry(1, [id(2)])])).toThrow(failure);
    await expect(index.committed(0)).rejects.toBe(failure);
    await index.close();
    const again = await FinalTxIndex.open(dir, none);
    expect(again.lastIndexedSeq).toBe(-1);
    expect(again.seqOf(id(1))).toBeUndefined();
    await again.close();
  });
});
