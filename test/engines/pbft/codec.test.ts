import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { equalBytes } from '../../../src/core/index.js';
import { blockHash } from '../../../src/ledger/index.js';
import { DEFAULT_PBFT_PARAMS, PbftError, decodePbftMessage, encodePbftMessage, parsePbftParams } from '../../../src/engines/pbft/index.js';
import type { NewView, PbftMessage } from '../../../src/engines/pbft/index.js';
import { DEFAULT_BATCH_LIMITS } from '../../../src/protocol/index.js';
import { GENESIS, GENESIS_CKPT, G_HEADER, checkpointCert, craftBlock, prePrepare, prepared, transfer, viewChange, vote, votes } from './helpers.js';

const b1 = craftBlock(1, G_HEADER, GENESIS, 0, [transfer(0, 0), transfer(1, 0)]);
const d1 = blockHash(b1.block);
const vc = viewChange(1, 2, checkpointCert(16, b1.block.header, [0, 1, 2]), [prepared(0, 17, b1.block.header, [1, 2])]);
const nv: NewView = { view: 1, viewChanges: [vc, viewChange(1, 3, GENESIS_CKPT, [])], preprepares: [{ seq: 17, digest: d1, signature: vote('pre-prepare', 1, 1, 17, d1) }] };

const SAMPLES: readonly PbftMessage[] = [
  { t: 'tx', tx: transfer(3, 0) },
  prePrepare(0, 1, b1.block),
  { t: 'prepare', view: 0, seq: 1, digest: d1, signature: vote('prepare', 1, 0, 1, d1) },
  { t: 'commit', view: 0, seq: 1, digest: d1, signature: vote('commit', 2, 0, 1, d1) },
  { t: 'checkpoint', seq: 16, digest: d1, signature: vote('checkpoint', 2, 0, 16, d1) },
  { t: 'view-change', vc },
  { t: 'new-view', nv },
  { t: 'fetch-block', digest: d1 },
  { t: 'block', block: b1.block },
  { t: 'sync-request', fromSeq: 9 },
  { t: 'sync-block', block: b1.block, view: 0, commits: votes('commit', [0, 1, 2], 0, 1, d1) },
  { t: 'new-view-request', view: 3 },
];

describe('pbft codec', () => {
  it('round-trips every message kind to identical bytes', () => {
    for (const m of SAMPLES) {
      const bytes = encodePbftMessage(m);
      const back = decodePbftMessage(bytes);
      expect(back.t).toBe(m.t);
      expect(equalBytes(encodePbftMessage(back), bytes)).toBe(true);
    }
  });

  it('arbitrary bytes: a typed error or a canonical message, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          const m = decodePbftMessage(bytes);
          expect(equalBytes(encodePbftMessage(m), bytes)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(PbftError);
          expect((err as PbftError).code).toBe('PBFT_MALFORMED');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid encodings: a typed error or a canonical message', () => {
    const encoded = SAMPLES.map(encodePbftMessage);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: encoded.length - 1 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (k, pos, byte) => {
        const bytes = Uint8Array.from(encoded[k]!);
        bytes[pos % bytes.length] = byte;
        try {
          const m = decodePbftMessage(bytes);
          expect(equalBytes(encodePbftMessage(m), bytes)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(PbftError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses certificates with unsorted or repeated voters', () => {
    const c = votes('commit', [0, 1, 2], 0, 1, d1);
    for (const bad of [[c[1]!, c[0]!, c[2]!], [c[0]!, c[0]!, c[2]!]]) {
      expect(() => decodePbftMessage(encodePbftMessage({ t: 'sync-block', block: b1.block, view: 0, commits: bad }))).toThrow(PbftError);
    }
  });
});

describe('pbft params', () => {
  it('defaults share the batching defaults with HotStuff', () => {
    expect(parsePbftParams(undefined)).toBe(DEFAULT_PBFT_PARAMS);
    expect(DEFAULT_PBFT_PARAMS.maxTxsPerBlock).toBe(DEFAULT_BATCH_LIMITS.maxTxsPerBlock);
    expect(DEFAULT_PBFT_PARAMS.maxBlockBytes).toBe(DEFAULT_BATCH_LIMITS.maxBlockBytes);
  });

  it('refuses unknown fields, out-of-range values and inconsistent windows', () => {
    expect(parsePbftParams({ checkpointInterval: 8, watermarkWindow: 8 }).watermarkWindow).toBe(8);
    for (const bad of [{ checkpointInterval: 8, watermarkWindow: 7 }, { maxInFlight: 65 }, { nope: 1 }, { retransmitMs: 9 }, []]) {
      expect(() => parsePbftParams(bad)).toThrow(PbftError);
    }
  });
});
