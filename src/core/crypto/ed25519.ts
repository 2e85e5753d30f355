/**
 * Ed25519 (RFC 8032) keys and signatures through node:crypto. Keys derive from a 32-byte seed
 * (the RFC's private key), so simulations and tests are reproducible; signing is deterministic.
 *
 * node:crypto wants keys as KeyObjects; building one from raw bytes costs more than the verify
 * itself, so verification keys are cached in a bounded LRU (VERIFY_KEY_CACHE_MAX entries).
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { concatBytes, fromHex, toHex } from '../bytes.js';
import { ThermoError } from '../errors.js';
import { sha256Concat } from './sha256.js';

export const SEED_BYTES = 32;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
// Building a KeyObject costs about as much as a verify; the cache must hold every active sender
// of a busy network. 65,536 KeyObjects take roughly 20 MB.
export const VERIFY_KEY_CACHE_MAX = 65_536;

// ASN.1 prefixes of the PKCS#8 and SPKI wrappings of raw Ed25519 keys (RFC 8410).
const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420');
const SPKI_PREFIX = fromHex('302a300506032b6570032100');

export type KeyErrorType =
  | { code: 'KEY_BAD_SEED_LENGTH'; length: number }
  | { code: 'KEY_BAD_PUBLIC_KEY'; reason: string }
  | { code: 'KEY_BAD_MEMO_SIZE'; size: number; max: number };

export class KeyError extends ThermoError<KeyErrorType> {}

export interface KeyPair {
  readonly publicKey: Uint8Array;
  /** Opaque signing handle; the seed is not kept once the key is built. */
  readonly privateKey: KeyObject;
}

export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  if (seed.length !== SEED_BYTES) throw new KeyError({ code: 'KEY_BAD_SEED_LENGTH', length: seed.length });
  const privateKey = createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_PREFIX, seed)), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - PUBLIC_KEY_BYTES));
  return Object.freeze({ publicKey, privateKey });
}

export function sign(keyPair: KeyPair, message: Uint8Array): Uint8Array {
  return new Uint8Array(nodeSign(null, message, keyPair.privateKey));
}

const verifyKeys = new Map<string, KeyObject>();

function verifyKey(publicKey: Uint8Array): KeyObject {
  const id = toHex(publicKey);
  const hit = verifyKeys.get(id);
  if (hit !== undefined) {
    verifyKeys.delete(id); // refresh recency: Map iterates in insertion order
    verifyKeys.set(id, hit);
    return hit;
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)), format: 'der', type: 'spki' });
  } catch (err) {
    throw new KeyError({ code: 'KEY_BAD_PUBLIC_KEY', reason: err instanceof Error ? err.message : String(err) });
  }
  if (verifyKeys.size >= VERIFY_KEY_CACHE_MAX) {
    const oldest = verifyKeys.keys().next().value;
    if (oldest !== undefined) verifyKeys.delete(oldest);
  }
  verifyKeys.set(id, key);
  return key;
}

/**
 * Opt-in memo of `verify` results, off by default (the node and the tests run without it). In a
 * single-process simulation every one of n nodes verifies the same signatures; the swarm runner
 * (bench/swarm.bench.ts, `thermo sim fuzz`) turns it on to verify each once. `verify` is a pure
 * function, so the memo changes no result, only the wall time (the simulator charges CPU from the
 * engines' `cost` effects, not from wall time). Keyed by SHA-256(publicKey || signature ||
 * message) (fixed-length prefix: unambiguous); bounded, oldest evicted. 0 turns it off.
 */
let verified: Map<string, boolean> | null = null;
let verifiedMax = 0;
export const VERIFY_MEMO_MAX = 1 << 20;

export function setVerifyMemo(maxEntries: number): void {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 0 || maxEntries > VERIFY_MEMO_MAX) {
    throw new KeyError({ code: 'KEY_BAD_MEMO_SIZE', size: maxEntries, max: VERIFY_MEMO_MAX });
  }
  verifiedMax = maxEntries;
  verified = maxEntries === 0 ? null : new Map<string, boolean>();
}

function verifyUncached(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return nodeVerify(null, message, verifyKey(publicKey), signature);
  } catch {
    return false;
  }
}

/** False for a wrong signature, a wrong-length signature or an invalid public key; never throws. */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  if (verified === null) return verifyUncached(publicKey, message, signature);
  const id = toHex(sha256Concat(publicKey, signature, message));
  const hit = verified.get(id);
  if (hit !== undefined) return hit;
  const ok = verifyUncached(publicKey, message, signature);
  if (verified.size >= verifiedMax) {
    const oldest = verified.keys().next().value;
    if (oldest !== undefined) verified.delete(oldest);
  }
  verified.set(id, ok);
  return ok;
}
