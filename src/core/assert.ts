/**
 * Assertions for invariants that only a bug can break (TigerBeetle style: assert liberally,
 * crash loudly). Bad input from outside is never handled with `assert`: that gets a typed
 * error from the module that validates it.
 */
import { ThermoError } from './errors.js';

export type AssertionErrorType = { code: 'ASSERTION_FAILED'; what: string };

export class AssertionError extends ThermoError<AssertionErrorType> {}

export function assert(condition: unknown, what: string): asserts condition {
  if (!condition) throw new AssertionError({ code: 'ASSERTION_FAILED', what });
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function unreachable(value: never, what = 'unreachable'): never {
  throw new AssertionError({ code: 'ASSERTION_FAILED', what: `${what}: ${String(value)}` });
}
