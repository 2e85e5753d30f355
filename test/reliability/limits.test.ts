/**
 * Bounds at N (accepted) and N+1 (refused) that no other test file checks at the exact value
 * (docs/reliability-cluster.md, "Limits table", lists every bound and the test of each).
 */
import { describe, expect, it } from 'vitest';
import { CodecError, DEFAULT_MAX_ENCODED_BYTES, decode, encode, isThermoError } from '../../src/core/index.js';
import {
  MAX_BLOCK_BYTES,
  MAX_CHAIN_ID_LENGTH,
  MAX_TXS_PER_BLOCK,
  decodeBlock,
  devKeyPair,
  encodeBlock,
  makeBlock,
  proposeBlock,
  signTransfer,
} from '../../src/ledger/index.js';
import { BATCH_BODY_LIMIT, MAX_RANGE_LIMIT, buildApi } from '../../src/node/api/index.js';
import type { ApiOptions } from '../../src/node/api/index.js';
import { MAX_GENESIS_ACCOUNTS, MAX_VALIDATORS, parseGenesis } from '../../src/node/genesis.js';
import { SIM_CHAIN_ID, simGenesis } from '../../src/sim/index.js';
import { FakeBackend } from '../node/fake-backend.js';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (!isThermoError(err)) throw err;
    return err.code;
  }
}

describe('core codec: DEFAULT_MAX_ENCODED_BYTES', () => {
  it('an item of exactly N bytes decodes; N+1 is CODEC_TOO_LARGE before any parsing', () => {
    const N = DEFAULT_MAX_ENCODED_BYTES;
    // A byte string with a 5-byte header (0x5a + u32 length) fills N bytes exactly.
    const atN = encode(new Uint8Array(N - 5));
    expect(atN.length).toBe(N);
    expect((decode(atN) as Uint8Array).length).toBe(N - 5);
    const over = encode(new Uint8Array(N - 4));
    expect(over.length).toBe(N + 1);
    let err: unknown = null;
    try {
      decode(over);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).type).toEqual({ code: 'CODEC_TOO_LARGE', size: N + 1, max: N });
  });
});

describe('ledger bounds', () => {
  it('MAX_CHAIN_ID_LENGTH: a chain id of N characters signs and encodes; N+1 is refused', () => {
    const sign = (chainId: string) => signTransfer(devKeyPair(0), { chainId, to: devKeyPair(1).publicKey, amount: 1n, nonce: 0 });
    expect(sign('c'.repeat(MAX_CHAIN_ID_LENGTH)).chainId.length).toBe(MAX_CHAIN_ID_LENGTH);
    expect(codeOf(() => sign('c'.repeat(MAX_CHAIN_ID_LENGTH + 1)))).toMatch(/^LEDGER_/);
  });

  it('MAX_TXS_PER_BLOCK: a block of N transfers is made, encoded and decoded; N+1 is LEDGER_TOO_MANY_TXS', () => {
    const genesis = simGenesis(8);
    const t = signTransfer(devKeyPair(0), { chainId: SIM_CHAIN_ID, to: devKeyPair(1).publicKey, amount: 1n, nonce: 0 });
    const header = proposeBlock(genesis, { height: 1, parents: [new Uint8Array(32)], timestamp: 1, proposer: devKeyPair(9).publicKey, txs: [], consensus: {} }, { chainId: SIM_CHAIN_ID, blockReward: 0n }).block.header;
    // The same transfer N times: the count bound is checked on the shape, before any execution.
    const atN = makeBlock(header, Array.from({ length: MAX_TXS_PER_BLOCK }, () => t));
    const bytes = encodeBlock(atN);
    expect(decodeBlock(bytes).txs.length).toBe(MAX_TXS_PER_BLOCK);
    expect(codeOf(() => makeBlock(header, Array.from({ length: MAX_TXS_PER_BLOCK + 1 }, () => t)))).toBe('LEDGER_TOO_MANY_TXS');
    expect(codeOf(() => encodeBlock({ ...atN, txs: [...atN.txs, t] }))).toBe('LEDGER_TOO_MANY_TXS');
  });

  it('MAX_BLOCK_BYTES: N bytes pass the size check (then fail as garbage); N+1 is LEDGER_TOO_LARGE unread', () => {
    const atN = new Uint8Array(MAX_BLOCK_BYTES).fill(0xff);
    const codeN = codeOf(() => decodeBlock(atN));
    expect(codeN).not.toBeNull();
    expect(codeN).not.toBe('LEDGER_TOO_LARGE');
    expect(codeOf(() => decodeBlock(new Uint8Array(MAX_BLOCK_BYTES + 1)))).toBe('LEDGER_TOO_LARGE');
  });
});

const apiOptions: ApiOptions = { bodyLimit: 1024, rateLimit: { perSecond: 1e9, burst: 1e9 }, maxSseClients: 2, statusEventMs: 0, dashboardDir: '/nonexistent' };

describe('API bounds', () => {
  it('MAX_RANGE_LIMIT: GET /blocks?limit=N asks the store for N entries; N+1 is clamped to N', async () => {
    const backend = new FakeBackend();
    const asked: number[] = [];
    const orig = backend.finalizedRange.bind(backend);
    backend.finalizedRange = (from: number, limit: number) => {
      asked.push(limit);
      return orig(from, limit);
    };
    const api = buildApi(backend, apiOptions);
    try {
      expect((await api.app.inject({ method: 'GET', url: `/blocks?from=0&limit=${MAX_RANGE_LIMIT}` })).statusCode).toBe(200);
      expect((await api.app.inject({ method: 'GET', url: `/blocks?from=0&limit=${MAX_RANGE_LIMIT + 1}` })).statusCode).toBe(200);
      expect(asked).toEqual([MAX_RANGE_LIMIT, MAX_RANGE_LIMIT]);
      // Five digits are refused by the schema (400), whatever the value.
      expect((await api.app.inject({ method: 'GET', url: '/blocks?from=0&limit=10000' })).statusCode).toBe(400);
    } finally {
      await api.close();
    }
  });

  it('BATCH_BODY_LIMIT: a POST /txs/batch body of N bytes is read; N+1 is 413 BODY_TOO_LARGE', async () => {
    const api = buildApi(new FakeBackend(), apiOptions);
    try {
      const bodyOf = (size: number): string => {
        const head = '{"txs":["';
        const tail = '"]}';
        const fill = size - head.length - tail.length;
        return `${head}${'ab'.repeat(Math.floor(fill / 2))}${'a'.repeat(fill % 2)}${tail}`;
      };
      const atN = bodyOf(BATCH_BODY_LIMIT);
      expect(atN.length).toBe(BATCH_BODY_LIMIT);
      const r1 = await api.app.inject({ method: 'POST', url: '/txs/batch', payload: atN, headers: { 'content-type': 'application/json' } });
      expect(r1.statusCode).toBe(400); // read and validated (one oversized hex item), not refused for size
      expect(r1.json().error.code).not.toBe('BODY_TOO_LARGE');
      const r2 = await api.app.inject({ method: 'POST', url: '/txs/batch', payload: bodyOf(BATCH_BODY_LIMIT + 1), headers: { 'content-type': 'application/json' } });
      expect(r2.statusCode).toBe(413);
      expect(r2.json().error.code).toBe('BODY_TOO_LARGE');
    } finally {
      await api.close();
    }
  });
});

describe('genesis bounds', () => {
  it('MAX_VALIDATORS: a genesis with N validators parses; N+1 is refused', () => {
    const key = (i: number): string => i.toString(16).padStart(64, '0');
    const genesis = (n: number) => ({ chainId: 'limits', engine: 'pbft', epochMs: 1, validators: Array.from({ length: n }, (_, i) => key(i + 1)), devAccounts: { count: 1, balance: '1' } });
    expect(parseGenesis(genesis(MAX_VALIDATORS)).validators.length).toBe(MAX_VALIDATORS);
    expect(() => parseGenesis(genesis(MAX_VALIDATORS + 1))).toThrow(/validators/);
  });

  it('MAX_GENESIS_ACCOUNTS: a genesis with N accounts parses (~10 s: N state-tree inserts); N+1 is refused by the schema', () => {
    const key = (i: number): string => i.toString(16).padStart(64, '0');
    const accounts = Array.from({ length: MAX_GENESIS_ACCOUNTS }, (_, i) => ({ address: key(i + 7), balance: '1' }));
    const genesis = (list: typeof accounts) => ({ chainId: 'limits', engine: 'pbft', epochMs: 1, validators: [key(1)], accounts: list });
    expect(() => parseGenesis(genesis([...accounts, { address: key(3), balance: '1' }]))).toThrow(/accounts/);
    expect(parseGenesis(genesis(accounts)).state.accountCount).toBe(MAX_GENESIS_ACCOUNTS);
  }, 120_000);
});
