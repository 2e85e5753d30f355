import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '../../src/core/bytes.js';
import {
  U64_MAX,
  applyBlock,
  applyTransactions,
  buildBlock,
  decodeBlock,
  devAddress,
  encodeBlock,
  filterTransactions,
  genesisState,
  makeBlock,
  makeHeader,
  proposeBlock,
  transferId,
  transferIdHex,
  txRoot,
} from '../../src/ledger/index.js';
import type { Block, LedgerErrorCode, LedgerState, Transfer } from '../../src/ledger/index.js';
import { CHAIN, RULES, expectLedgerError, fingerprint, funded, tx } from './helpers.js';

const PARENT = new Uint8Array(32).fill(7);

function propose(state: LedgerState, txs: readonly Transfer[], proposer = 3): Block {
  return proposeBlock(state, { height: 1, parents: [PARENT], timestamp: 1000, proposer: devAddress(proposer), txs }, RULES).block;
}

/** A block whose header claims these txs and this root, without filtering anything out. */
function forged(txs: readonly Transfer[], stateRoot: Uint8Array, txRootOverride?: Uint8Array): Block {
  const header = makeHeader({
    chainId: CHAIN,
    height: 1,
    parents: [PARENT],
    timestamp: 1000,
    proposer: devAddress(3),
    stateRoot,
    txRoot: txRootOverride ?? txRoot(txs),
    consensus: {},
  });
  return makeBlock(header, txs);
}

/** Runs `fn` on `state`, requires `code`, and proves the state did not change. */
function rejects(state: LedgerState, fn: () => unknown, code: LedgerErrorCode): ReturnType<typeof expectLedgerError> {
  const before = fingerprint(state);
  const err = expectLedgerError(fn, code);
  expect(fingerprint(state)).toBe(before);
  return err;
}

describe('applying transfers', () => {
  it('moves the amount, bumps the sender nonce, creates the receiver, conserves supply', () => {
    const s0 = funded(2);
    const { state: s1, txIds } = applyTransactions(s0, [tx(0, 1, 250n, 0), tx(0, 9, 100n, 1)], CHAIN);
    expect(s1.account(devAddress(0))).toEqual({ balance: 999_650n, nonce: 2 });
    expect(s1.account(devAddress(1))).toEqual({ balance: 1_000_250n, nonce: 0 });
    expect(s1.account(devAddress(9))).toEqual({ balance: 100n, nonce: 0 });
    expect(s1.supply).toBe(s0.supply);
    expect(s1.accountCount).toBe(3);
    expect(txIds.map(toHex)).toEqual([tx(0, 1, 250n, 0), tx(0, 9, 100n, 1)].map((t) => transferIdHex(t)));
  });

  it('a replayed transfer is LEDGER_NONCE_REPLAYED and changes nothing', () => {
    const t = tx(0, 1, 250n, 0);
    const s1 = applyTransactions(funded(), [t], CHAIN).state;
    const e = rejects(s1, () => applyTransactions(s1, [t], CHAIN), 'LEDGER_NONCE_REPLAYED');
    expect(e.type).toEqual({ code: 'LEDGER_NONCE_REPLAYED', txId: transferIdHex(t), expected: 1, actual: 0, index: 0 });
    // The same replay inside one list.
    rejects(funded(), () => applyTransactions(funded(), [t, t], CHAIN), 'LEDGER_NONCE_REPLAYED');
  });

  it('a nonce gap is LEDGER_NONCE_GAP', () => {
    const s = funded();
    const e = rejects(s, () => applyTransactions(s, [tx(0, 1, 5n, 1)], CHAIN), 'LEDGER_NONCE_GAP');
    expect(e.type).toMatchObject({ expected: 0, actual: 1, index: 0 });
  });

  it('overspending is LEDGER_INSUFFICIENT_BALANCE, also when spread over several transfers', () => {
    const s = funded();
    const e = rejects(s, () => applyTransactions(s, [tx(0, 1, 1_000_001n, 0)], CHAIN), 'LEDGER_INSUFFICIENT_BALANCE');
    expect(e.type).toMatchObject({ balance: 1_000_000n, amount: 1_000_001n, index: 0 });
    const spread = [tx(0, 1, 600_000n, 0), tx(0, 2, 400_001n, 1)];
    expect(rejects(s, () => applyTransactions(s, spread, CHAIN), 'LEDGER_INSUFFICIENT_BALANCE').type).toMatchObject({ balance: 400_000n, index: 1 });
    // Exactly the balance is fine.
    expect(applyTransactions(s, [tx(0, 1, 1_000_000n, 0)], CHAIN).state.balanceOf(devAddress(0))).toBe(0n);
  });

  it('wrong chain, bad signature, zero amount, self-transfer each have their code', () => {
    const s = funded();
    rejects(s, () => applyTransactions(s, [tx(0, 1, 5n, 0, 'thermo-other')], CHAIN), 'LEDGER_WRONG_CHAIN');
    const t = tx(0, 1, 5n, 0);
    const forgedSig = { ...t, signature: Uint8Array.from(t.signature, (b, i) => (i === 0 ? b ^ 1 : b)) };
    rejects(s, () => applyTransactions(s, [Object.freeze(forgedSig)], CHAIN), 'LEDGER_BAD_SIGNATURE');
    const stolen = Object.freeze({ ...t, amount: 6n }); // re-used signature over another amount
    rejects(s, () => applyTransactions(s, [stolen], CHAIN), 'LEDGER_BAD_SIGNATURE');
    rejects(s, () => applyTransactions(s, [tx(0, 1, 0n, 0)], CHAIN), 'LEDGER_ZERO_AMOUNT');
    rejects(s, () => applyTransactions(s, [tx(0, 0, 1n, 0)], CHAIN), 'LEDGER_SELF_TRANSFER');
  });

  it('a caller-built object with an out-of-range field is LEDGER_MALFORMED, in both modes', () => {
    const s = funded();
    const huge = { ...tx(0, 1, 5n, 0), amount: 1n << 70n };
    rejects(s, () => applyTransactions(s, [huge], CHAIN), 'LEDGER_MALFORMED');
    const r = filterTransactions(s, [huge, tx(0, 1, 5n, 0)], CHAIN);
    expect(r.rejected.map((x) => [x.index, x.error.type.code])).toEqual([[0, 'LEDGER_MALFORMED']]);
    expect(r.included.length).toBe(1);
  });

  it('a credit beyond u64 is LEDGER_BALANCE_OVERFLOW', () => {
    const s = genesisState([
      { address: devAddress(0), balance: 10n },
      { address: devAddress(1), balance: U64_MAX - 5n },
    ]);
    rejects(s, () => applyTransactions(s, [tx(0, 1, 6n, 0)], CHAIN), 'LEDGER_BALANCE_OVERFLOW');
    expect(applyTransactions(s, [tx(0, 1, 5n, 0)], CHAIN).state.balanceOf(devAddress(1))).toBe(U64_MAX);
  });

  it('filtering mode keeps the valid ones, reports the rest, and agrees with strict mode', () => {
    const s = funded();
    const list = [tx(0, 1, 5n, 0), tx(0, 1, 5n, 2), tx(1, 2, 2_000_000n, 0), tx(0, 2, 5n, 1), tx(2, 3, 1n, 0, 'x')];
    const r = filterTransactions(s, list, CHAIN);
    expect(r.included.map((t) => transferIdHex(t))).toEqual([list[0]!, list[3]!].map((t) => transferIdHex(t)));
    expect(r.rejected.map((x) => [x.index, x.error.type.code])).toEqual([
      [1, 'LEDGER_NONCE_GAP'],
      [2, 'LEDGER_INSUFFICIENT_BALANCE'],
      [4, 'LEDGER_WRONG_CHAIN'],
    ]);
    expect(toHex(r.state.root)).toBe(toHex(applyTransactions(s, r.included, CHAIN).state.root));
    expect(filterTransactions(s, list, CHAIN, 1).included.length).toBe(1);
    expect(toHex(filterTransactions(s, [], CHAIN).state.root)).toBe(toHex(s.root));
  });

  it('property: random transfer sequences conserve supply; filter = strict on what it kept', () => {
    const base = funded(4, 1000n);
    const step = fc.record({
      from: fc.integer({ min: 0, max: 4 }),
      to: fc.integer({ min: 0, max: 5 }),
      amount: fc.bigInt({ min: 0n, max: 700n }),
      nonceSkew: fc.integer({ min: -1, max: 1 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 14 }), (steps) => {
        const nonces = [0, 0, 0, 0, 0, 0];
        const list = steps.map(({ from, to, amount, nonceSkew }) => {
          const n = Math.max(0, nonces[from]! + nonceSkew);
          nonces[from] = n + 1;
          return tx(from, to, amount, n);
        });
        const r = filterTransactions(base, list, CHAIN);
        expect(r.included.length + r.rejected.length).toBe(list.length);
        expect(r.state.supply).toBe(base.supply);
        let sum = 0n;
        for (const { account } of r.state.accounts()) sum += account.balance;
        expect(sum).toBe(base.supply);
        expect(toHex(applyTransactions(base, r.included, CHAIN).state.root)).toBe(toHex(r.state.root));
      }),
      { numRuns: 60 },
    );
  });
});

describe('applying blocks', () => {
  const s0 = funded();
  const txs = [tx(0, 1, 250n, 0), tx(1, 2, 10n, 0), tx(0, 2, 5n, 1)];

  it('a proposed block applies to the same root, credits the reward, and survives the wire', () => {
    const p = proposeBlock(s0, { height: 1, parents: [PARENT], timestamp: 1000, proposer: devAddress(3), txs }, RULES);
    expect(p.rejected).toEqual([]);
    const s1 = applyBlock(s0, decodeBlock(encodeBlock(p.block)), RULES);
    expect(toHex(s1.root)).toBe(toHex(p.block.header.stateRoot));
    expect(toHex(s1.root)).toBe(toHex(p.state.root));
    expect(s1.supply).toBe(s0.supply + 50n);
    expect(s1.balanceOf(devAddress(3))).toBe(1_000_050n);
    expect(toHex(p.block.header.txRoot)).toBe(toHex(txRoot(txs)));
  });

  it('buildBlock takes the template and the candidates apart and leaves out what is invalid', () => {
    const replay = tx(0, 1, 1n, 0); // same nonce as txs[0]: invalid once txs[0] applied
    const template = { height: 1, parents: [PARENT], timestamp: 1000, proposer: devAddress(3) };
    const b = buildBlock(s0, template, [...txs, replay], RULES);
    expect(b.block.txs.map((t) => t.id)).toEqual(txs.map((t) => t.id));
    expect(b.rejected.map((r) => [r.index, r.error.type.code])).toEqual([[3, 'LEDGER_NONCE_REPLAYED']]);
    expect(b.block.header.chainId).toBe(CHAIN);
    expect(applyBlock(s0, b.block, RULES).rootHex).toBe(b.state.rootHex);
    const p = proposeBlock(s0, { ...template, txs: [...txs, replay] }, RULES);
    expect(toHex(p.block.header.stateRoot)).toBe(toHex(b.block.header.stateRoot));
  });

  it('rewards are the only supply change; a zero reward leaves it fixed; the proposer may be new', () => {
    const rules = { chainId: CHAIN, blockReward: 0n };
    const p = proposeBlock(s0, { height: 1, parents: [PARENT], timestamp: 1, proposer: devAddress(50), txs }, rules);
    const s1 = applyBlock(s0, p.block, rules);
    expect(s1.supply).toBe(s0.supply);
    expect(s1.account(devAddress(50))).toBeNull();
    const s2 = applyBlock(s0, propose(s0, [], 50), RULES);
    expect(s2.account(devAddress(50))).toEqual({ balance: 50n, nonce: 0 });
    expect(s2.accountCount).toBe(s0.accountCount + 1);
  });

  it('a wrong txRoot is LEDGER_TX_ROOT_MISMATCH', () => {
    const good = propose(s0, txs);
    const e = rejects(s0, () => applyBlock(s0, forged(txs, good.header.stateRoot, txRoot(txs.slice(0, 2))), RULES), 'LEDGER_TX_ROOT_MISMATCH');
    expect(e.type).toEqual({ code: 'LEDGER_TX_ROOT_MISMATCH', expected: toHex(txRoot(txs.slice(0, 2))), actual: toHex(txRoot(txs)) });
    // Reordering the body without fixing the header is caught the same way.
    rejects(s0, () => applyBlock(s0, makeBlock(good.header, [txs[1]!, txs[0]!, txs[2]!]), RULES), 'LEDGER_TX_ROOT_MISMATCH');
  });

  it('a wrong stateRoot is LEDGER_STATE_ROOT_MISMATCH', () => {
    const good = propose(s0, txs);
    const wrong = new Uint8Array(32);
    const e = rejects(s0, () => applyBlock(s0, forged(txs, wrong), RULES), 'LEDGER_STATE_ROOT_MISMATCH');
    expect(e.type).toEqual({ code: 'LEDGER_STATE_ROOT_MISMATCH', expected: toHex(wrong), actual: toHex(good.header.stateRoot) });
    // Same header, but a validator with another reward rule computes another root.
    rejects(s0, () => applyBlock(s0, good, { chainId: CHAIN, blockReward: 51n }), 'LEDGER_STATE_ROOT_MISMATCH');
  });

  it('a block that overspends, replays or skips a nonce is refused with the index', () => {
    const root = propose(s0, []).header.stateRoot;
    const over = [tx(0, 1, 600_000n, 0), tx(0, 2, 400_001n, 1)];
    expect(rejects(s0, () => applyBlock(s0, forged(over, root), RULES), 'LEDGER_INSUFFICIENT_BALANCE').type).toMatchObject({ index: 1 });
    rejects(s0, () => applyBlock(s0, forged([txs[0]!, txs[0]!], root), RULES), 'LEDGER_NONCE_REPLAYED');
    rejects(s0, () => applyBlock(s0, forged([tx(0, 1, 1n, 5)], root), RULES), 'LEDGER_NONCE_GAP');
    rejects(s0, () => applyBlock(s0, forged([tx(0, 1, 1n, 0, 'other')], root), RULES), 'LEDGER_WRONG_CHAIN');
  });

  it('header chain id and tx count are checked', () => {
    const good = propose(s0, txs);
    rejects(s0, () => applyBlock(s0, good, { chainId: 'thermo-other', blockReward: 50n }), 'LEDGER_WRONG_CHAIN');
    expect(toHex(applyBlock(s0, good, { ...RULES, maxTxsPerBlock: 3 }).root)).toBe(toHex(good.header.stateRoot));
    rejects(s0, () => applyBlock(s0, good, { ...RULES, maxTxsPerBlock: 2 }), 'LEDGER_TOO_MANY_TXS');
    // The proposer respects the cap too.
    expect(proposeBlock(s0, { height: 1, parents: [PARENT], timestamp: 1, proposer: devAddress(3), txs }, { ...RULES, maxTxsPerBlock: 2 }).block.txs.length).toBe(2);
  });

  it('old states stay valid: two competing blocks on one parent, then back to the first', () => {
    const a = propose(s0, [tx(0, 1, 100n, 0)]);
    const b = propose(s0, [tx(0, 2, 300n, 0)], 2);
    const before = fingerprint(s0);
    const sa = applyBlock(s0, a, RULES);
    const sb = applyBlock(s0, b, RULES);
    expect(fingerprint(s0)).toBe(before);
    expect(sa.account(devAddress(0))).toEqual({ balance: 999_900n, nonce: 1 });
    expect(sb.account(devAddress(0))).toEqual({ balance: 999_700n, nonce: 1 });
    expect(s0.account(devAddress(0))).toEqual({ balance: 1_000_000n, nonce: 0 });
    // Continue on the first branch from its kept state.
    const sa2 = applyBlock(sa, propose(sa, [tx(0, 1, 1n, 1)]), RULES);
    expect(sa2.nonceOf(devAddress(0))).toBe(2);
    expect(toHex(applyBlock(s0, a, RULES).root)).toBe(toHex(sa.root));
    expect(transferId(a.txs[0]!).length).toBe(32);
  });
});
