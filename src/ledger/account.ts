/**
 * Addresses, hashes and accounts. An address is a raw 32-byte Ed25519 public key; an account is
 * a balance (u64, as bigint) and a nonce (the number of transfers it has sent). An account that
 * never received anything does not exist in the state; once created it is never removed, because
 * its nonce is what stops old transfers from being replayed.
 */
import { toHex, u64be } from '../core/bytes.js';
import { malformed } from './errors.js';

/** A 32-byte Ed25519 public key. Treat the bytes as read-only. */
export type Address = Uint8Array;
/** A 32-byte SHA-256 output. Treat the bytes as read-only. */
export type Hash = Uint8Array;

export const ADDRESS_BYTES = 32;
export const HASH_BYTES = 32;
/** Balances and amounts are u64 on the wire and in the state. */
export const U64_MAX = (1n << 64n) - 1n;
/** Largest nonce a transfer may carry, so `nonce + 1` is still a safe integer. */
export const MAX_NONCE = Number.MAX_SAFE_INTEGER - 1;

export interface Account {
  readonly balance: bigint;
  readonly nonce: number;
}

export const EMPTY_ACCOUNT: Account = Object.freeze({ balance: 0n, nonce: 0 });

/** Validates the ranges and returns a frozen account. */
export function makeAccount(balance: bigint, nonce: number): Account {
  if (typeof balance !== 'bigint' || balance < 0n || balance > U64_MAX) throw malformed('account.balance', 'not a u64');
  if (!Number.isSafeInteger(nonce) || nonce < 0) throw malformed('account.nonce', 'not a safe uint');
  return Object.freeze({ balance, nonce });
}

/** Fixed 16-byte form hashed into the Merkle leaf: u64be(balance) || u64be(nonce). */
export function accountBytes(account: Account): Uint8Array {
  const out = new Uint8Array(16);
  out.set(u64be(account.balance), 0);
  out.set(u64be(BigInt(account.nonce)), 8);
  return out;
}

export function isAddress(value: unknown): value is Address {
  return value instanceof Uint8Array && value.length === ADDRESS_BYTES;
}

export function addressHex(address: Address): string {
  return toHex(address);
}
