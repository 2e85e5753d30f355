/**
 * Seed-to-initial-state derivation, shared by every kernel (so a fast kernel cannot drift from
 * the reference in how it starts).
 *
 *   seed  = SHA-256(sealPreimage || u64be(nonce))       (see ../seal.ts for the preimage)
 *   rng   = Prng.fromKey(seed)                            (xoshiro128**, src/core/prng)
 *   theta_i = TWO_PI * rng.nextFloat()   for i = 0 .. N-1   (all phases first)
 *   omega_i = rng.nextNormal(0, 0.5)     for i = 0 .. N-1   (then all frequencies)
 *
 * nextFloat() is k / 2^53 with k < 2^53, so TWO_PI * nextFloat() < TWO_PI after rounding (the
 * largest product rounds down, 0.785 ulp below TWO_PI); phases start inside [0, 2 pi).
 * nextNormal uses dmath log/cos and Math.sqrt (correctly rounded), so omega is bit-exact too.
 */
import { Prng } from '../../../core/index.js';
import { dmath } from '../../../core/index.js';
import { OMEGA_SD } from './constants.js';

/** Fills theta[0..n) and omega[0..n) from a 32-byte seed. Arrays are caller-owned scratch. */
export function initialState(seed: Uint8Array, n: number, theta: Float64Array, omega: Float64Array): void {
  const rng = Prng.fromKey(seed);
  for (let i = 0; i < n; i++) theta[i] = dmath.TWO_PI * rng.nextFloat();
  for (let i = 0; i < n; i++) omega[i] = rng.nextNormal(0, OMEGA_SD);
}
