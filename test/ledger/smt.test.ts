import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex, u64be } from '../../src/core/bytes.js';
import { sha256, taggedHash } from '../../src/core/crypto/sha256.js';
import {
  EMPTY_HASH,
  LedgerError,
  LedgerState,
  MAX_PROOF_BYTES,
  decodeAccountProof,
  devAddress,
  encodeAccountProof,
  genesisState,
  makeAccount,
  proveAccount,
  verifyAccountProof,
} from '../../src/ledger/index.js';
import type { Account, AccountProof, GenesisAllocation } from '../../src/ledger/index.js';
import { SMT_EMPTY, SmtLeaf, branchHash, leafHash, proofRoot, smtKey, smtPath, smtUpdate } from '../../src/ledger/smt/index.js';
import { expectLedgerError, funded } from './helpers.js';

/** The documented hashing rules, written out naively, as an independent reference root. */
function referenceRoot(entries: readonly { key: Uint8Array; account: Account }[], depth = 0): string {
  if (entries.length === 0) return toHex(taggedHash('thermo/smt/empty'));
  if (entries.length === 1) {
    const { key, account } = entries[0]!;
    return toHex(taggedHash('thermo/smt/leaf', key, u64be(account.balance), u64be(BigInt(account.nonce))));
  }
  const bit = (k: Uint8Array): number => (k[depth >> 3]! >> (7 - (depth & 7))) & 1;
  const l = referenceRoot(entries.filter((e) => bit(e.key) === 0), depth + 1);
  const r = referenceRoot(entries.filter((e) => bit(e.key) === 1), depth + 1);
  return toHex(taggedHash('thermo/smt/branch', fromHex(l), fromHex(r)));
}

const allocationSet = fc
  .uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 0, maxLength: 40, selector: (a) => toHex(a) })
  .chain((addresses) =>
    fc.tuple(
      fc.constant(addresses),
      fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: addresses.length, maxLength: addresses.length }),
      fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: addresses.length, maxLength: addresses.length }),
    ),
  )
  .map(([addresses, balances, nonces]) => addresses.map((address, i) => ({ address, balance: balances[i]!, nonce: nonces[i]! })));

function leafOf(a: GenesisAllocation): SmtLeaf {
  return new SmtLeaf(sha256(a.address), a.address, makeAccount(a.balance, a.nonce ?? 0));
}

describe('SMT hashing rules', () => {
  it('golden: the empty tree root is a fixed constant', () => {
    expect(toHex(EMPTY_HASH)).toBe('60798ef4bc58248aa5a4c6011abc7cf5daa9e8b41babb1f7fdc0f68393e5c7c4');
    expect(toHex(EMPTY_HASH)).toBe(toHex(taggedHash('thermo/smt/empty')));
    expect(toHex(LedgerState.EMPTY.root)).toBe(toHex(EMPTY_HASH));
    expect(toHex(genesisState([]).root)).toBe(toHex(EMPTY_HASH));
  });

  it('leaf and branch hashes are the tagged hashes of the documented layouts', () => {
    const key = sha256(devAddress(0));
    const acct = makeAccount(123n, 4);
    expect(toHex(smtKey(devAddress(0)))).toBe(toHex(key));
    expect(toHex(leafHash(key, acct))).toBe(toHex(taggedHash('thermo/smt/leaf', concatBytes(key, u64be(123n), u64be(4n)))));
    const a = sha256(Uint8Array.of(1));
    const b = sha256(Uint8Array.of(2));
    expect(toHex(branchHash(a, b))).toBe(toHex(taggedHash('thermo/smt/branch', a, b)));
    expect(toHex(branchHash(a, b))).not.toBe(toHex(branchHash(b, a)));
  });

  it('a one-account tree is just the leaf (compact: stored at depth 0)', () => {
    const s = genesisState([{ address: devAddress(0), balance: 5n }]);
    expect(toHex(s.root)).toBe(toHex(leafHash(sha256(devAddress(0)), makeAccount(5n, 0))));
  });
});

describe('SMT shape and persistence', () => {
  it('property: the root depends only on the set, not the insertion order, and matches the reference', () => {
    fc.assert(
      fc.property(allocationSet, fc.integer({ min: 1, max: 5 }), (allocs, chunk) => {
        const oneBatch = genesisState(allocs);
        const reversed = genesisState([...allocs].reverse());
        // One leaf (or a few) at a time, in a different order, through the persistent update.
        let tree: ReturnType<typeof smtUpdate> = SMT_EMPTY;
        const shuffled = [...allocs].sort((x, y) => (toHex(x.address) < toHex(y.address) ? -1 : 1));
        for (let i = 0; i < shuffled.length; i += chunk) tree = smtUpdate(tree, shuffled.slice(i, i + chunk).map(leafOf));
        const ref = referenceRoot(allocs.map((a) => ({ key: sha256(a.address), account: makeAccount(a.balance, a.nonce) })));
        expect(toHex(oneBatch.root)).toBe(ref);
        expect(toHex(reversed.root)).toBe(ref);
        expect(toHex(tree.hash())).toBe(ref);
        expect(oneBatch.accountCount).toBe(allocs.length);
        expect(oneBatch.supply).toBe(allocs.reduce((s, a) => s + a.balance, 0n));
      }),
      { numRuns: 150 },
    );
  });

  it('updates copy the path and leave the old tree valid', () => {
    const s = funded(8);
    const before = toHex(s.root);
    const t2 = smtUpdate(s.tree, [new SmtLeaf(sha256(devAddress(2)), devAddress(2), makeAccount(1n, 9))]);
    expect(toHex(t2.hash())).not.toBe(before);
    expect(toHex(s.root)).toBe(before);
    expect(s.account(devAddress(2))).toEqual({ balance: 1_000_000n, nonce: 0 });
    // Replacing with the same account gives back the same root.
    const t3 = smtUpdate(t2, [new SmtLeaf(sha256(devAddress(2)), devAddress(2), makeAccount(1_000_000n, 0))]);
    expect(toHex(t3.hash())).toBe(before);
  });

  it('lists accounts in key order and rebuilds the same root from the listing', () => {
    const s = funded(10);
    const listed = [...s.accounts()];
    expect(listed.length).toBe(10);
    const keys = listed.map((e) => toHex(sha256(e.address)));
    expect([...keys].sort()).toEqual(keys);
    const rebuilt = genesisState(listed.map((e) => ({ address: e.address, balance: e.account.balance, nonce: e.account.nonce })));
    expect(toHex(rebuilt.root)).toBe(toHex(s.root));
  });

  it('handles keys that share 255 bits (deepest possible leaves)', () => {
    const k1 = new Uint8Array(32);
    const k2 = new Uint8Array(32);
    k2[31] = 1;
    const acct = makeAccount(7n, 0);
    const tree = smtUpdate(SMT_EMPTY, [new SmtLeaf(k1, new Uint8Array(32), acct), new SmtLeaf(k2, new Uint8Array(32), acct)]);
    const path = smtPath(tree, k2);
    expect(path.siblings.length).toBe(256);
    expect(path.siblings.slice(0, 255).every((s) => s === null)).toBe(true);
    expect(toHex(path.siblings[255]!)).toBe(toHex(leafHash(k1, acct)));
    const proof: AccountProof = { siblings: path.siblings, terminal: { kind: 'account', account: acct } };
    expect(toHex(proofRoot(k2, proof))).toBe(toHex(tree.hash()));
    expect(encodeAccountProof(proof).length).toBeLessThanOrEqual(MAX_PROOF_BYTES);
    const tooDeep: AccountProof = { siblings: [null, ...path.siblings], terminal: proof.terminal };
    expectLedgerError(() => proofRoot(k2, tooDeep), 'LEDGER_PROOF_INVALID');
  });
});

describe('account proofs', () => {
  const state = funded(16);
  const root = state.root;

  it('inclusion proofs verify for every account and return it', () => {
    for (let i = 0; i < 16; i++) {
      const proof = proveAccount(state, devAddress(i));
      expect(proof.terminal.kind).toBe('account');
      expect(verifyAccountProof(root, devAddress(i), proof)).toEqual({ balance: 1_000_000n, nonce: 0 });
      const wire = decodeAccountProof(encodeAccountProof(proof));
      expect(wire).toEqual(proof);
      expect(verifyAccountProof(root, devAddress(i), wire)).toEqual({ balance: 1_000_000n, nonce: 0 });
    }
  });

  it('exclusion proofs verify (both terminal kinds occur) and return null', () => {
    const kinds = new Set<string>();
    for (let i = 100; i < 160; i++) {
      const proof = proveAccount(state, devAddress(i));
      kinds.add(proof.terminal.kind);
      expect(proof.terminal.kind).not.toBe('account');
      expect(verifyAccountProof(root, devAddress(i), proof)).toBeNull();
      expect(verifyAccountProof(root, devAddress(i), decodeAccountProof(encodeAccountProof(proof)))).toBeNull();
    }
    expect([...kinds].sort()).toEqual(['empty', 'other']);
    // The empty ledger proves every address absent with an empty path.
    const p = proveAccount(LedgerState.EMPTY, devAddress(0));
    expect(p).toEqual({ siblings: [], terminal: { kind: 'empty' } });
    expect(verifyAccountProof(EMPTY_HASH, devAddress(0), p)).toBeNull();
  });

  it('a tampered proof fails', () => {
    const addr = devAddress(3);
    const proof = proveAccount(state, addr);
    const flip = (h: Uint8Array): Uint8Array => Uint8Array.from(h, (b, i) => (i === 0 ? b ^ 1 : b));
    const tampered: AccountProof[] = [
      { ...proof, terminal: { kind: 'account', account: makeAccount(1_000_001n, 0) } },
      { ...proof, terminal: { kind: 'account', account: makeAccount(1_000_000n, 1) } },
      { ...proof, terminal: { kind: 'empty' } },
      { ...proof, siblings: proof.siblings.map((s, i) => (i === 0 && s !== null ? flip(s) : s)) },
      { ...proof, siblings: proof.siblings.slice(1) },
      { ...proof, siblings: [...proof.siblings, null] },
      { ...proof, siblings: proof.siblings.map((s, i) => (i === proof.siblings.length - 1 ? null : s)) },
    ];
    for (const bad of tampered) expectLedgerError(() => verifyAccountProof(root, addr, bad), 'LEDGER_PROOF_INVALID');
    // A proof for one address does not prove another.
    expectLedgerError(() => verifyAccountProof(root, devAddress(4), proof), 'LEDGER_PROOF_INVALID');
  });

  it('an exclusion proof cannot name the queried key as the other leaf', () => {
    const addr = devAddress(3);
    const key = sha256(addr);
    const proof: AccountProof = { siblings: [], terminal: { kind: 'other', key, account: makeAccount(1n, 0) } };
    const e = expectLedgerError(() => verifyAccountProof(leafHash(key, makeAccount(1n, 0)), addr, proof), 'LEDGER_PROOF_INVALID');
    expect(e.type).toEqual({ code: 'LEDGER_PROOF_INVALID', reason: 'exclusion leaf has the queried key' });
  });

  it('a proof against the wrong root fails', () => {
    const other = funded(17);
    const proof = proveAccount(state, devAddress(1));
    expectLedgerError(() => verifyAccountProof(other.root, devAddress(1), proof), 'LEDGER_PROOF_INVALID');
    expectLedgerError(() => verifyAccountProof(EMPTY_HASH, devAddress(1), proof), 'LEDGER_PROOF_INVALID');
    expectLedgerError(() => verifyAccountProof(new Uint8Array(31), devAddress(1), proof), 'LEDGER_MALFORMED');
  });

  it('proof decoding: size cap first, malformed shapes typed', () => {
    const junk = new Uint8Array(MAX_PROOF_BYTES + 1);
    expect(expectLedgerError(() => decodeAccountProof(junk), 'LEDGER_TOO_LARGE').type).toEqual({
      code: 'LEDGER_TOO_LARGE',
      what: 'proof',
      size: MAX_PROOF_BYTES + 1,
      max: MAX_PROOF_BYTES,
    });
    for (const hex of ['', 'ff', '80', '8200', '82800a', '828000ff', '83800100', '8380010000']) {
      expectLedgerError(() => decodeAccountProof(fromHex(hex)), 'LEDGER_MALFORMED');
    }
    expect(decodeAccountProof(fromHex('828000'))).toEqual({ siblings: [], terminal: { kind: 'empty' } });
  });

  it('property: arbitrary proof bytes give a LedgerError or a proof that re-encodes to the same bytes', () => {
    const valid = encodeAccountProof(proveAccount(state, devAddress(2)));
    const mutated = fc
      .tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }))
      .map(([i, b]) => Uint8Array.from(valid, (x, j) => (j === i ? b : x)));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated), (bytes) => {
        let p: AccountProof;
        try {
          p = decodeAccountProof(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(LedgerError);
          return;
        }
        expect(toHex(encodeAccountProof(p))).toBe(toHex(bytes));
        // Verification is total too: an account, null, or a typed error.
        try {
          verifyAccountProof(root, devAddress(2), p);
        } catch (err) {
          expect(err).toBeInstanceOf(LedgerError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
