/**
 * The signature caches: once per object, once per transfer id. core's `verify` is wrapped in a
 * spy so the tests can count how many real Ed25519 verifications happen.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BoundedIdSet } from '../../src/ledger/bounded-set.js';
import { clearVerifiedTransferCache, decodeTransfer, encodeTransfer, makeTransfer, verifyTransferSignature } from '../../src/ledger/index.js';
import { tx } from './helpers.js';
import type * as Ed25519 from '../../src/core/crypto/ed25519.js';

const calls = vi.hoisted(() => ({ count: 0 }));

vi.mock('../../src/core/crypto/ed25519.js', async (importOriginal) => {
  const original = await importOriginal<typeof Ed25519>();
  return {
    ...original,
    verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
      calls.count++;
      return original.verify(publicKey, message, signature);
    },
  };
});

beforeEach(() => {
  clearVerifiedTransferCache();
  calls.count = 0;
});

describe('signature verdict caches', () => {
  it('a signed transfer needs no verify; its decoded copies share one verify by id', () => {
    const t = tx(0, 1, 7n, 0);
    expect(verifyTransferSignature(t)).toBe(true);
    expect(calls.count).toBe(0);
    const bytes = encodeTransfer(t);
    const a = decodeTransfer(bytes);
    const b = decodeTransfer(bytes);
    expect(verifyTransferSignature(a)).toBe(true);
    expect(calls.count).toBe(1);
    expect(verifyTransferSignature(a)).toBe(true);
    expect(verifyTransferSignature(b)).toBe(true);
    expect(verifyTransferSignature(makeTransfer(b))).toBe(true);
    expect(calls.count).toBe(1);
    clearVerifiedTransferCache();
    expect(verifyTransferSignature(decodeTransfer(bytes))).toBe(true);
    expect(calls.count).toBe(2);
  });

  it('failures are not shared by id: each forged copy costs a verify', () => {
    const t = tx(0, 1, 7n, 0);
    const forged = encodeTransfer(makeTransfer({ ...t, amount: 8n }));
    expect(verifyTransferSignature(decodeTransfer(forged))).toBe(false);
    expect(verifyTransferSignature(decodeTransfer(forged))).toBe(false);
    expect(calls.count).toBe(2);
  });

  it('an unfrozen object is looked up by the id of its current content', () => {
    const t = tx(0, 1, 7n, 0);
    expect(verifyTransferSignature(decodeTransfer(encodeTransfer(t)))).toBe(true);
    expect(calls.count).toBe(1);
    // Same content as t (stale-id-proof: the id is recomputed): a cache hit.
    const loose = { ...t, signature: Uint8Array.from(t.signature) };
    expect(verifyTransferSignature(loose)).toBe(true);
    expect(calls.count).toBe(1);
    loose.signature[0]! ^= 1;
    expect(verifyTransferSignature(loose)).toBe(false);
    expect(calls.count).toBe(2);
  });
});

describe('BoundedIdSet', () => {
  it('holds max ids; one more forgets the oldest', () => {
    const s = new BoundedIdSet(3);
    for (const id of ['a', 'b', 'c']) s.add(id);
    expect(s.size).toBe(3);
    expect(['a', 'b', 'c'].map((id) => s.has(id))).toEqual([true, true, true]);
    s.add('a'); // already present: no change of age, nothing evicted
    expect(s.size).toBe(3);
    s.add('d');
    expect(s.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => s.has(id))).toEqual([false, true, true, true]);
    s.clear();
    expect(s.size).toBe(0);
    expect(() => new BoundedIdSet(0)).toThrow();
  });
});
