import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toHex } from '../../src/core/bytes.js';
import { encode } from '../../src/core/codec.js';
import { sha256, taggedHash } from '../../src/core/crypto/sha256.js';
import {
  EMPTY_TX_ROOT,
  LedgerError,
  MAX_CONSENSUS_BYTES,
  MAX_HEADER_BYTES,
  MAX_PARENTS,
  blockHash,
  decodeBlock,
  decodeHeader,
  devAddress,
  encodeBlock,
  encodeHeader,
  encodeTransfer,
  headerHash,
  makeBlock,
  makeHeader,
  merkleRoot,
  txRoot,
  transferId,
  transferIdHex,
} from '../../src/ledger/index.js';
import type { BlockHeader, Transfer } from '../../src/ledger/index.js';
import { CHAIN, expectLedgerError, tx } from './helpers.js';

const h = (i: number): Uint8Array => sha256(Uint8Array.of(i));

function header(overrides: Partial<BlockHeader> = {}): BlockHeader {
  return makeHeader({
    chainId: CHAIN,
    height: 1,
    parents: [h(0)],
    timestamp: 1_700_000_000_000,
    proposer: devAddress(0),
    stateRoot: h(1),
    txRoot: EMPTY_TX_ROOT,
    consensus: { nonce: 42, r: 0.91, digest: h(2), votes: [h(3), h(4)] },
    ...overrides,
  });
}

describe('transactions root', () => {
  const leaf = (id: Uint8Array): Uint8Array => taggedHash('thermo/txroot/leaf', id);
  const node = (a: Uint8Array, b: Uint8Array): Uint8Array => taggedHash('thermo/txroot/node', a, b);

  it('follows the documented rules', () => {
    expect(toHex(EMPTY_TX_ROOT)).toBe('182b585536763d200b587a2d0bd113c59c81e19bb2e9066b2da244c98d2bce08');
    expect(toHex(EMPTY_TX_ROOT)).toBe(toHex(taggedHash('thermo/txroot/empty')));
    expect(toHex(merkleRoot([]))).toBe(toHex(EMPTY_TX_ROOT));
    const [a, b, c, d, e] = [h(10), h(11), h(12), h(13), h(14)];
    expect(toHex(merkleRoot([a]))).toBe(toHex(leaf(a)));
    expect(toHex(merkleRoot([a, b]))).toBe(toHex(node(leaf(a), leaf(b))));
    // Odd count: the last node is carried up unchanged.
    expect(toHex(merkleRoot([a, b, c]))).toBe(toHex(node(node(leaf(a), leaf(b)), leaf(c))));
    expect(toHex(merkleRoot([a, b, c, d, e]))).toBe(toHex(node(node(node(leaf(a), leaf(b)), node(leaf(c), leaf(d))), leaf(e))));
  });

  it('is not malleable by duplicating the last id, and depends on order', () => {
    const [a, b, c] = [h(10), h(11), h(12)];
    expect(toHex(merkleRoot([a, b, c]))).not.toBe(toHex(merkleRoot([a, b, c, c])));
    expect(toHex(merkleRoot([a, b]))).not.toBe(toHex(merkleRoot([b, a])));
    expect(toHex(merkleRoot([a]))).not.toBe(toHex(a));
    // Leaves of other lengths follow the same rule (the 32-byte fast path is only a shortcut).
    const short = Uint8Array.of(1, 2, 3);
    expect(toHex(merkleRoot([short, a]))).toBe(toHex(node(leaf(short), leaf(a))));
  });

  it('property: different id lists give different roots', () => {
    const ids = fc.array(fc.integer({ min: 0, max: 6 }).map(h), { maxLength: 9 });
    fc.assert(
      fc.property(ids, ids, (x, y) => {
        const same = x.length === y.length && x.every((v, i) => toHex(v) === toHex(y[i]!));
        expect(toHex(merkleRoot(x)) === toHex(merkleRoot(y))).toBe(same);
      }),
      { numRuns: 500 },
    );
  });

  it('txRoot hashes the transfer ids', () => {
    const txs = [tx(0, 1, 5n, 0), tx(1, 2, 6n, 0)];
    expect(toHex(txRoot(txs))).toBe(toHex(merkleRoot(txs.map(transferId))));
  });
});

describe('headers', () => {
  it('round-trips, and the hash is taggedHash over the encoding', () => {
    const hd = header();
    const bytes = encodeHeader(hd);
    const back = decodeHeader(bytes);
    expect(back).toEqual(hd);
    expect(Object.isFrozen(back)).toBe(true);
    expect(Object.isFrozen(back.consensus)).toBe(true);
    expect(Object.isFrozen(back.consensus['votes'])).toBe(true);
    expect(toHex(headerHash(hd))).toBe(toHex(taggedHash('thermo/header', bytes)));
    expect(toHex(headerHash(back))).toBe(toHex(headerHash(hd)));
    expect(toHex(headerHash(header({ timestamp: 1_700_000_000_001 })))).not.toBe(toHex(headerHash(hd)));
    expect(toHex(headerHash(header({ consensus: { nonce: 43 } })))).not.toBe(toHex(headerHash(hd)));
  });

  it('genesis has height 0 and no parents; DAG vertices may have many', () => {
    expect(header({ height: 0, parents: [] }).parents).toEqual([]);
    expect(header({ height: 9, parents: [h(1), h(2), h(3)] }).parents.length).toBe(3);
    expectLedgerError(() => header({ height: 0 }), 'LEDGER_MALFORMED');
    expectLedgerError(() => header({ height: 1, parents: [] }), 'LEDGER_MALFORMED');
    expectLedgerError(() => header({ parents: [h(1), h(1)] }), 'LEDGER_MALFORMED');
  });

  it('parents: MAX_PARENTS accepted, one more refused', () => {
    const many = Array.from({ length: MAX_PARENTS + 1 }, (_, i) => h(i));
    expect(decodeHeader(encodeHeader(header({ parents: many.slice(0, MAX_PARENTS) }))).parents.length).toBe(MAX_PARENTS);
    expectLedgerError(() => header({ parents: many }), 'LEDGER_MALFORMED');
  });

  it('consensus map: MAX_CONSENSUS_BYTES accepted, one more byte refused', () => {
    // {"p": bytes(n)} encodes to 1 + 2 + 5 + n bytes for n >= 65536 (4-byte length).
    const fill = (n: number): BlockHeader => header({ consensus: { p: new Uint8Array(n) } });
    const overhead = encode({ p: new Uint8Array(MAX_CONSENSUS_BYTES) }).length - MAX_CONSENSUS_BYTES;
    const atCap = fill(MAX_CONSENSUS_BYTES - overhead);
    expect(encode(atCap.consensus).length).toBe(MAX_CONSENSUS_BYTES);
    const bytes = encodeHeader(atCap);
    expect(bytes.length).toBeLessThanOrEqual(MAX_HEADER_BYTES);
    expect(decodeHeader(bytes)).toEqual(atCap);
    const e = expectLedgerError(() => fill(MAX_CONSENSUS_BYTES - overhead + 1), 'LEDGER_TOO_LARGE');
    expect(e.type).toEqual({ code: 'LEDGER_TOO_LARGE', what: 'header.consensus', size: MAX_CONSENSUS_BYTES + 1, max: MAX_CONSENSUS_BYTES });
  });

  it('refuses bad fields and bad encodings', () => {
    expectLedgerError(() => header({ timestamp: 1.5 }), 'LEDGER_MALFORMED');
    expectLedgerError(() => header({ timestamp: -1 }), 'LEDGER_MALFORMED');
    expectLedgerError(() => header({ height: -1 }), 'LEDGER_MALFORMED');
    expectLedgerError(() => header({ chainId: '' }), 'LEDGER_MALFORMED');
    expectLedgerError(() => header({ stateRoot: new Uint8Array(31) }), 'LEDGER_MALFORMED');
    expectLedgerError(() => header({ proposer: new Uint8Array(33) }), 'LEDGER_MALFORMED');
    expectLedgerError(() => header({ consensus: [1, 2] as unknown as BlockHeader['consensus'] }), 'LEDGER_MALFORMED');
    expectLedgerError(() => decodeHeader(new Uint8Array(MAX_HEADER_BYTES + 1)), 'LEDGER_TOO_LARGE');
    expectLedgerError(() => decodeHeader(encode([CHAIN, 1])), 'LEDGER_MALFORMED');
    expectLedgerError(() => decodeHeader(encode([CHAIN, 1, [h(0)], 5, devAddress(0), h(1), h(2), 'x'])), 'LEDGER_MALFORMED');
  });

  it('property: arbitrary bytes give a LedgerError or a header that re-encodes to the same bytes', () => {
    const valid = encodeHeader(header());
    const mutated = fc
      .tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }))
      .map(([i, b]) => Uint8Array.from(valid, (x, j) => (j === i ? b : x)));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), (bytes) => {
        let hd: BlockHeader;
        try {
          hd = decodeHeader(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(LedgerError);
          return;
        }
        // A fresh (uncached) copy must encode to the same bytes.
        expect(toHex(encodeHeader(makeHeader({ ...hd })))).toBe(toHex(bytes));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('blocks', () => {
  const txs = [tx(0, 1, 5n, 0), tx(1, 2, 6n, 0), tx(0, 2, 7n, 1)];
  const block = makeBlock(header({ txRoot: txRoot(txs) }), txs);

  it('makeBlock re-derives the id of a transfer it did not build, even a frozen one', () => {
    const t = tx(0, 1, 5n, 0);
    const stale: Transfer = Object.freeze({ ...t, amount: 6n }); // carries t's id
    const b = makeBlock(header({ txRoot: txRoot([stale]) }), [t, stale]);
    expect(b.txs[0]).toBe(t);
    expect(b.txs[1]!.id).toBe(transferIdHex(stale));
    expect(b.txs[1]!.id).not.toBe(t.id);
  });

  it('round-trip; the block hash is the header hash', () => {
    const bytes = encodeBlock(block);
    expect(toHex(bytes)).toBe(toHex(encode([encodeHeader(block.header), txs.map(encodeTransfer)])));
    const back = decodeBlock(bytes);
    expect(back).toEqual(block);
    expect(toHex(blockHash(back))).toBe(toHex(headerHash(block.header)));
    expect(back.txs.map((t) => toHex(transferId(t)))).toEqual(txs.map((t) => toHex(transferId(t))));
  });

  it('tx count: the limit is accepted, one more refused (encode, decode and make)', () => {
    const limits = { maxBlockBytes: 1 << 20, maxTxsPerBlock: 3 };
    expect(decodeBlock(encodeBlock(block, limits), limits).txs.length).toBe(3);
    const four = makeBlock(header(), [...txs, tx(2, 3, 1n, 0)]);
    expectLedgerError(() => encodeBlock(four, limits), 'LEDGER_TOO_MANY_TXS');
    const e = expectLedgerError(() => decodeBlock(encodeBlock(four), limits), 'LEDGER_TOO_MANY_TXS');
    expect(e.type).toEqual({ code: 'LEDGER_TOO_MANY_TXS', count: 4, max: 3 });
    expectLedgerError(() => makeBlock(header(), four.txs, limits), 'LEDGER_TOO_MANY_TXS');
  });

  it('byte cap: the limit is accepted, one byte less refused before parsing', () => {
    const bytes = encodeBlock(block);
    expect(decodeBlock(bytes, { maxBlockBytes: bytes.length, maxTxsPerBlock: 10 }).txs.length).toBe(3);
    const e = expectLedgerError(() => decodeBlock(bytes, { maxBlockBytes: bytes.length - 1, maxTxsPerBlock: 10 }), 'LEDGER_TOO_LARGE');
    expect(e.type).toEqual({ code: 'LEDGER_TOO_LARGE', what: 'block', size: bytes.length, max: bytes.length - 1 });
    expectLedgerError(() => encodeBlock(block, { maxBlockBytes: bytes.length - 1, maxTxsPerBlock: 10 }), 'LEDGER_TOO_LARGE');
  });

  it('a malformed transfer inside a block is named by its position', () => {
    const bad = encode([encodeHeader(block.header), [encodeTransfer(txs[0]!), new Uint8Array([1, 2, 3])]]);
    const e = expectLedgerError(() => decodeBlock(bad), 'LEDGER_MALFORMED');
    expect(e.type).toMatchObject({ what: 'block.txs[1]' });
    const big = encode([encodeHeader(block.header), [new Uint8Array(300)]]);
    expect(expectLedgerError(() => decodeBlock(big), 'LEDGER_TOO_LARGE').type).toMatchObject({ what: 'block.txs[0]', size: 300, max: 256 });
    expectLedgerError(() => decodeBlock(encode([encodeHeader(block.header)])), 'LEDGER_MALFORMED');
    expectLedgerError(() => decodeBlock(encode([new Uint8Array(3), []])), 'LEDGER_MALFORMED');
  });

  it('property: arbitrary bytes give a LedgerError or a block that re-encodes to the same bytes', () => {
    const valid = encodeBlock(block);
    const mutated = fc
      .tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }))
      .map(([i, b]) => Uint8Array.from(valid, (x, j) => (j === i ? b : x)));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated), (bytes) => {
        try {
          const b = decodeBlock(bytes);
          expect(toHex(encode([encodeHeader(makeHeader({ ...b.header })), b.txs.map((t) => encodeTransfer({ ...t }))]))).toBe(toHex(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(LedgerError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
