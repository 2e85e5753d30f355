/**
 * The opt-in verify memo (core/crypto setVerifyMemo): the same verdicts as without it, for
 * valid, tampered and wrong-key signatures, bounded (oldest evicted), size checked at N and N + 1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { keyPairFromSeed, setVerifyMemo, sign, verify, VERIFY_MEMO_MAX } from '../../src/core/index.js';

const a = keyPairFromSeed(new Uint8Array(32).fill(1));
const b = keyPairFromSeed(new Uint8Array(32).fill(2));

function verdicts(): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < 20; i++) {
    const msg = new Uint8Array([i, 1, 2, 3]);
    const sig = sign(a, msg);
    const bad = sig.slice();
    bad[i % 64] = bad[i % 64]! ^ 1;
    out.push(verify(a.publicKey, msg, sig), verify(a.publicKey, msg, bad), verify(b.publicKey, msg, sig), verify(a.publicKey, new Uint8Array([i, 1, 2, 4]), sig));
  }
  return out;
}

describe('verify memo', () => {
  afterEach(() => setVerifyMemo(0));

  it('gives the same verdicts as plain verify, twice over (hits), and with a tiny memo (evictions)', () => {
    const plain = verdicts();
    expect(plain.filter(Boolean)).toHaveLength(20);
    setVerifyMemo(1024);
    expect(verdicts()).toEqual(plain);
    expect(verdicts()).toEqual(plain);
    setVerifyMemo(3);
    expect(verdicts()).toEqual(plain);
    expect(verdicts()).toEqual(plain);
  });

  it('refuses sizes outside [0, VERIFY_MEMO_MAX] with KEY_BAD_MEMO_SIZE', () => {
    expect(() => setVerifyMemo(VERIFY_MEMO_MAX)).not.toThrow();
    expect(() => setVerifyMemo(VERIFY_MEMO_MAX + 1)).toThrow(/KEY_BAD_MEMO_SIZE|memo/);
    expect(() => setVerifyMemo(-1)).toThrow();
    expect(() => setVerifyMemo(0)).not.toThrow();
  });
});
