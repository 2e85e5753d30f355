/** Typed errors of the shared protocol helpers. */
import { ThermoError } from '../core/index.js';

export type ProtocolErrorType =
  | { code: 'PROTOCOL_UNKNOWN_PARENT'; id: string; parent: string }
  | { code: 'PROTOCOL_UNKNOWN_BLOCK'; id: string }
  | { code: 'PROTOCOL_BAD_HEIGHT'; id: string; height: number; expected: number }
  | { code: 'PROTOCOL_TREE_FULL'; max: number }
  | { code: 'PROTOCOL_BELOW_FINALIZED'; id: string; height: number; finalizedHeight: number }
  | { code: 'PROTOCOL_SLOT_REDECIDED'; slot: string; value: string; previous: string }
  | { code: 'PROTOCOL_UNKNOWN_VOTER'; voter: number; n: number };

export class ProtocolError extends ThermoError<ProtocolErrorType> {}
