/**
 * A deterministic workload for the store crash harness: batch k is a pure function of k (records
 * put and deleted, one finalized entry with seq k, accepted ids), so a test and a child process
 * that was SIGKILLed mid-write agree on what batches 0..m-1 must have left on disk.
 */
import { Prng } from '../../../src/core/index.js';
import { NodeStore } from '../../../src/node/store/index.js';
import type { StoreBatch } from '../../../src/node/store/index.js';

export const GENESIS = 'cd'.repeat(32);

function hex(n: number, width = 8): string {
  return n.toString(16).padStart(width, '0');
}

export function txId(k: number, j: number): string {
  return `${hex(k)}${hex(j)}`.padEnd(64, 'a');
}

/** Batch k: 1-12 records (some over a page, so overflow pages are written), deletes of earlier records, one finalized entry, accepted ids. */
export function batchOf(k: number): StoreBatch {
  const rng = Prng.fromSeed(1000 + k);
  const records: { key: string; value: Uint8Array | null }[] = [];
  const n = 1 + rng.nextInt(12);
  for (let j = 0; j < n; j++) {
    const size = rng.nextBool(0.2) ? 4096 + rng.nextInt(12_000) : 1 + rng.nextInt(300);
    const value = new Uint8Array(size);
    for (let i = 0; i < size; i += 4) value[i] = (k * 31 + j * 7 + i) & 0xff;
    records.push({ key: `rec/${hex(k)}/${j}`, value });
  }
  // Delete one record of an earlier batch (it may already be gone: a no-op then).
  if (k >= 2) records.push({ key: `rec/${hex(rng.nextInt(k))}/0`, value: null });
  const ids = Array.from({ length: rng.nextInt(6) }, (_, j) => txId(k, j));
  const accepted = [...ids, txId(k, 100)];
  return {
    records,
    finalized: [{ seq: k, slot: `h:${k + 1}`, value: hex(k, 64), txIds: ids, height: k + 1, stateRoot: hex(k * 3, 64), supply: 1000n + BigInt(k), minted: 1n }],
    accepted,
  };
}

export interface StoreView {
  readonly records: Record<string, string>;
  readonly finalSeqs: number[];
  readonly txs: Record<string, string>;
}

/** What batches 0..m-1 leave in the store. */
export function modelAfter(m: number): StoreView {
  const records = new Map<string, string>();
  const txs = new Map<string, string>();
  for (let k = 0; k < m; k++) {
    const b = batchOf(k);
    for (const r of b.records) {
      if (r.value === null) records.delete(r.key);
      else records.set(r.key, Buffer.from(r.value).toString('hex'));
    }
    for (const e of b.finalized) for (const id of e.txIds) txs.set(id, `final:${e.seq}`);
    for (const id of b.accepted) if (!txs.has(id)) txs.set(id, 'accepted');
  }
  return { records: Object.fromEntries([...records].sort()), finalSeqs: Array.from({ length: m }, (_, i) => i), txs: Object.fromEntries([...txs].sort()) };
}

/** Every tx id any batch below `limit` mentions (to ask the store about ids it should not know too). */
export function allTxIds(limit: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < limit; k++) {
    const b = batchOf(k);
    out.push(...b.accepted);
  }
  return out;
}

/** Reads a store back through the public API (opening runs the metadata check and every checksum). */
export async function viewStore(dataDir: string, askIds: readonly string[]): Promise<StoreView> {
  const { store, restored } = await NodeStore.open({ dataDir, genesisHash: GENESIS });
  try {
    const records = Object.fromEntries([...restored].map(([k, v]) => [k, Buffer.from(v).toString('hex')] as const).sort());
    const finals = store.finalizedRange(0, 1_000_000);
    for (const e of finals) {
      const again = store.finalizedByHeight(e.height ?? -1);
      if (again?.seq !== e.seq) throw new Error(`height index of seq ${e.seq} disagrees`);
    }
    const txs: Record<string, string> = {};
    for (const id of [...askIds].sort()) {
      const t = store.txStatus(id);
      if (t !== undefined) txs[id] = t.status === 'final' ? `final:${t.seq}` : 'accepted';
    }
    return { records, finalSeqs: finals.map((e) => e.seq), txs };
  } finally {
    await store.close();
  }
}
