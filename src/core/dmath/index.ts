/**
 * src/core/dmath: deterministic, bit-exact elementary functions for consensus math.
 *
 * Owns: sin, cos, sincos, exp, log built only from correctly rounded IEEE-754 double operations
 * (+ - * /), exact operations (Math.abs, Math.floor, Math.round, integer and BigInt arithmetic)
 * and exact reads and writes of a double's bits, so every conforming JS engine returns the same
 * bits; the constants PI, TWO_PI, HALF_PI, LN2; bit helpers for comparing doubles exactly.
 * Does not own: generic numerics or other functions (add them here only with golden vectors),
 * the seeded PRNG (core/prng), square roots (Math.sqrt is already correctly rounded).
 *
 * Changing the bits any of these functions return is a consensus change (a hard fork): the
 * golden vectors in test/core/dmath.golden.json pin them. Algorithms, sources of constants and
 * measured accuracy: docs/DMATH.md.
 */
export { sin, cos, sincos, PI, TWO_PI, HALF_PI } from './sin-cos.js';
export { exp, log, LN2 } from './exp-log.js';
export { bitsHex, fromBitsHex, ulpDistance } from './float-bits.js';
