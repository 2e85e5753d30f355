/**
 * ThermoTruth's verdict cache: a verdict is reused only for the same key, message and
 * signature, and the cache holds at most its size (N held, the N+1th evicts the oldest).
 */
import { describe, expect, it } from 'vitest';
import { keyPairFromSeed, sign } from '../../../src/core/index.js';
import { VERDICT_CACHE_MAX, VerdictCache, cachedVerify } from '../../../src/engines/thermotruth/verdicts.js';

const alice = keyPairFromSeed(new Uint8Array(32).fill(1));
const bob = keyPairFromSeed(new Uint8Array(32).fill(2));
const message = (i: number): Uint8Array => new TextEncoder().encode(`vote ${i}`);

describe('VerdictCache', () => {
  it('reuses a verdict only for the same key, message and signature', () => {
    const cache = new VerdictCache(8);
    const sig = sign(alice, message(1));
    expect(cache.verify(alice.publicKey, message(1), sig)).toBe(true);
    expect(cache.has(alice.publicKey, message(1), sig)).toBe(true);
    // The cached "true" must not vouch for another message or another key with that signature.
    expect(cache.verify(alice.publicKey, message(2), sig)).toBe(false);
    expect(cache.verify(bob.publicKey, message(1), sig)).toBe(false);
    expect(cache.verify(alice.publicKey, message(1), sig)).toBe(true);
    expect(cache.size).toBe(3);
  });

  it('holds N verdicts; the N+1th evicts the oldest', () => {
    const n = 4;
    const cache = new VerdictCache(n);
    const sigs = Array.from({ length: n + 1 }, (_, i) => sign(alice, message(i)));
    for (let i = 0; i < n; i++) cache.verify(alice.publicKey, message(i), sigs[i]!);
    expect(cache.size).toBe(n);
    for (let i = 0; i < n; i++) expect(cache.has(alice.publicKey, message(i), sigs[i]!)).toBe(true);
    cache.verify(alice.publicKey, message(n), sigs[n]!);
    expect(cache.size).toBe(n);
    expect(cache.has(alice.publicKey, message(0), sigs[0]!)).toBe(false);
    expect(cache.has(alice.publicKey, message(n), sigs[n]!)).toBe(true);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new VerdictCache(0)).toThrow(RangeError);
    expect(() => new VerdictCache(1.5)).toThrow(RangeError);
  });

  it('the shared cache gives plain verify results', () => {
    const sig = sign(bob, message(9));
    expect(cachedVerify(bob.publicKey, message(9), sig)).toBe(true);
    expect(cachedVerify(bob.publicKey, message(8), sig)).toBe(false);
    expect(VERDICT_CACHE_MAX).toBe(65_536);
  });
});
