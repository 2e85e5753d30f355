/**
 * Typed errors of the Proof-of-Negentropy engine. Callers branch on `err.type.code`; the engine
 * turns the ones caused by a peer into a `penalize` effect with the same code, and the ones
 * caused by a client into a `tx-rejected` effect.
 */
import { ThermoError } from '../../core/index.js';

export type NegentropyErrorType =
  // Parameters and durable records
  | { code: 'NEG_BAD_PARAMS'; field: string; reason: string }
  | { code: 'NEG_CORRUPT_RECORD'; key: string; reason: string }
  // Wire messages
  | { code: 'NEG_MALFORMED'; reason: string }
  // Vertices (DAG)
  | { code: 'NEG_VERTEX_TOO_LARGE'; what: 'txs' | 'bytes'; size: number; max: number }
  | { code: 'NEG_WRONG_CHAIN'; expected: string; actual: string }
  | { code: 'NEG_NOT_A_VERTEX'; reason: string }
  | { code: 'NEG_BAD_PARENTS'; count: number; max: number }
  | { code: 'NEG_UNKNOWN_PARENT'; id: string; parent: string }
  | { code: 'NEG_BAD_HEIGHT'; id: string; height: number; expected: number }
  | { code: 'NEG_UNKNOWN_PROPOSER'; proposer: string }
  | { code: 'NEG_BAD_SIGNATURE'; id: string }
  | { code: 'NEG_BAD_TX_ROOT'; id: string }
  | { code: 'NEG_BAD_TX'; id: string; index: number; reason: string }
  | { code: 'NEG_CONFLICTING_TXS'; id: string; slot: string }
  | { code: 'NEG_BAD_STATE_ROOT'; id: string; superBlock: number }
  | { code: 'NEG_DAG_FULL'; max: number }
  // Super-blocks and sync
  | { code: 'NEG_BAD_SUPERBLOCK'; index: number; reason: string }
  | { code: 'NEG_BAD_SNAPSHOT'; reason: string }
  | { code: 'NEG_BAD_HEADER_CHAIN'; index: number; reason: string }
  // Light client
  | { code: 'NEG_PROOF_REJECTED'; reason: string };

export type NegentropyErrorCode = NegentropyErrorType['code'];

export class NegentropyError extends ThermoError<NegentropyErrorType> {}

export function negMalformed(reason: string): NegentropyError {
  return new NegentropyError({ code: 'NEG_MALFORMED', reason });
}
