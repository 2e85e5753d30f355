/**
 * Account proofs against a state root. One proof format covers both answers:
 *   inclusion: the path ends at the leaf of this address (its account is in the proof);
 *   exclusion: the path ends at an empty subtree, or at the leaf of another key that shares the
 *              path prefix (that leaf's key and account are in the proof).
 * The verifier needs only the root: it rebuilds the terminal node's hash from the address and
 * the proof and folds the siblings up along the address's key bits.
 *
 * Wire form (canonical CBOR): [siblings, 0] | [siblings, 1, balance, nonce]
 *                              | [siblings, 2, otherKey, balance, nonce]
 * siblings: root-down list of 32-byte hashes, null for an empty sibling; at most 256.
 */
import { toHex } from '../../core/bytes.js';
import { bigToCbor, decode, encode, readArray, readBigUint, readBytes, readUint } from '../../core/codec.js';
import type { CborValue } from '../../core/codec.js';
import { HASH_BYTES, MAX_NONCE, U64_MAX, isAddress, makeAccount } from '../account.js';
import type { Account, Address, Hash } from '../account.js';
import { LedgerError, asLedgerDecode, malformed } from '../errors.js';
import { MAX_PROOF_BYTES, SMT_DEPTH } from '../limits.js';
import type { LedgerState } from '../state.js';
import { EMPTY_HASH, bitAt, branchHash, leafHash, smtKey } from './hashing.js';
import { smtPath } from './tree.js';

export type ProofTerminal =
  | { readonly kind: 'empty' }
  | { readonly kind: 'account'; readonly account: Account }
  | { readonly kind: 'other'; readonly key: Hash; readonly account: Account };

export interface AccountProof {
  readonly siblings: readonly (Hash | null)[];
  readonly terminal: ProofTerminal;
}

function invalid(reason: string): LedgerError {
  return new LedgerError({ code: 'LEDGER_PROOF_INVALID', reason });
}

/** A proof that `address` holds its current account in `state`, or that it has none. */
export function proveAccount(state: LedgerState, address: Address): AccountProof {
  if (!isAddress(address)) throw malformed('address', 'expected 32 bytes');
  const key = smtKey(address);
  const { siblings, terminal } = smtPath(state.tree, key);
  let t: ProofTerminal;
  if (terminal.kind === 0) t = { kind: 'empty' };
  else if (toHex(terminal.key) === toHex(key)) t = { kind: 'account', account: terminal.account };
  else t = { kind: 'other', key: Uint8Array.from(terminal.key), account: terminal.account };
  return Object.freeze({ siblings: Object.freeze(siblings.map((s) => (s === null ? null : Uint8Array.from(s)))), terminal: Object.freeze(t) });
}

function samePrefix(a: Hash, b: Hash, bits: number): boolean {
  for (let d = 0; d < bits; d++) if (bitAt(a, d) !== bitAt(b, d)) return false;
  return true;
}

/** The root a proof commits to for `key` (throws LEDGER_PROOF_INVALID on an inconsistent proof). */
export function proofRoot(key: Hash, proof: AccountProof): Hash {
  const depth = proof.siblings.length;
  if (depth > SMT_DEPTH) throw invalid(`more than ${SMT_DEPTH} siblings`);
  const t = proof.terminal;
  let h: Hash;
  if (t.kind === 'empty') h = EMPTY_HASH;
  else if (t.kind === 'account') h = leafHash(key, t.account);
  else {
    if (t.key.length !== HASH_BYTES) throw invalid('other leaf key is not 32 bytes');
    if (toHex(t.key) === toHex(key)) throw invalid('exclusion leaf has the queried key');
    if (!samePrefix(t.key, key, depth)) throw invalid('exclusion leaf is not on the key path');
    h = leafHash(t.key, t.account);
  }
  for (let d = depth - 1; d >= 0; d--) {
    const s = proof.siblings[d];
    const sibling = s === null || s === undefined ? EMPTY_HASH : s;
    if (sibling.length !== HASH_BYTES) throw invalid(`sibling ${d} is not 32 bytes`);
    h = bitAt(key, d) === 0 ? branchHash(h, sibling) : branchHash(sibling, h);
  }
  return h;
}

/**
 * Checks `proof` for `address` against `root` alone. Returns the account (inclusion) or null
 * (proved absent); throws LEDGER_PROOF_INVALID when the proof does not lead to `root`.
 */
export function verifyAccountProof(root: Hash, address: Address, proof: AccountProof): Account | null {
  if (!isAddress(address)) throw malformed('address', 'expected 32 bytes');
  if (!(root instanceof Uint8Array) || root.length !== HASH_BYTES) throw malformed('root', 'expected 32 bytes');
  const computed = proofRoot(smtKey(address), proof);
  if (toHex(computed) !== toHex(root)) throw invalid('proof does not lead to the root');
  return proof.terminal.kind === 'account' ? proof.terminal.account : null;
}

export function encodeAccountProof(proof: AccountProof): Uint8Array {
  const siblings: CborValue[] = proof.siblings.map((s) => s);
  const t = proof.terminal;
  const value: CborValue =
    t.kind === 'empty'
      ? [siblings, 0]
      : t.kind === 'account'
        ? [siblings, 1, bigToCbor(t.account.balance), t.account.nonce]
        : [siblings, 2, t.key, bigToCbor(t.account.balance), t.account.nonce];
  return encode(value);
}

function readAccount(balance: CborValue | undefined, nonce: CborValue | undefined): Account {
  const b = readBigUint(balance, 'proof.balance');
  const n = readUint(nonce, 'proof.nonce');
  if (b > U64_MAX) throw malformed('proof.balance', 'not a u64');
  if (n > MAX_NONCE + 1) throw malformed('proof.nonce', 'out of range');
  return makeAccount(b, n);
}

export function decodeAccountProof(bytes: Uint8Array, maxBytes: number = MAX_PROOF_BYTES): AccountProof {
  if (bytes.length > maxBytes) throw new LedgerError({ code: 'LEDGER_TOO_LARGE', what: 'proof', size: bytes.length, max: maxBytes });
  return asLedgerDecode('proof', () => {
    const items = readArray(decode(bytes, maxBytes), 'proof', 5);
    const siblings = readArray(items[0], 'proof.siblings', SMT_DEPTH).map((s, i) => (s === null ? null : Uint8Array.from(readBytes(s, `proof.siblings[${i}]`, HASH_BYTES))));
    const kind = readUint(items[1], 'proof.kind');
    let terminal: ProofTerminal;
    if (kind === 0 && items.length === 2) terminal = { kind: 'empty' };
    else if (kind === 1 && items.length === 4) terminal = { kind: 'account', account: readAccount(items[2], items[3]) };
    else if (kind === 2 && items.length === 5) {
      terminal = { kind: 'other', key: Uint8Array.from(readBytes(items[2], 'proof.otherKey', HASH_BYTES)), account: readAccount(items[3], items[4]) };
    } else throw malformed('proof', `bad terminal kind ${kind} with ${items.length} fields`);
    return Object.freeze({ siblings: Object.freeze(siblings), terminal: Object.freeze(terminal) });
  });
}
