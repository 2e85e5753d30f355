/**
 * Catch-up answers from durable records, for a runtime that keeps them (the real node).
 *
 * The engine answers a `sync-request` from memory, which holds the unfinalized tree and the
 * last KEEP_FINALIZED finalized blocks; a node further behind (a long outage, a store lost and
 * moved aside, 10,000 blocks in issue 6's restart measurement) asks for heights its peers no
 * longer hold in memory and would never catch up. Every finalized block is also a durable
 * `final/<height>` record. This pure function builds the answer from a read callback over those
 * records (the engine still does no I/O) for the heights the engine cannot serve: every height
 * at most `engineHeight - keep`, where engineHeight is the engine's head height (status().height)
 * and the engine keeps finalized blocks down to root - keep + 1 >= that. Around the edge both
 * may answer a few of the same blocks; the requester drops known blocks. It validates every
 * block as usual (seal, difficulty, parent, transfers), so serving records adds no trust.
 * Mirrors src/engines/thermotruth/sync-server.ts.
 */
import { decodeBlock } from '../../ledger/index.js';
import { KEEP_FINALIZED } from './chain.js';
import { MAX_SYNC_BLOCKS, blockMessage } from './messages.js';
import type { CoherenceMessage } from './messages.js';

/** Reads one durable record by key (undefined when absent). */
export type RecordReader = (key: string) => Uint8Array | undefined;

/** The durable record of the finalized block at `height`. */
export function finalKey(height: number): string {
  return `final/${height}`;
}

/**
 * The block messages answering `message` (a sync-request) that the engine, whose head is at
 * `engineHeight`, cannot give: a contiguous run from the requested height, ending at a missing
 * record, at MAX_SYNC_BLOCKS, or at engineHeight - keep.
 */
export function answerFromRecords(message: CoherenceMessage, engineHeight: number, read: RecordReader, keep = KEEP_FINALIZED): CoherenceMessage[] {
  if (message.t !== 'sync-request') return [];
  const last = Math.min(message.fromHeight + MAX_SYNC_BLOCKS - 1, engineHeight - keep);
  const out: CoherenceMessage[] = [];
  for (let h = Math.max(1, message.fromHeight); h <= last; h++) {
    const raw = read(finalKey(h));
    if (raw === undefined) break;
    out.push(blockMessage(decodeBlock(raw)));
  }
  return out;
}
