/** Typed errors of the effect executor. */
import { ThermoError } from '../../core/index.js';

export type RuntimeErrorType =
  /** The bounded input queue is full: the caller should back off (HTTP 429). */
  | { code: 'RUNTIME_QUEUE_FULL'; what: 'transaction' | 'message'; max: number }
  /** Too many client submissions are waiting for their acknowledgement. */
  | { code: 'RUNTIME_TOO_MANY_PENDING'; max: number }
  /** The engine threw while handling an input: a bug; the node stops and restarts from its store. */
  | { code: 'RUNTIME_ENGINE_FAILED'; input: string; reason: string }
  /** A durable write failed: the node cannot keep its promises and stops. */
  | { code: 'RUNTIME_STORE_FAILED'; reason: string }
  | { code: 'RUNTIME_TOO_MANY_TIMERS'; max: number }
  | { code: 'RUNTIME_STOPPED' };

export type RuntimeErrorCode = RuntimeErrorType['code'];

export class RuntimeError extends ThermoError<RuntimeErrorType> {}
