/**
 * src/node/store: the node's embedded databases: lmdb, and a LevelDB index of final transactions.
 * Owns: the on-disk layout (sub-databases, checksummed values), durable atomic batches, the
 * finalized log and transaction index the API reads (final ids in LevelDB, derived from the
 * log: final-tx-index.ts), the validator seed, and refusing a
 * damaged, truncated or foreign store with a clear StoreError (file-check.ts, deep-check.ts).
 * Does not own: what the engine's records mean (opaque bytes under engine keys), when to write
 * (src/node/runtime decides), key files on disk (src/node/keys.ts).
 */
export { NodeStore, STORE_SCHEMA_VERSION, storePath } from './store.js';
export type { StoreBatch, TxRecord, OpenStoreOptions, OpenedStore } from './store.js';
export { StoreError } from './errors.js';
export type { StoreErrorType, StoreErrorCode } from './errors.js';
export { checkDataFile } from './file-check.js';
export type { DataFileCheck, DataFileCheckOptions } from './file-check.js';
export { deepCheckStore, DEEP_CHECK_TIMEOUT_MS } from './deep-check.js';
export { seal, unseal, CHECKSUM_BYTES } from './checksum.js';
export { FinalTxIndex, MAX_UNWRITTEN_IDS, txIndexPath } from './final-tx-index.js';
