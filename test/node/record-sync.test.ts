/**
 * Store-backed catch-up for the reference engine: requests below the engine's in-memory
 * window are answered from durable `block/<h>` records (at most MAX_SYNC_BLOCKS per request,
 * stopping at the first missing record); requests inside the window and other messages get
 * no answer from the store (the engine answers them).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REFERENCE_PARAMS, KEEP_FINAL_BLOCKS } from '../../src/engines/reference/index.js';
import { encodeFinalRecord } from '../../src/engines/reference/messages.js';
import { devAddress, genesisState, proposeBlock } from '../../src/ledger/index.js';
import { recordSyncServer } from '../../src/node/sync/index.js';

const state = genesisState([{ address: devAddress(0), balance: 10n }]);
const rules = { chainId: 'c', blockReward: 0n, maxTxsPerBlock: 10 };

function record(h: number): Uint8Array {
  const { block } = proposeBlock(state, { height: h, parents: [new Uint8Array(32)], timestamp: h, proposer: devAddress(0), txs: [] }, rules);
  return encodeFinalRecord(block, [{ voter: 0, signature: new Uint8Array(64) }]);
}

describe('reference record sync server', () => {
  const server = recordSyncServer('reference')!;
  const records = new Map<string, Uint8Array>();
  for (let h = 1; h <= 40; h++) records.set(`block/${h}`, record(h));
  const read = (k: string) => records.get(k);
  const engineHeight = 40 + KEEP_FINAL_BLOCKS; // heights 1..40 are out of the engine's memory

  it('answers an old request with up to 16 certified blocks from the records', () => {
    const out = server.answer({ t: 'sync-request', fromHeight: 3 }, engineHeight, read, DEFAULT_REFERENCE_PARAMS) as { t: string; block: { header: { height: number } } }[];
    expect(out.map((m) => m.t)).toEqual(Array(16).fill('sync-block'));
    expect(out.map((m) => m.block.header.height)).toEqual(Array.from({ length: 16 }, (_, i) => 3 + i));
  });

  it('stops at the first missing record and leaves the in-memory window to the engine', () => {
    expect(server.answer({ t: 'sync-request', fromHeight: 35 }, engineHeight, read, DEFAULT_REFERENCE_PARAMS)).toHaveLength(6);
    expect(server.answer({ t: 'sync-request', fromHeight: 5 }, 40, read, DEFAULT_REFERENCE_PARAMS)).toHaveLength(0);
    expect(server.answer({ t: 'sync-request', fromHeight: engineHeight }, engineHeight, read, DEFAULT_REFERENCE_PARAMS)).toHaveLength(0);
  });

  it('follows the keepFinalBlocks parameter', () => {
    const params = { ...DEFAULT_REFERENCE_PARAMS, keepFinalBlocks: 8 };
    expect(server.answer({ t: 'sync-request', fromHeight: 20 }, 40, read, params)).toHaveLength(13); // 20..32 are out of memory
    expect(server.answer({ t: 'sync-request', fromHeight: 33 }, 40, read, params)).toHaveLength(0);
  });

  it('ignores every other message', () => {
    expect(server.answer({ t: 'vote', height: 1, hash: new Uint8Array(32), signature: new Uint8Array(64) }, engineHeight, read, DEFAULT_REFERENCE_PARAMS)).toHaveLength(0);
    expect(recordSyncServer('no-such-engine')).toBeUndefined();
  });
});
