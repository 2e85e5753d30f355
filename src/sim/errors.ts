/**
 * Typed errors of the simulator. Configuration mistakes (bad CLI flags, impossible scenarios)
 * and exhausted bounds are `SimError`s with a code; callers branch on `err.type.code`.
 */
import { ThermoError } from '../core/index.js';

export type SimErrorType =
  | { code: 'SIM_BAD_CONFIG'; field: string; reason: string }
  | { code: 'SIM_UNKNOWN_ADVERSARY'; engine: string; behaviour: string; known: string }
  | { code: 'SIM_QUEUE_FULL'; max: number }
  | { code: 'SIM_TOO_MANY_EVENTS'; max: number }
  | { code: 'SIM_STORAGE_FULL'; node: number; what: string; max: number }
  | { code: 'SIM_TOO_MANY_TXS'; max: number }
  | { code: 'SIM_BAD_SCHEDULE'; what: string; reason: string };

export type SimErrorCode = SimErrorType['code'];

export class SimError extends ThermoError<SimErrorType> {}

export function badConfig(field: string, reason: string): SimError {
  return new SimError({ code: 'SIM_BAD_CONFIG', field, reason });
}
