import { describe, expect, it } from 'vitest';
import { toHex, u32be } from '../../src/core/bytes.js';
import { keyPairFromSeed } from '../../src/core/crypto/ed25519.js';
import { taggedHash } from '../../src/core/crypto/sha256.js';
import { LedgerState, U64_MAX, devAddress, devAllocations, devGenesis, devKeyPair, genesisState } from '../../src/ledger/index.js';
import { expectLedgerError, funded } from './helpers.js';

describe('genesis', () => {
  it('dev keys are keyPairFromSeed(taggedHash("thermo/dev-key", u32be(i)))', () => {
    for (const i of [0, 1, 77]) {
      expect(toHex(devAddress(i))).toBe(toHex(keyPairFromSeed(taggedHash('thermo/dev-key', u32be(i))).publicKey));
    }
    expect(toHex(devAddress(0))).toBe('c95c6b393c586f0c2bc9b31d0869c24637a997ab73c163e3f84ec71a76bcdba4');
    expect(devKeyPair(5)).toBe(devKeyPair(5));
    expectLedgerError(() => devKeyPair(-1), 'LEDGER_INVALID_GENESIS');
  });

  it('golden: the root of 4 dev accounts with 1,000,000 each', () => {
    const s = funded(4, 1_000_000n);
    expect(toHex(s.root)).toBe('1cadc7a8850978add3d1fd2a4adb457640647369a3a09acdf601e484fec7e29a');
    expect(s.supply).toBe(4_000_000n);
    expect(s.accountCount).toBe(4);
    expect(devAllocations(2, 9n)).toEqual([
      { address: devAddress(0), balance: 9n },
      { address: devAddress(1), balance: 9n },
    ]);
  });

  it('devGenesis is the dev-account genesis; rootHex is the hex of root', () => {
    const s = devGenesis(4, 1_000_000n);
    expect(s.rootHex).toBe('1cadc7a8850978add3d1fd2a4adb457640647369a3a09acdf601e484fec7e29a');
    expect(s.rootHex).toBe(toHex(s.root));
    expect(s.account(devAddress(3))).toEqual({ balance: 1_000_000n, nonce: 0 });
    expect(s.account(devAddress(4))).toBeNull();
    expect(devGenesis(0, 1n).rootHex).toBe(LedgerState.EMPTY.rootHex);
    expectLedgerError(() => devGenesis(-1, 1n), 'LEDGER_INVALID_GENESIS');
    expectLedgerError(() => devGenesis(2, 0n), 'LEDGER_INVALID_GENESIS');
  });

  it('refuses duplicates, empty accounts, out-of-range values', () => {
    const a = devAddress(0);
    expectLedgerError(() => genesisState([{ address: a, balance: 1n }, { address: a, balance: 2n }]), 'LEDGER_INVALID_GENESIS');
    expectLedgerError(() => genesisState([{ address: a, balance: 0n }]), 'LEDGER_INVALID_GENESIS');
    expectLedgerError(() => genesisState([{ address: a, balance: U64_MAX + 1n }]), 'LEDGER_INVALID_GENESIS');
    expectLedgerError(() => genesisState([{ address: a, balance: 1n, nonce: -1 }]), 'LEDGER_INVALID_GENESIS');
    expectLedgerError(() => genesisState([{ address: new Uint8Array(31), balance: 1n }]), 'LEDGER_INVALID_GENESIS');
    // A drained account that has sent transfers is a real account (snapshots carry it).
    expect(genesisState([{ address: a, balance: 0n, nonce: 3 }]).account(a)).toEqual({ balance: 0n, nonce: 3 });
  });

  it('copies the allocation addresses', () => {
    const a = devAddress(0);
    const s = genesisState([{ address: a, balance: 1n }]);
    a[0]! ^= 1;
    expect(s.account(devAddress(0))).toEqual({ balance: 1n, nonce: 0 });
  });
});
