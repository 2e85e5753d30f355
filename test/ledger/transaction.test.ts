import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../src/core/bytes.js';
import { bigToCbor, encode } from '../../src/core/codec.js';
import { taggedHash } from '../../src/core/crypto/sha256.js';
import {
  LedgerError,
  MAX_NONCE,
  MAX_TX_BYTES,
  U64_MAX,
  checkTransferStateless,
  decodeTransfer,
  devAddress,
  encodeTransfer,
  makeTransfer,
  signTransfer,
  signingPayload,
  transferId,
  transferIdHex,
  verifyTransferSignature,
  devKeyPair,
} from '../../src/ledger/index.js';
import type { Transfer } from '../../src/ledger/index.js';
import { CHAIN, expectLedgerError, tx } from './helpers.js';

describe('signed transfers', () => {
  it('signs from the key pair and verifies', () => {
    const t = tx(0, 1, 250n, 0);
    expect(toHex(t.from)).toBe(toHex(devAddress(0)));
    expect(t.amount).toBe(250n);
    expect(Object.isFrozen(t)).toBe(true);
    expect(verifyTransferSignature(t)).toBe(true);
    // A fresh decoded copy has no cached verdict and still verifies.
    expect(verifyTransferSignature(decodeTransfer(encodeTransfer(t)))).toBe(true);
  });

  it('signing payload, encoding and id follow the documented rules', () => {
    const t = tx(0, 1, 250n, 0);
    const unsigned = encode([t.chainId, t.from, t.to, bigToCbor(t.amount), t.nonce]);
    expect(toHex(signingPayload(t))).toBe(toHex(taggedHash('thermo/tx', unsigned)));
    const signed = encode([t.chainId, t.from, t.to, bigToCbor(t.amount), t.nonce, t.signature]);
    expect(toHex(encodeTransfer(t))).toBe(toHex(signed));
    expect(toHex(transferId(t))).toBe(toHex(taggedHash('thermo/txid', signed)));
  });

  it('golden: the encoding and id of a fixed signed transfer', () => {
    const t = tx(0, 1, 250n, 0);
    expect(encodeTransfer(t).length).toBe(150);
    expect(transferIdHex(t)).toBe('b1fcb96a07288c739a263333a999b6b4586bb664826f427f51f6c64b67403f2c');
  });

  it('carries its id as hex, the same from every constructor; a spread keeps no authority over it', () => {
    const t = tx(0, 1, 250n, 0);
    expect(t.id).toBe('b1fcb96a07288c739a263333a999b6b4586bb664826f427f51f6c64b67403f2c');
    expect(t.id).toBe(toHex(transferId(t)));
    expect(decodeTransfer(encodeTransfer(t)).id).toBe(t.id);
    expect(makeTransfer(t).id).toBe(t.id);
    // A spread copies the old id; the ledger recomputes for objects it did not build.
    const spread: Transfer = { ...t, amount: 251n };
    expect(spread.id).toBe(t.id);
    expect(transferIdHex(spread)).not.toBe(t.id);
    expect(makeTransfer(spread).id).toBe(transferIdHex(spread));
  });

  it('any tampered field breaks the signature', () => {
    const t = tx(0, 1, 250n, 0);
    const tampered: Transfer[] = [
      makeTransfer({ ...t, amount: 251n }),
      makeTransfer({ ...t, nonce: 1 }),
      makeTransfer({ ...t, to: devAddress(2) }),
      makeTransfer({ ...t, from: devAddress(2) }),
      makeTransfer({ ...t, chainId: 'thermo-other' }),
      makeTransfer({ ...t, signature: Uint8Array.from(t.signature, (b, i) => (i === 5 ? b ^ 1 : b)) }),
    ];
    for (const bad of tampered) {
      expect(verifyTransferSignature(bad)).toBe(false);
      expect(transferIdHex(bad)).not.toBe(transferIdHex(t));
    }
  });

  it('does not cache verdicts for unfrozen objects (their fields can still change)', () => {
    const t = tx(0, 1, 250n, 0);
    const loose = { ...t, signature: Uint8Array.from(t.signature) };
    expect(verifyTransferSignature(loose)).toBe(true);
    loose.signature[0]! ^= 1;
    expect(verifyTransferSignature(loose)).toBe(false);
  });

  it('makeTransfer copies its byte fields', () => {
    const t = tx(0, 1, 250n, 0);
    const from = Uint8Array.from(t.from);
    const copy = makeTransfer({ ...t, from });
    from[0]! ^= 1;
    expect(toHex(copy.from)).toBe(toHex(t.from));
  });

  it('stateless checks: wrong chain, zero amount, self-transfer', () => {
    expect(() => checkTransferStateless(tx(0, 1, 1n, 0), CHAIN)).not.toThrow();
    const e = expectLedgerError(() => checkTransferStateless(tx(0, 1, 1n, 0, 'other'), CHAIN, 3), 'LEDGER_WRONG_CHAIN');
    expect(e.type).toEqual({ code: 'LEDGER_WRONG_CHAIN', expected: CHAIN, actual: 'other', index: 3 });
    expectLedgerError(() => checkTransferStateless(tx(0, 1, 0n, 0), CHAIN), 'LEDGER_ZERO_AMOUNT');
    expectLedgerError(() => checkTransferStateless(tx(0, 0, 5n, 0), CHAIN), 'LEDGER_SELF_TRANSFER');
  });

  it('rejects bad fields when building', () => {
    const t = tx(0, 1, 250n, 0);
    expectLedgerError(() => makeTransfer({ ...t, amount: U64_MAX + 1n }), 'LEDGER_MALFORMED');
    expectLedgerError(() => makeTransfer({ ...t, amount: -1n }), 'LEDGER_MALFORMED');
    expectLedgerError(() => makeTransfer({ ...t, nonce: MAX_NONCE + 1 }), 'LEDGER_MALFORMED');
    expectLedgerError(() => makeTransfer({ ...t, nonce: 1.5 }), 'LEDGER_MALFORMED');
    expectLedgerError(() => makeTransfer({ ...t, chainId: '' }), 'LEDGER_MALFORMED');
    expectLedgerError(() => makeTransfer({ ...t, chainId: 'has space' }), 'LEDGER_MALFORMED');
    expectLedgerError(() => makeTransfer({ ...t, chainId: 'x'.repeat(65) }), 'LEDGER_MALFORMED');
    expectLedgerError(() => makeTransfer({ ...t, from: new Uint8Array(31) }), 'LEDGER_MALFORMED');
    expectLedgerError(() => makeTransfer({ ...t, signature: new Uint8Array(63) }), 'LEDGER_MALFORMED');
    expect(makeTransfer({ ...t, chainId: 'x'.repeat(64) }).chainId.length).toBe(64);
  });
});

describe('transfer encoding', () => {
  it('round-trips', () => {
    const t = tx(0, 1, 250n, 7);
    const back = decodeTransfer(encodeTransfer(t));
    expect(back).toEqual(t);
    expect(transferIdHex(back)).toBe(transferIdHex(t));
    expect(Object.isFrozen(back)).toBe(true);
  });

  it('the largest transfer fits MAX_TX_BYTES', () => {
    const t = makeTransfer({ ...tx(0, 1, 1n, 0), chainId: 'x'.repeat(64), amount: U64_MAX, nonce: MAX_NONCE });
    const bytes = encodeTransfer(t);
    expect(bytes.length).toBe(219);
    expect(decodeTransfer(bytes)).toEqual(t);
  });

  it('checks the size cap before parsing', () => {
    const junk = new Uint8Array(MAX_TX_BYTES + 1).fill(0xff);
    const e = expectLedgerError(() => decodeTransfer(junk), 'LEDGER_TOO_LARGE');
    expect(e.type).toEqual({ code: 'LEDGER_TOO_LARGE', what: 'transfer', size: 257, max: 256 });
    // At exactly the cap, the (junk) bytes are parsed and refused as malformed instead.
    expectLedgerError(() => decodeTransfer(junk.subarray(0, MAX_TX_BYTES)), 'LEDGER_MALFORMED');
  });

  it('refuses malformed shapes with LEDGER_MALFORMED', () => {
    const t = tx(0, 1, 250n, 0);
    const f = [t.chainId, t.from, t.to, 250, 0, t.signature] as const;
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      fromHex('ff'),
      encode([...f.slice(0, 5)]),
      encode([...f, 1]),
      encode({ chainId: t.chainId }),
      encode([f[0], f[1], f[2], -1, f[4], f[5]]),
      encode([f[0], f[1], f[2], 2n ** 64n - 1n, -1, f[5]]),
      encode([f[0], f[1], f[2], 250, 2 ** 53 - 1, f[5]]),
      encode([f[0], f[1].subarray(1), f[2], 250, 0, f[5]]),
      encode([f[0], f[1], f[2], 250, 0, f[5].subarray(1)]),
      encode(['bad chain', f[1], f[2], 250, 0, f[5]]),
      encode([f[0], f[1], f[2], 1.5, 0, f[5]]),
      // Non-canonical: the amount 250 written as a 4-byte integer.
      fromHex(toHex(encodeTransfer(t)).replace('18fa00', '1a000000fa00')),
    ];
    for (const bytes of cases) expectLedgerError(() => decodeTransfer(bytes), 'LEDGER_MALFORMED');
  });

  it('property: decode(encode(x)) = x for any valid transfer', () => {
    const sig = devKeyPair(0);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[\x21-\x7e]{1,64}$/),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.bigInt({ min: 0n, max: U64_MAX }),
        fc.integer({ min: 0, max: MAX_NONCE }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (chainId, from, to, amount, nonce, signature) => {
          const t = makeTransfer({ chainId, from, to, amount, nonce, signature });
          const bytes = encodeTransfer(t);
          expect(bytes.length).toBeLessThanOrEqual(MAX_TX_BYTES);
          const back = decodeTransfer(bytes);
          expect(back).toEqual(t);
          expect(toHex(encodeTransfer(back))).toBe(toHex(bytes));
        },
      ),
      { numRuns: 300 },
    );
    expect(sig.publicKey.length).toBe(32);
  });

  it('property: arbitrary bytes give a LedgerError or a transfer that re-encodes to the same bytes', () => {
    const valid = encodeTransfer(tx(0, 1, 250n, 0));
    const mutated = fc
      .tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }))
      .map(([i, b]) => Uint8Array.from(valid, (x, j) => (j === i ? b : x)));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), (bytes) => {
        let t: Transfer;
        try {
          t = decodeTransfer(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(LedgerError);
          return;
        }
        expect(toHex(encode([t.chainId, t.from, t.to, bigToCbor(t.amount), t.nonce, t.signature]))).toBe(toHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});

it('signTransfer refuses bad fields', () => {
  expectLedgerError(() => signTransfer(devKeyPair(0), { chainId: CHAIN, to: devAddress(1), amount: -5n, nonce: 0 }), 'LEDGER_MALFORMED');
});
