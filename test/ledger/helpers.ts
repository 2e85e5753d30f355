/** Shared fixtures for the ledger tests (not a test file itself). */
import { expect } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { isThermoError } from '../../src/core/errors.js';
import {
  LedgerError,
  devAddress,
  devAllocations,
  devKeyPair,
  genesisState,
  signTransfer,
} from '../../src/ledger/index.js';
import type { ChainRules, LedgerErrorCode, LedgerState, Transfer } from '../../src/ledger/index.js';

export const CHAIN = 'thermo-test';
export const RULES: ChainRules = { chainId: CHAIN, blockReward: 50n };
export const START_BALANCE = 1_000_000n;

export function tx(from: number, to: number, amount: bigint, nonce: number, chainId: string = CHAIN): Transfer {
  return signTransfer(devKeyPair(from), { chainId, to: devAddress(to), amount, nonce });
}

/** Dev accounts 0..n-1 with START_BALANCE each. */
export function funded(n = 4, balance: bigint = START_BALANCE): LedgerState {
  return genesisState(devAllocations(n, balance));
}

export function rootHex(state: LedgerState): string {
  return toHex(state.root);
}

/** Runs `fn`, requires a LedgerError with `code`, returns it for further assertions. */
export function expectLedgerError(fn: () => unknown, code: LedgerErrorCode): LedgerError {
  try {
    fn();
  } catch (err) {
    expect(isThermoError(err)).toBe(true);
    expect(err).toBeInstanceOf(LedgerError);
    expect((err as LedgerError).type.code).toBe(code);
    return err as LedgerError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** A snapshot of the observable state, to prove a failed call changed nothing. */
export function fingerprint(state: LedgerState): string {
  const parts = [rootHex(state), String(state.supply), String(state.accountCount)];
  for (const { address, account } of state.accounts()) parts.push(`${toHex(address)}:${account.balance}:${account.nonce}`);
  return parts.join('|');
}
