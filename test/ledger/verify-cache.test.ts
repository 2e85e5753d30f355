/**
 * The signature caches: once per object, once per transfer id. core's `verify` is wrapped in a
 * spy so the tests can count how many real Ed25519 verifications happen.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BoundedIdSet } from '../../src/ledger/bounded-set.js';
import { RecentByEncoding, encodingKey } from '../../src/ledger/recent-transfers.js';
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

describe('verified transfers recalled by their encoding', () => {
  it('decoding the bytes of a verified transfer returns that object; unverified bytes decode afresh', () => {
    const bytes = encodeTransfer(tx(0, 1, 7n, 0));
    const a = decodeTransfer(bytes);
    const b = decodeTransfer(bytes);
    expect(b).not.toBe(a); // nothing verified yet: two objects
    expect(verifyTransferSignature(a)).toBe(true);
    expect(decodeTransfer(bytes)).toBe(a);
    expect(decodeTransfer(Uint8Array.from(bytes))).toBe(a); // equal bytes, another array
    expect(calls.count).toBe(1);
    clearVerifiedTransferCache();
    const c = decodeTransfer(bytes);
    expect(c).not.toBe(a);
    expect(c).toEqual(a);
  });

  it('a forged transfer is never recalled, and equal tail bytes alone never match', () => {
    const t = tx(0, 1, 7n, 0);
    const good = decodeTransfer(encodeTransfer(t));
    expect(verifyTransferSignature(good)).toBe(true);
    // Same signature (so the same key), another amount: the bytes differ before the tail.
    const forgedBytes = encodeTransfer(makeTransfer({ ...t, amount: 8n }));
    expect(encodingKey(forgedBytes)).toBe(encodingKey(encodeTransfer(t)));
    const forged = decodeTransfer(forgedBytes);
    expect(forged).not.toBe(good);
    expect(forged.amount).toBe(8n);
    expect(verifyTransferSignature(forged)).toBe(false);
    expect(decodeTransfer(forgedBytes)).not.toBe(forged);
    expect(decodeTransfer(encodeTransfer(t))).toBe(good);
  });
});

describe('RecentByEncoding', () => {
  const enc = (n: number): Uint8Array => Uint8Array.of(0xaa, 0, 0, 0, 0, n >> 8, n & 0xff, 0x01);
  it('cuts its key from the last 7 bytes (53 bits)', () => {
    expect(encodingKey(Uint8Array.of(9, 0xff, 1, 2, 3, 4, 5, 6))).toBe(0x1f0102 * 2 ** 32 + 0x03040506);
    expect(encodingKey(Uint8Array.of(1, 2, 3, 4, 5, 6))).toBeNull();
    expect(Number.isSafeInteger(encodingKey(new Uint8Array(7).fill(0xff)))).toBe(true);
  });

  it('holds max values; one more forgets the oldest; a colliding key takes the newest', () => {
    const r = new RecentByEncoding<Uint8Array>(3, (v) => v);
    const vs = [enc(1), enc(2), enc(3)];
    for (const v of vs) r.add(v);
    expect(r.size).toBe(3);
    expect(vs.map((v) => r.get(Uint8Array.from(v)))).toEqual(vs);
    r.add(enc(4));
    expect(r.size).toBe(3);
    expect(r.get(enc(1))).toBeUndefined();
    expect(r.get(enc(4))).toEqual(enc(4));
    // Same last 7 bytes, another first byte: same key, not equal, so no match; adding it replaces.
    const twin = Uint8Array.from(enc(2));
    twin[0] = 0xbb;
    expect(r.get(twin)).toBeUndefined();
    r.add(twin);
    expect(r.size).toBe(3);
    expect(r.get(enc(2))).toBeUndefined();
    expect(r.get(Uint8Array.from(twin))).toBe(twin);
    r.add(Uint8Array.of(1, 2)); // too short to key: not held
    expect(r.size).toBe(3);
    r.clear();
    expect(r.size).toBe(0);
    expect(() => new RecentByEncoding<Uint8Array>(0, (v) => v)).toThrow();
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
