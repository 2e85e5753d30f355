/**
 * Validator key files: JSON {"type": "thermo-ed25519-seed", "seed": hex, "publicKey": hex},
 * written with mode 0600 and refused when group- or world-readable (as ssh does), because the
 * seed is the validator's whole identity: its votes, its libp2p peer id and its funds.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { fromHexExact, keyPairFromSeed, toHex, SEED_BYTES } from '../core/index.js';
import type { KeyPair } from '../core/index.js';
import { NodeError } from './errors.js';

export const KEY_FILE_TYPE = 'thermo-ed25519-seed';

export interface KeyFile {
  readonly seed: Uint8Array;
  readonly keyPair: KeyPair;
  readonly publicKeyHex: string;
}

function bad(path: string, reason: string): NodeError {
  return new NodeError({ code: 'NODE_BAD_KEY_FILE', path, reason }, `key file ${path}: ${reason}`);
}

export function keyFromSeed(seed: Uint8Array): KeyFile {
  const keyPair = keyPairFromSeed(seed);
  return { seed: Uint8Array.from(seed), keyPair, publicKeyHex: toHex(keyPair.publicKey) };
}

/** Writes a key file for `seed` (a fresh random one by default); refuses to overwrite. */
export function writeKeyFile(path: string, seed: Uint8Array = new Uint8Array(randomBytes(SEED_BYTES))): KeyFile {
  if (existsSync(path)) throw bad(path, 'already exists (refusing to overwrite a key)');
  const key = keyFromSeed(seed);
  const body = JSON.stringify({ type: KEY_FILE_TYPE, seed: toHex(seed), publicKey: key.publicKeyHex }, null, 2);
  writeFileSync(path, `${body}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}

export function readKeyFile(path: string): KeyFile {
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) throw bad(path, 'is readable by group or others; chmod 600 it');
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof NodeError) throw err;
    throw bad(path, err instanceof Error ? err.message : String(err));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad(path, 'not JSON');
  }
  if (typeof raw !== 'object' || raw === null || !('type' in raw) || raw.type !== KEY_FILE_TYPE || !('seed' in raw) || typeof raw.seed !== 'string') {
    throw bad(path, `expected {"type": "${KEY_FILE_TYPE}", "seed": "<64 hex digits>"}`);
  }
  let seed: Uint8Array;
  try {
    seed = fromHexExact(raw.seed, SEED_BYTES);
  } catch {
    throw bad(path, 'seed is not 64 hex digits');
  }
  const key = keyFromSeed(seed);
  if ('publicKey' in raw && raw.publicKey !== undefined && raw.publicKey !== key.publicKeyHex) throw bad(path, 'publicKey does not match the seed');
  return key;
}
