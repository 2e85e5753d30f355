/**
 * Typed errors of the node's own files: config, genesis and key files. Sub-folders have their
 * own (store/errors.ts, runtime/errors.ts, net/errors.ts, api/errors.ts).
 */
import { ThermoError } from '../core/index.js';

export type NodeErrorType =
  | { code: 'NODE_BAD_CONFIG'; path: string; reason: string }
  | { code: 'NODE_BAD_GENESIS'; path: string; reason: string }
  | { code: 'NODE_BAD_KEY_FILE'; path: string; reason: string }
  /** The configured key is not in the genesis validator set. */
  | { code: 'NODE_NOT_A_VALIDATOR'; publicKey: string }
  | { code: 'NODE_UNKNOWN_ENGINE'; engine: string; known: string }
  | { code: 'NODE_ENGINE_MISMATCH'; genesis: string; config: string }
  /** A listen address (libp2p or HTTP) could not be bound: in use, not local, not permitted. */
  | { code: 'NODE_LISTEN_FAILED'; what: 'p2p' | 'api'; address: string; reason: string };

export type NodeErrorCode = NodeErrorType['code'];

export class NodeError extends ThermoError<NodeErrorType> {}
