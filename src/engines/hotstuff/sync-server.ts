/**
 * Catch-up answers from durable records, for a runtime that keeps them (the real node).
 *
 * The engine answers `sync-request` from memory, but keeps only its last KEEP_COMMITTED committed
 * blocks there; a replica further behind (a long outage, a store lost and moved aside) asks for
 * blocks the peers no longer hold in memory and never catches up. Every committed block is also a
 * durable `hs/blk/<height>` record, and every block carries the QC of its parent, which is all a
 * `sync-response` needs (its trailing QC is optional). This pure function builds that answer from
 * a read callback over the durable records (the engine still does no I/O) for requests the engine
 * cannot serve from memory; the requester checks every QC as usual, so serving records adds no
 * trust. Mirrors src/engines/reference/sync-server.ts and src/engines/pbft/sync-server.ts.
 */
import { decodeBlock } from '../../ledger/index.js';
import type { Block } from '../../ledger/index.js';
import { MAX_MESSAGE_BYTES } from './codec.js';
import { KEEP_COMMITTED } from './engine.js';
import type { HsMessage } from './messages.js';
import { MAX_SYNC_BLOCKS } from './messages.js';
import { blockKey } from './records.js';

/** Reads one durable record by key (undefined when absent). */
export type RecordReader = (key: string) => Uint8Array | undefined;

/**
 * The `sync-response` to `message` that the engine (committed up to `engineHeight`, keeping its
 * last `keep` blocks in memory) cannot give, as a list of zero or one message.
 */
export function answerFromRecords(message: HsMessage, engineHeight: number, read: RecordReader, keep = KEEP_COMMITTED): HsMessage[] {
  if (message.t !== 'sync-request') return [];
  const oldestInMemory = engineHeight - keep + 1;
  const last = Math.min(engineHeight, message.fromHeight + MAX_SYNC_BLOCKS - 1, oldestInMemory - 1);
  const budget = MAX_MESSAGE_BYTES - 64 * 1024;
  const blocks: Block[] = [];
  let bytes = 0;
  for (let h = Math.max(1, message.fromHeight); h <= last; h++) {
    const raw = read(blockKey(h));
    if (raw === undefined) break;
    if (blocks.length > 0 && bytes + raw.length > budget) break;
    blocks.push(decodeBlock(raw));
    bytes += raw.length;
  }
  return blocks.length === 0 ? [] : [{ t: 'sync-response', blocks, qc: null }];
}
