import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../src/core/bytes.js';
import { keyPairFromSeed, sha256, sha256Concat, sign, taggedHash, verify } from '../../src/core/crypto/index.js';
import { isThermoError } from '../../src/core/errors.js';

describe('sha256', () => {
  it('matches FIPS 180-4 "abc" and the empty string', () => {
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(new Uint8Array()))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256Concat(utf8('a'), utf8('bc')))).toBe(toHex(sha256(utf8('abc'))));
  });

  it('separates domains in tagged hashes', () => {
    expect(toHex(taggedHash('a', utf8('bc')))).not.toBe(toHex(taggedHash('ab', utf8('c'))));
    expect(toHex(taggedHash('thermo/test', utf8('x')))).toBe(toHex(taggedHash('thermo/test', utf8('x'))));
  });
});

describe('ed25519', () => {
  // RFC 8032 section 7.1, TEST 1 (empty message).
  const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const publicKey = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
  const signature =
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

  it('reproduces the RFC 8032 test vector', () => {
    const kp = keyPairFromSeed(seed);
    expect(toHex(kp.publicKey)).toBe(publicKey);
    expect(toHex(sign(kp, new Uint8Array()))).toBe(signature);
    expect(verify(kp.publicKey, new Uint8Array(), fromHex(signature))).toBe(true);
  });

  it('rejects tampered messages, signatures and malformed keys without throwing', () => {
    const kp = keyPairFromSeed(seed);
    const sig = sign(kp, utf8('hello'));
    expect(verify(kp.publicKey, utf8('hellp'), sig)).toBe(false);
    const bad = sig.slice();
    bad[0]! ^= 1;
    expect(verify(kp.publicKey, utf8('hello'), bad)).toBe(false);
    expect(verify(kp.publicKey, utf8('hello'), sig.subarray(0, 63))).toBe(false);
    expect(verify(new Uint8Array(31), utf8('hello'), sig)).toBe(false);
  });

  it('refuses a seed of the wrong length with a typed error', () => {
    try {
      keyPairFromSeed(new Uint8Array(31));
      expect.unreachable();
    } catch (err) {
      expect(isThermoError(err, 'KEY_BAD_SEED_LENGTH')).toBe(true);
    }
  });
});
