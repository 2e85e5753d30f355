/**
 * Typed errors of the node's store. Every failure to trust what is on disk is one of these, with
 * the path and a sentence a human can act on: the node refuses to start rather than run on a
 * store it cannot vouch for.
 */
import { ThermoError } from '../../core/index.js';

export type StoreErrorType =
  /** The data file is shorter than its own metadata says (a truncated copy, a full disk). */
  | { code: 'STORE_TRUNCATED'; path: string; size: number; expected: number }
  /** A structural check or a record checksum failed. */
  | { code: 'STORE_CORRUPT'; path: string; reason: string }
  /** The store was written by another schema version of this software. */
  | { code: 'STORE_SCHEMA_MISMATCH'; path: string; found: number; expected: number }
  /** The store belongs to another chain (a different genesis). */
  | { code: 'STORE_GENESIS_MISMATCH'; path: string; found: string; expected: string }
  /** The store holds another validator key than the one configured. */
  | { code: 'STORE_KEY_MISMATCH'; path: string }
  /** lmdb refused to open or write. */
  | { code: 'STORE_IO'; path: string; reason: string }
  | { code: 'STORE_CLOSED' };

export type StoreErrorCode = StoreErrorType['code'];

export class StoreError extends ThermoError<StoreErrorType> {}

export function corrupt(path: string, reason: string): StoreError {
  return new StoreError(
    { code: 'STORE_CORRUPT', path, reason },
    `store at ${path} is corrupted (${reason}); refusing to start. Restore it from a backup or delete the data directory to resync from peers.`,
  );
}
