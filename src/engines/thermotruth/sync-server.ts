/**
 * Catch-up answers from durable records, for a runtime that keeps them (the real node).
 *
 * The engine answers `sync-request` from memory, but keeps only its last KEEP_FINALS finalized
 * epochs there; a replica further behind (a long outage, a store lost and moved aside) asks for
 * epochs its peers no longer hold in memory and never catches up. Every finalized epoch is also a
 * durable `final/<epoch>` record (its batch and commit QC: exactly what a `sync-final` carries).
 * This pure function builds those answers from a read callback over the durable records (the
 * engine still does no I/O) for the epochs the engine cannot serve from memory; the requester
 * checks every QC and re-applies every batch as usual, so serving records adds no trust. Mirrors
 * src/engines/hotstuff/sync-server.ts and src/engines/pbft/sync-server.ts.
 */
import { decode, readArray, readBytes } from '../../core/index.js';
import { decodeBatch } from './batch.js';
import { KEEP_FINALS, SYNC_BATCH } from './engine.js';
import { MAX_MESSAGE_BYTES } from './messages.js';
import type { TtMessage } from './messages.js';
import { qcFromCbor } from './qc.js';

/** Reads one durable record by key (undefined when absent). */
export type RecordReader = (key: string) => Uint8Array | undefined;

/** The durable record of finalized epoch `epoch` (written by the engine at finalization). */
export function finalKey(epoch: number): string {
  return `final/${epoch}`;
}

/**
 * The `sync-final` messages answering `message` that the engine (finalized up to epoch
 * `engineHeight`, keeping its last `keep` epochs in memory) cannot give: at most SYNC_BATCH, in
 * epoch order, stopping at the first missing record.
 */
export function answerFromRecords(message: TtMessage, engineHeight: number, read: RecordReader, keep = KEEP_FINALS): TtMessage[] {
  if (message.t !== 'sync-request') return [];
  const oldestInMemory = engineHeight - keep + 1;
  const last = Math.min(engineHeight, message.fromEpoch + SYNC_BATCH - 1, oldestInMemory - 1);
  const out: TtMessage[] = [];
  for (let e = Math.max(1, message.fromEpoch); e <= last; e++) {
    const raw = read(finalKey(e));
    if (raw === undefined) break;
    // The record is the engine's own, written after it checked the batch; a damaged one is
    // caught by the store's checksums, and the requester re-verifies everything anyway.
    const items = readArray(decode(raw, MAX_MESSAGE_BYTES + 1024 * 1024), 'final record', 2);
    out.push({ t: 'sync-final', batch: decodeBatch(readBytes(items[0], 'final record batch'), MAX_MESSAGE_BYTES), qc: qcFromCbor(items[1], 'final record qc') });
  }
  return out;
}
