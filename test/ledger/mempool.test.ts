import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '../../src/core/bytes.js';
import { encode } from '../../src/core/codec.js';
import {
  MEMPOOL_DEFAULTS,
  Mempool,
  applyBlock,
  devAddress,
  encodeTransfer,
  genesisState,
  makeTransfer,
  proposeBlock,
  transferId,
  transferIdHex,
  transferSize,
} from '../../src/ledger/index.js';
import type { AddResult, AccountView, LedgerState, MempoolOptions, MempoolRejectionCode, Transfer } from '../../src/ledger/index.js';
import { CHAIN, RULES, funded, tx } from './helpers.js';

const SIZE = transferSize(tx(0, 1, 5n, 0)); // every small test transfer below has this size

function pool(options: Partial<MempoolOptions> = {}): Mempool {
  return new Mempool({ chainId: CHAIN, ...options });
}

function accepted(r: AddResult): readonly string[] {
  if (!r.accepted) throw new Error(`expected acceptance, got ${r.rejection.code}`);
  return r.evicted.map((d) => d.txIdHex);
}

/** Requires a rejection with `code` and proves the pool did not change. */
function refused(mp: Mempool, add: () => AddResult, code: MempoolRejectionCode): void {
  const before = [mp.size, mp.bytes, mp.select(1e9, 1e12).map((t) => transferIdHex(t)).join()];
  const r = add();
  expect(r.accepted).toBe(false);
  if (!r.accepted) expect(r.rejection.code).toBe(code);
  expect([mp.size, mp.bytes, mp.select(1e9, 1e12).map((t) => transferIdHex(t)).join()]).toEqual(before);
}

const ids = (txs: readonly Transfer[]): string[] => txs.map((t) => transferIdHex(t));

describe('mempool admission', () => {
  const state = funded(12);

  it('defaults are documented values', () => {
    expect(MEMPOOL_DEFAULTS).toEqual({ maxCount: 10_000, maxBytes: 4 * 1024 * 1024, maxPerSender: 64, maxNonceAhead: 63, maxTxBytes: 256 });
    expect(pool().options).toEqual({ chainId: CHAIN, ...MEMPOOL_DEFAULTS });
    expect(SIZE).toBe(149);
  });

  it('accepts a valid transfer and reports its id', () => {
    const mp = pool();
    const t = tx(0, 1, 5n, 0);
    const r = mp.add(t, state);
    expect(r).toEqual({ accepted: true, txId: transferId(t), evicted: [] });
    expect(mp.size).toBe(1);
    expect(mp.bytes).toBe(SIZE);
    expect(mp.has(transferId(t))).toBe(true);
    expect(mp.get(transferIdHex(t))).toBe(t);
  });

  it('typed rejections for bad input, the pool unchanged', () => {
    const mp = pool();
    mp.add(tx(0, 1, 5n, 0), state);
    refused(mp, () => mp.add(tx(0, 1, 5n, 0), state), 'MEMPOOL_DUPLICATE');
    refused(mp, () => mp.add(tx(1, 2, 5n, 0, 'thermo-other'), state), 'MEMPOOL_WRONG_CHAIN');
    refused(mp, () => mp.add(tx(1, 2, 0n, 0), state), 'MEMPOOL_INVALID_TX');
    refused(mp, () => mp.add(tx(1, 1, 5n, 0), state), 'MEMPOOL_INVALID_TX');
    const t = tx(1, 2, 5n, 0);
    refused(mp, () => mp.add(Object.freeze({ ...t, amount: 6n }), state), 'MEMPOOL_BAD_SIGNATURE');
    refused(mp, () => mp.add(tx(0, 2, 7n, 0), state), 'MEMPOOL_NONCE_TAKEN');
    refused(mp, () => mp.add(tx(1, 2, 1_000_001n, 0), state), 'MEMPOOL_INSUFFICIENT_BALANCE');
    // Pending amounts count: 0 has 5 pending, so 999,996 more is too much and 999,995 fits.
    refused(mp, () => mp.add(tx(0, 2, 999_996n, 1), state), 'MEMPOOL_INSUFFICIENT_BALANCE');
    expect(mp.add(tx(0, 2, 999_995n, 1), state).accepted).toBe(true);
    // An unknown (unfunded) sender cannot queue anything.
    refused(mp, () => mp.add(tx(40, 2, 1n, 0), state), 'MEMPOOL_INSUFFICIENT_BALANCE');
    refused(mp, () => mp.addEncoded(new Uint8Array([1, 2, 3]), state), 'MEMPOOL_MALFORMED');
    refused(mp, () => mp.addEncoded(new Uint8Array(257), state), 'MEMPOOL_TX_TOO_LARGE');
    expect(mp.addEncoded(encodeTransfer(tx(3, 2, 1n, 0)), state).accepted).toBe(true);
  });

  it('keeps a private copy of a caller-built object; a malformed one is MEMPOOL_MALFORMED', () => {
    const mp = pool();
    const t = tx(0, 1, 5n, 0);
    const mine = { ...t, to: Uint8Array.from(t.to) };
    expect(mp.add(mine, state).accepted).toBe(true);
    mine.to[0]! ^= 1; // the caller keeps writing to its own object
    const held = mp.get(t.id)!;
    expect(held).not.toBe(mine);
    expect(toHex(held.to)).toBe(toHex(t.to));
    expect(held.id).toBe(t.id);
    refused(mp, () => mp.add({ ...tx(1, 2, 5n, 0), amount: 1n << 70n }, state), 'MEMPOOL_MALFORMED');
    refused(mp, () => mp.add({ ...tx(1, 2, 5n, 0), nonce: 1.5 }, state), 'MEMPOOL_MALFORMED');
  });

  it('stale nonce', () => {
    const s1 = proposeBlock(state, { height: 1, parents: [new Uint8Array(32)], timestamp: 1, proposer: devAddress(11), txs: [tx(0, 1, 1n, 0)] }, RULES).state;
    const mp = pool();
    const r = mp.add(tx(0, 1, 1n, 0), s1);
    expect(r).toEqual({ accepted: false, rejection: { code: 'MEMPOOL_NONCE_STALE', accountNonce: 1, nonce: 0 } });
  });

  it('maxNonceAhead: N ahead accepted, N+1 refused', () => {
    const mp = pool({ maxNonceAhead: 2 });
    expect(mp.add(tx(0, 1, 1n, 2), state).accepted).toBe(true);
    const r = mp.add(tx(0, 1, 1n, 3), state);
    expect(r).toEqual({ accepted: false, rejection: { code: 'MEMPOOL_NONCE_TOO_FAR', accountNonce: 0, nonce: 3, maxAhead: 2 } });
    expect(mp.size).toBe(1);
  });

  it('maxPerSender: N accepted, N+1 refused', () => {
    const mp = pool({ maxPerSender: 3 });
    for (let n = 0; n < 3; n++) expect(mp.add(tx(0, 1, 1n, n), state).accepted).toBe(true);
    refused(mp, () => mp.add(tx(0, 1, 1n, 3), state), 'MEMPOOL_SENDER_CAP');
    expect(mp.add(tx(1, 0, 1n, 0), state).accepted).toBe(true);
  });

  it('maxTxBytes: a transfer of exactly N bytes accepted, N+1 refused', () => {
    const t = tx(0, 1, 5n, 0);
    expect(pool({ maxTxBytes: SIZE }).add(t, state).accepted).toBe(true);
    const mp = pool({ maxTxBytes: SIZE - 1 });
    expect(mp.add(t, state)).toEqual({ accepted: false, rejection: { code: 'MEMPOOL_TX_TOO_LARGE', size: SIZE, max: SIZE - 1 } });
    expect(mp.addEncoded(encodeTransfer(t), state)).toEqual({ accepted: false, rejection: { code: 'MEMPOOL_TX_TOO_LARGE', size: SIZE, max: SIZE - 1 } });
  });

  it('maxCount: N accepted, N+1 refused when no sender is more loaded', () => {
    const mp = pool({ maxCount: 3 });
    for (let i = 0; i < 3; i++) expect(accepted(mp.add(tx(i, 11, 1n, 0), state))).toEqual([]);
    refused(mp, () => mp.add(tx(3, 11, 1n, 0), state), 'MEMPOOL_FULL');
    const r = mp.add(tx(4, 11, 1n, 0), state);
    expect(r).toEqual({ accepted: false, rejection: { code: 'MEMPOOL_FULL', count: 3, bytes: 3 * SIZE, maxCount: 3, maxBytes: MEMPOOL_DEFAULTS.maxBytes } });
  });

  it('maxBytes: N bytes accepted, one byte over refused', () => {
    const mp = pool({ maxBytes: 3 * SIZE });
    for (let i = 0; i < 3; i++) expect(mp.add(tx(i, 11, 1n, 0), state).accepted).toBe(true);
    expect(mp.bytes).toBe(3 * SIZE);
    refused(mp, () => mp.add(tx(3, 11, 1n, 0), state), 'MEMPOOL_FULL');
    const tight = pool({ maxBytes: 3 * SIZE - 1 });
    for (let i = 0; i < 2; i++) expect(tight.add(tx(i, 11, 1n, 0), state).accepted).toBe(true);
    refused(tight, () => tight.add(tx(2, 11, 1n, 0), state), 'MEMPOOL_FULL');
  });
});

describe('mempool eviction', () => {
  const state = funded(12);

  it('evicts the highest nonce of the most loaded sender, and reports its id', () => {
    const mp = pool({ maxCount: 4 });
    const a = [0, 1, 2].map((n) => tx(0, 11, 1n, n));
    for (const t of a) accepted(mp.add(t, state));
    accepted(mp.add(tx(1, 11, 1n, 0), state));
    // Sender 2 (1 pending after admission) vs sender 0 (3 pending): 0 loses nonce 2.
    const r = mp.add(tx(2, 11, 1n, 0), state);
    expect(r.accepted && r.evicted.map((d) => [d.txIdHex, d.reason])).toEqual([[transferIdHex(a[2]!), 'MEMPOOL_EVICTED']]);
    expect(r.accepted && toHex(r.evicted[0]!.txId)).toBe(transferIdHex(a[2]!));
    expect(mp.size).toBe(4);
    expect(mp.has(transferId(a[2]!))).toBe(false);
    // Now loads are 0:2, 1:1, 2:1. Sender 3 evicts 0's nonce 1.
    expect(accepted(mp.add(tx(3, 11, 1n, 0), state))).toEqual([transferIdHex(a[1]!)]);
    expect(ids(mp.pendingOf(devAddress(0)))).toEqual([transferIdHex(a[0]!)]);
    // Everyone holds 1: the next sender is refused and nothing is evicted.
    refused(mp, () => mp.add(tx(4, 11, 1n, 0), state), 'MEMPOOL_FULL');
  });

  it('a sender cannot evict others to grow beyond them', () => {
    const mp = pool({ maxCount: 4 });
    accepted(mp.add(tx(0, 11, 1n, 0), state));
    accepted(mp.add(tx(0, 11, 1n, 1), state));
    accepted(mp.add(tx(1, 11, 1n, 0), state));
    accepted(mp.add(tx(1, 11, 1n, 1), state));
    // Sender 1 would hold 3 > 2: refused. Sender 2 (1 < 2) may evict.
    refused(mp, () => mp.add(tx(1, 11, 1n, 2), state), 'MEMPOOL_FULL');
    const r = mp.add(tx(2, 11, 1n, 0), state);
    // Ties between 0 and 1 (both 2 pending) go against the sender whose newest transfer is newest: 1.
    expect(r.accepted && r.evicted.map((d) => d.txIdHex)).toEqual([transferIdHex(tx(1, 11, 1n, 1))]);
  });

  it('evicts as many as the bytes bound needs, or none at all', () => {
    // A 2^40 amount encodes in 9 bytes instead of 1: the big transfer is SIZE + 8 bytes, so
    // making room for it in a byte-full pool takes two evictions.
    const rich = genesisState(Array.from({ length: 6 }, (_, i) => ({ address: devAddress(i), balance: 1n << 50n })));
    const big = tx(5, 11, 1n << 40n, 0);
    expect(transferSize(big)).toBe(SIZE + 8);
    const mp = pool({ maxBytes: 5 * SIZE });
    const a = [0, 1, 2, 3].map((n) => tx(0, 11, 1n, n));
    for (const t of [...a, tx(1, 11, 1n, 0)]) accepted(mp.add(t, rich));
    expect(mp.bytes).toBe(5 * SIZE);
    expect(accepted(mp.add(big, rich))).toEqual(ids([a[3]!, a[2]!]));
    expect(mp.bytes).toBe(4 * SIZE + 8);

    // If the policy allows only one of the two evictions, nothing is evicted.
    const mp2 = pool({ maxBytes: 5 * SIZE });
    const b = [tx(0, 11, 1n, 0), tx(0, 11, 1n, 1)];
    for (const t of [...b, tx(1, 11, 1n, 0), tx(2, 11, 1n, 0), tx(3, 11, 1n, 0)]) accepted(mp2.add(t, rich));
    refused(mp2, () => mp2.add(big, rich), 'MEMPOOL_FULL');
    expect(ids(mp2.pendingOf(devAddress(0)))).toEqual(ids(b));
  });
});

describe('mempool ordering and selection', () => {
  const state = funded(12);

  it('keeps each sender in nonce order and selects only the executable run', () => {
    const mp = pool();
    const t = [tx(0, 1, 1n, 0), tx(0, 1, 1n, 1), tx(0, 1, 1n, 2), tx(0, 1, 1n, 4)];
    for (const i of [2, 0, 3, 1]) accepted(mp.add(t[i]!, state));
    expect(ids(mp.pendingOf(devAddress(0)))).toEqual(ids(t));
    expect(ids(mp.select(100, 1e9))).toEqual(ids(t.slice(0, 3)));
    const gap = pool();
    accepted(gap.add(t[1]!, state));
    expect(gap.select(100, 1e9)).toEqual([]);
  });

  it('round-robin across senders, longest-waiting sender first, deterministic', () => {
    const mp = pool();
    const c0 = tx(2, 11, 1n, 0);
    const a = [0, 1, 2].map((n) => tx(0, 11, 1n, n));
    const b = [0, 1].map((n) => tx(1, 11, 1n, n));
    accepted(mp.add(c0, state)); // C arrives first
    for (const t of [...a, ...b]) accepted(mp.add(t, state));
    const expected = [c0, a[0]!, b[0]!, a[1]!, b[1]!, a[2]!];
    expect(ids(mp.select(100, 1e9))).toEqual(ids(expected));
    expect(ids(mp.select(100, 1e9))).toEqual(ids(expected));
    expect(ids(mp.select(4, 1e9))).toEqual(ids(expected.slice(0, 4)));
    expect(ids(mp.select(100, 2 * SIZE))).toEqual(ids(expected.slice(0, 2)));
    expect(ids(mp.select(100, 2 * SIZE - 1))).toEqual(ids(expected.slice(0, 1)));
    expect(mp.select(0, 1e9)).toEqual([]);
    expect(mp.size).toBe(6); // select removes nothing
  });

  it('a selected batch is a valid block', () => {
    const mp = pool();
    for (let i = 0; i < 5; i++) for (let n = 0; n < 3; n++) accepted(mp.add(tx(i, (i + 1) % 5, 10n, n), state));
    const p = proposeBlock(state, { height: 1, parents: [new Uint8Array(32)], timestamp: 1, proposer: devAddress(11), txs: mp.select(100, 1e9) }, RULES);
    expect(p.rejected).toEqual([]);
    expect(p.block.txs.length).toBe(15);
    expect(applyBlock(state, p.block, RULES).supply).toBe(state.supply + 50n);
  });
});

describe('mempool after a committed block', () => {
  const state = funded(12);
  const commit = (s: LedgerState, txs: readonly Transfer[]): LedgerState =>
    proposeBlock(s, { height: 1, parents: [new Uint8Array(32)], timestamp: 1, proposer: devAddress(11), txs }, { chainId: CHAIN, blockReward: 0n }).state;

  it('drops included, stale and unaffordable transfers, each with its reason', () => {
    const mp = pool();
    const a = [0, 1, 2].map((n) => tx(0, 11, 100_000n, n));
    const b = [tx(1, 11, 1n, 0), tx(1, 11, 1n, 1)];
    const c = [tx(2, 11, 400_000n, 0), tx(2, 11, 400_000n, 1)];
    for (const t of [...a, ...b, ...c]) accepted(mp.add(t, state));
    // The block includes a[0], a conflicting b (same nonce 0, other amount), and a transfer that
    // drains most of C's balance through another pool.
    const conflictB = tx(1, 10, 2n, 0);
    const drainC = tx(2, 10, 500_000n, 0);
    const next = commit(state, [a[0]!, conflictB, drainC]);
    const dropped = mp.onBlockCommitted(next, [transferId(a[0]!), transferId(conflictB), transferId(drainC)]);
    expect(dropped.map((d) => [d.txIdHex, d.reason])).toEqual([
      [transferIdHex(a[0]!), 'MEMPOOL_INCLUDED'],
      [transferIdHex(b[0]!), 'MEMPOOL_NONCE_STALE'],
      [transferIdHex(c[0]!), 'MEMPOOL_NONCE_STALE'],
    ]);
    // C: 500,000 left, 400,000 pending at nonce 1: still affordable.
    expect(ids(mp.select(100, 1e9))).toEqual(ids([a[1]!, b[1]!, c[1]!, a[2]!]));
    const drained = commit(next, [tx(2, 10, 200_000n, 1)]);
    const d2 = mp.onBlockCommitted(drained, []);
    expect(d2.map((d) => [d.txIdHex, d.reason])).toEqual([[transferIdHex(c[1]!), 'MEMPOOL_NONCE_STALE']]);
    expect(mp.size).toBe(3);
  });

  it('drops highest nonces first when the balance no longer covers the pending amounts', () => {
    const mp = pool();
    const a = [0, 1, 2].map((n) => tx(0, 11, 300_000n, n));
    for (const t of a) accepted(mp.add(t, state));
    // A transfer the pool never saw (nonce 0, other amount) uses 0's nonce 0 and 500,000.
    const external = tx(0, 10, 500_000n, 0);
    const next = commit(state, [external]);
    const dropped = mp.onBlockCommitted(next, [transferId(external)]);
    expect(dropped.map((d) => [d.txIdHex, d.reason])).toEqual([
      [transferIdHex(a[0]!), 'MEMPOOL_NONCE_STALE'],
      [transferIdHex(a[2]!), 'MEMPOOL_UNAFFORDABLE'],
    ]);
    expect(ids(mp.select(10, 1e9))).toEqual(ids([a[1]!]));
  });

  it('remove reports what it removed', () => {
    const mp = pool();
    const t = tx(0, 1, 1n, 0);
    accepted(mp.add(t, state));
    expect(mp.remove(transferId(t))).toMatchObject({ txIdHex: transferIdHex(t), reason: 'MEMPOOL_REMOVED' });
    expect(mp.remove(transferId(t))).toBeUndefined();
    expect(mp.size).toBe(0);
    expect(mp.bytes).toBe(0);
  });

  it('property: never loses an accepted transfer silently', () => {
    // Random adds and commits against a small pool; every accepted id is either still pending or
    // was reported exactly once by the call that removed it.
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), from: fc.integer({ min: 0, max: 5 }), nonce: fc.integer({ min: 0, max: 4 }), amount: fc.bigInt({ min: 1n, max: 400_000n }) }),
      fc.record({ kind: fc.constant('commit' as const), count: fc.integer({ min: 0, max: 4 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const mp = pool({ maxCount: 6, maxPerSender: 3, maxBytes: 5 * SIZE + 40 });
        let s: LedgerState = genesisState(Array.from({ length: 6 }, (_, i) => ({ address: devAddress(i), balance: 1_000_000n })));
        const live = new Set<string>();
        const drop = (hex: string): void => {
          expect(live.has(hex)).toBe(true);
          live.delete(hex);
        };
        for (const o of ops) {
          if (o.kind === 'add') {
            const r = mp.add(tx(o.from, 6, o.amount, o.nonce), s as AccountView);
            if (r.accepted) {
              r.evicted.forEach((d) => drop(d.txIdHex));
              live.add(toHex(r.txId));
            }
          } else {
            const chosen = mp.select(o.count, 1e9);
            s = commit(s, chosen);
            mp.onBlockCommitted(s, chosen.map(transferId)).forEach((d) => drop(d.txIdHex));
          }
          expect(mp.size).toBe(live.size);
          expect(mp.size).toBeLessThanOrEqual(6);
          expect(mp.bytes).toBeLessThanOrEqual(5 * SIZE + 40);
          for (const hex of live) expect(mp.has(hex)).toBe(true);
        }
      }),
      { numRuns: 80 },
    );
  });
});

it('constructor refuses nonsense limits', () => {
  expect(() => pool({ maxCount: 0 })).toThrow(/maxCount/);
  expect(() => pool({ maxNonceAhead: -1 })).toThrow(/maxNonceAhead/);
  expect(() => new Mempool({ chainId: 'bad chain' })).toThrow(/chainId/);
  expect(encode(1).length).toBe(1);
  expect(makeTransfer(tx(0, 1, 1n, 0)).amount).toBe(1n);
});
