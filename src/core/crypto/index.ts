/**
 * core/crypto: SHA-256 and Ed25519, the only cryptography consensus code uses.
 * Owns: hashing, tagged hashing, seed-derived keys, signing, verification.
 * Does not own: randomness (keys come from seeds the caller supplies; see core/prng),
 * key storage (src/node).
 */
export { sha256, sha256Concat, taggedHash, HASH_BYTES } from './sha256.js';
export {
  keyPairFromSeed,
  sign,
  verify,
  setVerifyMemo,
  VERIFY_MEMO_MAX,
  KeyError,
  SEED_BYTES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  VERIFY_KEY_CACHE_MAX,
} from './ed25519.js';
export type { KeyPair, KeyErrorType } from './ed25519.js';
