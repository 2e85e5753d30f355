import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { equalBytes } from '../../../src/core/index.js';
import { blockHash } from '../../../src/ledger/index.js';
import {
  HotStuffError,
  MAX_SYNC_BLOCKS,
  decodeHsMessage,
  encodeHsMessage,
  parseHotStuffParams,
  DEFAULT_HOTSTUFF_PARAMS,
} from '../../../src/engines/hotstuff/index.js';
import type { HsMessage } from '../../../src/engines/hotstuff/index.js';
import { GENESIS, GENESIS_BLOCK, GENESIS_QC, craftBlock, qcFor, transfer } from './helpers.js';
import { signVote } from '../../../src/engines/hotstuff/index.js';
import { validatorKeyPair } from '../../../src/sim/index.js';
import { DEFAULT_BATCH_LIMITS } from '../../../src/protocol/index.js';

const b1 = craftBlock(4, 1, GENESIS_BLOCK, GENESIS, GENESIS_QC, [transfer(0, 0), transfer(1, 0)]);
const qc1 = qcFor(1, b1, [0, 1, 2]);
const h1 = blockHash(b1);

const SAMPLES: readonly HsMessage[] = [
  { t: 'tx', tx: transfer(2, 0) },
  { t: 'proposal', block: b1 },
  { t: 'vote', view: 1, hash: h1, signature: signVote(validatorKeyPair(3), 'thermo-sim', 1, h1) },
  { t: 'new-view', view: 5, qc: qc1, vote: null },
  { t: 'new-view', view: 5, qc: GENESIS_QC, vote: { view: 4, hash: h1, signature: signVote(validatorKeyPair(3), 'thermo-sim', 4, h1) } },
  { t: 'sync-request', fromHeight: 7 },
  { t: 'sync-response', blocks: [b1], qc: qc1 },
  { t: 'sync-response', blocks: [], qc: null },
];

describe('hotstuff codec', () => {
  it('round-trips every message kind to identical bytes', () => {
    for (const m of SAMPLES) {
      const bytes = encodeHsMessage(m);
      const back = decodeHsMessage(bytes);
      expect(back.t).toBe(m.t);
      expect(equalBytes(encodeHsMessage(back), bytes)).toBe(true);
    }
  });

  it('arbitrary bytes: a typed error or a canonical message, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          const m = decodeHsMessage(bytes);
          expect(equalBytes(encodeHsMessage(m), bytes)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(HotStuffError);
          expect((err as HotStuffError).code).toBe('HOTSTUFF_MALFORMED');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid encodings: a typed error or a canonical message', () => {
    const encoded = SAMPLES.map(encodeHsMessage);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: encoded.length - 1 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (k, pos, byte) => {
        const bytes = Uint8Array.from(encoded[k]!);
        bytes[pos % bytes.length] = byte;
        try {
          const m = decodeHsMessage(bytes);
          expect(equalBytes(encodeHsMessage(m), bytes)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(HotStuffError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses QCs with unsorted or repeated voters, and sync answers above MAX_SYNC_BLOCKS', () => {
    const votes = qc1.votes;
    const unsorted = { ...qc1, votes: [votes[1]!, votes[0]!, votes[2]!] };
    expect(() => decodeHsMessage(encodeHsMessage({ t: 'new-view', view: 5, qc: unsorted, vote: null }))).toThrow(HotStuffError);
    const repeated = { ...qc1, votes: [votes[0]!, votes[0]!, votes[2]!] };
    expect(() => decodeHsMessage(encodeHsMessage({ t: 'new-view', view: 5, qc: repeated, vote: null }))).toThrow(HotStuffError);
    const many = Array.from({ length: MAX_SYNC_BLOCKS + 1 }, () => b1);
    expect(decodeHsMessage(encodeHsMessage({ t: 'sync-response', blocks: many.slice(0, MAX_SYNC_BLOCKS), qc: null })).t).toBe('sync-response');
    expect(() => decodeHsMessage(encodeHsMessage({ t: 'sync-response', blocks: many, qc: null }))).toThrow(HotStuffError);
  });
});

describe('hotstuff params', () => {
  it('defaults share the batching defaults with PBFT', () => {
    expect(parseHotStuffParams(null)).toBe(DEFAULT_HOTSTUFF_PARAMS);
    expect(DEFAULT_HOTSTUFF_PARAMS.maxTxsPerBlock).toBe(DEFAULT_BATCH_LIMITS.maxTxsPerBlock);
    expect(DEFAULT_HOTSTUFF_PARAMS.maxBlockBytes).toBe(DEFAULT_BATCH_LIMITS.maxBlockBytes);
  });

  it('refuses unknown fields and out-of-range values with typed errors', () => {
    expect(parseHotStuffParams({ viewTimeoutMs: 10 }).viewTimeoutMs).toBe(10);
    for (const bad of [{ viewTimeoutMs: 9 }, { nope: 1 }, { maxTxsPerBlock: 10_001 }, { batchIntervalMs: 1.5 }, [], 'x']) {
      expect(() => parseHotStuffParams(bad)).toThrow(HotStuffError);
    }
  });
});
