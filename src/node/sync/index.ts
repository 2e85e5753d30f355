/**
 * src/node/sync: catch-up served from the node's durable records.
 * Owns: the per-engine table of record sync servers (pure functions exported by engine folders).
 * Does not own: the engines' catch-up protocols (their own messages), the store (src/node/store).
 */
export { recordSyncServer } from './record-sync.js';
export type { RecordSyncServer, RecordReader } from './record-sync.js';
