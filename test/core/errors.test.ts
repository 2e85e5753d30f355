import { describe, expect, it } from 'vitest';
import { ThermoError, isThermoError } from '../../src/core/errors.js';
import { AssertionError, assert } from '../../src/core/assert.js';

type DemoErrorType = { code: 'DEMO_TOO_BIG'; size: number; max: bigint; blob: Uint8Array } | { code: 'DEMO_EMPTY' };
class DemoError extends ThermoError<DemoErrorType> {}

describe('ThermoError', () => {
  it('carries a code, renders its context and serialises to JSON', () => {
    const err = new DemoError({ code: 'DEMO_TOO_BIG', size: 3, max: 2n, blob: new Uint8Array(4) });
    expect(err.code).toBe('DEMO_TOO_BIG');
    expect(err.name).toBe('DemoError');
    expect(err.message).toBe('DEMO_TOO_BIG: size=3, max=2n, blob=<4 bytes>');
    expect(err.toJSON()).toEqual({ name: 'DemoError', message: err.message, code: 'DEMO_TOO_BIG', size: 3, max: '2', blob: '<4 bytes>' });
    expect(isThermoError(err, 'DEMO_TOO_BIG')).toBe(true);
    expect(isThermoError(err, 'DEMO_EMPTY')).toBe(false);
    expect(isThermoError(new Error('x'))).toBe(false);
    expect(Object.isFrozen(err.type)).toBe(true);
  });

  it('assert throws a typed AssertionError', () => {
    expect(() => assert(1 + 1 === 2, 'math')).not.toThrow();
    try {
      assert(false, 'the impossible');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AssertionError);
      expect(isThermoError(err, 'ASSERTION_FAILED')).toBe(true);
    }
  });
});
