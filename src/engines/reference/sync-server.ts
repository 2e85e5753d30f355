/**
 * Catch-up answers from durable records, for a runtime that keeps them (the real node).
 *
 * The engine answers `sync-request` from memory, but keeps only the last `keepFinalBlocks`
 * finalized blocks there; a validator further behind (a node restarted after a long outage)
 * would never catch up. Its durable `block/<h>` records hold every finalized block with its
 * quorum certificate, which is exactly a `sync-block` answer. This pure function builds those
 * answers from a read callback over the durable records (the engine itself still does no
 * I/O), for the requests the engine cannot serve from memory. The requester verifies every
 * certificate as usual, so a runtime serving records gains no trust.
 */
import { KEEP_FINAL_BLOCKS } from './engine.js';
import type { RefMessage } from './messages.js';
import { MAX_SYNC_BLOCKS, decodeFinalRecord } from './messages.js';

/** Reads one durable record by key (undefined when absent). */
export type RecordReader = (key: string) => Uint8Array | undefined;

/**
 * The `sync-block` answers to `message` that the engine (at finalized height `engineHeight`,
 * keeping its last `keepFinalBlocks` blocks in memory) cannot give; empty for any other message.
 */
export function answerFromRecords(message: RefMessage, engineHeight: number, read: RecordReader, keepFinalBlocks = KEEP_FINAL_BLOCKS): RefMessage[] {
  if (message.t !== 'sync-request') return [];
  const oldestInMemory = engineHeight - keepFinalBlocks + 1;
  const out: RefMessage[] = [];
  const last = Math.min(engineHeight, message.fromHeight + MAX_SYNC_BLOCKS - 1, oldestInMemory - 1);
  for (let h = message.fromHeight; h <= last; h++) {
    const bytes = read(`block/${h}`);
    if (bytes === undefined) break;
    const { block, cert } = decodeFinalRecord(bytes);
    out.push({ t: 'sync-block', block, cert });
  }
  return out;
}
