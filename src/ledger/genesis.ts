/**
 * Genesis and snapshots. `genesisState` builds a state from a list of accounts in one batch; the
 * same function rebuilds a state from a snapshot (`state.accounts()`), whose root the caller
 * then checks against a trusted header. `devKeyPair(i)` gives reproducible funded keys so
 * simulations, tests and devnets share accounts without shipping secrets.
 */
import { toHex, u32be } from '../core/bytes.js';
import { keyPairFromSeed } from '../core/crypto/ed25519.js';
import type { KeyPair } from '../core/crypto/ed25519.js';
import { taggedHash } from '../core/crypto/sha256.js';
import { MAX_NONCE, U64_MAX, isAddress, makeAccount } from './account.js';
import type { Address } from './account.js';
import { LedgerError } from './errors.js';
import { smtKey } from './smt/hashing.js';
import { SMT_EMPTY, SmtLeaf, smtUpdate } from './smt/tree.js';
import { LedgerState } from './state.js';
import { TAGS } from './tagged.js';

export interface GenesisAllocation {
  readonly address: Address;
  readonly balance: bigint;
  /** 0 at genesis; set when rebuilding from a snapshot. */
  readonly nonce?: number;
}

function bad(reason: string): LedgerError {
  return new LedgerError({ code: 'LEDGER_INVALID_GENESIS', reason });
}

/**
 * A state holding exactly these accounts. Rejects a bad address, a balance outside u64, a bad
 * nonce, a duplicate address, and an all-zero account (balance 0 and nonce 0 is the same as no
 * account, and allowing it would give one set of balances two roots).
 */
export function genesisState(allocations: readonly GenesisAllocation[]): LedgerState {
  const seen = new Set<string>();
  const leaves: SmtLeaf[] = [];
  let supply = 0n;
  allocations.forEach((a, i) => {
    const nonce = a.nonce ?? 0;
    if (!isAddress(a.address)) throw bad(`allocation ${i}: address is not 32 bytes`);
    if (typeof a.balance !== 'bigint' || a.balance < 0n || a.balance > U64_MAX) throw bad(`allocation ${i}: balance is not a u64`);
    if (!Number.isSafeInteger(nonce) || nonce < 0 || nonce > MAX_NONCE + 1) throw bad(`allocation ${i}: bad nonce`);
    if (a.balance === 0n && nonce === 0) throw bad(`allocation ${i}: empty account`);
    const id = toHex(a.address);
    if (seen.has(id)) throw bad(`allocation ${i}: duplicate address ${id}`);
    seen.add(id);
    const address = Uint8Array.from(a.address);
    leaves.push(new SmtLeaf(smtKey(address), address, makeAccount(a.balance, nonce)));
    supply += a.balance;
  });
  return new LedgerState(smtUpdate(SMT_EMPTY, leaves), supply, leaves.length);
}

const devKeys = new Map<number, KeyPair>();

/** keyPairFromSeed(taggedHash('thermo/dev-key', u32be(i))): public test keys, never for value. */
export function devKeyPair(i: number): KeyPair {
  if (!Number.isInteger(i) || i < 0 || i > 0xffffffff) throw bad(`dev key index ${i} is not a u32`);
  let kp = devKeys.get(i);
  if (kp === undefined) {
    kp = keyPairFromSeed(taggedHash(TAGS.devKey, u32be(i)));
    devKeys.set(i, kp);
  }
  return kp;
}

export function devAddress(i: number): Address {
  return Uint8Array.from(devKeyPair(i).publicKey);
}

/** Dev accounts 0..count-1, each with `balance`. */
export function devAllocations(count: number, balance: bigint): GenesisAllocation[] {
  return Array.from({ length: count }, (_, i) => ({ address: devAddress(i), balance }));
}

/**
 * The shared devnet/simulation genesis: dev accounts 0..accounts-1, each holding `balance`.
 * Same arguments, same root, on every machine.
 */
export function devGenesis(accounts: number, balance: bigint): LedgerState {
  if (!Number.isSafeInteger(accounts) || accounts < 0) throw bad(`dev account count ${accounts} is not a safe uint`);
  return genesisState(devAllocations(accounts, balance));
}
