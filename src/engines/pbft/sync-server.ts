/**
 * Catch-up answers from durable records, for a runtime that keeps them (the real node).
 *
 * The engine answers `sync-request` from memory, but keeps only its last KEEP_EXECUTED executed
 * blocks there; a replica further behind (a long outage, a store lost and moved aside) asks for
 * blocks the peers no longer hold in memory and never catches up. Every executed block is also a
 * durable `pbft/blk/<seq>` record holding the block, its view and its commit certificate: exactly
 * a `sync-block` answer. This pure function builds those answers from a read callback over the
 * durable records (the engine still does no I/O) for the requests the engine cannot serve from
 * memory. The requester verifies every commit certificate as usual, so serving records adds no
 * trust. Mirrors src/engines/reference/sync-server.ts.
 */
import { KEEP_EXECUTED } from './engine.js';
import type { PbftMessage } from './messages.js';
import { MAX_SYNC_BLOCKS } from './messages.js';
import { BLOCK_PREFIX, decodeExecuted } from './records.js';

/** Reads one durable record by key (undefined when absent). */
export type RecordReader = (key: string) => Uint8Array | undefined;

/**
 * The `sync-block` answers to `message` that the engine (executed up to `engineHeight`, keeping
 * its last `keep` blocks in memory) cannot give; empty for any other message.
 */
export function answerFromRecords(message: PbftMessage, engineHeight: number, read: RecordReader, keep = KEEP_EXECUTED): PbftMessage[] {
  if (message.t !== 'sync-request') return [];
  const oldestInMemory = engineHeight - keep + 1;
  const out: PbftMessage[] = [];
  const last = Math.min(engineHeight, message.fromSeq + MAX_SYNC_BLOCKS - 1, oldestInMemory - 1);
  for (let s = Math.max(1, message.fromSeq); s <= last; s++) {
    const key = `${BLOCK_PREFIX}${s}`;
    const bytes = read(key);
    if (bytes === undefined) break;
    const r = decodeExecuted(key, bytes);
    out.push({ t: 'sync-block', block: r.block, view: r.view, commits: r.commits });
  }
  return out;
}
