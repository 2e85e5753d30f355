import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/core/index.js';
import { genesisSuperBlock } from '../../../src/engines/negentropy/index.js';
import { decodeNegMessage, encodeNegMessage, getBit } from '../../../src/engines/negentropy/messages.js';
import type { NegMessage } from '../../../src/engines/negentropy/messages.js';
import { CHAIN, genesis, genesisBlock, transfer, vertex } from './helpers.js';

function roundTrip(m: NegMessage): NegMessage {
  const bytes = encodeNegMessage(m);
  const back = decodeNegMessage(bytes);
  expect(encodeNegMessage(back)).toEqual(bytes);
  return back;
}

describe('wire codec', () => {
  it('round-trips every message kind', () => {
    const v = vertex(0, [genesisBlock()], [transfer(1, 0)]);
    expect(roundTrip({ t: 'vertex', block: v }).t).toBe('vertex');
    const q = roundTrip({ t: 'query', poll: 7, keys: new Uint8Array(56).fill(3) });
    expect(q.t === 'query' && q.keys.length).toBe(56);
    const r = roundTrip({ t: 'reply', poll: 7, agree: Uint8Array.of(1), unknown: Uint8Array.of(2), other: [{ index: 2, value: new Uint8Array(16).fill(9) }], sb: 4 });
    expect(r.t === 'reply' && getBit(r.agree, 0) && getBit(r.unknown, 1) && r.sb === 4).toBe(true);
    roundTrip({ t: 'want', items: new Uint8Array(28) });
    roundTrip({ t: 'txs', txs: [transfer(2, 0), transfer(3, 1)] });
    roundTrip({ t: 'want-ids', kind: 'vertex', ids: [new Uint8Array(32)] });
    roundTrip({ t: 'want-ids', kind: 'tx', ids: [] });
    roundTrip({ t: 'sb-candidate', header: genesisSuperBlock(CHAIN, genesis()), ids: [new Uint8Array(32)] });
    roundTrip({ t: 'sync-request', from: 3 });
    roundTrip({ t: 'sync', headers: [genesisSuperBlock(CHAIN, genesis())], cuts: [[]], snapshot: null });
  });

  it.each([
    ['unknown tag', encode([99, 1])],
    ['wrong arity', encode([1, 7])],
    ['keys not a multiple of 28 bytes', encode([1, 7, new Uint8Array(27)])],
    ['bitmaps of different length', encode([2, 1, new Uint8Array(1), new Uint8Array(2), [], 0])],
    ['bad want-ids kind', encode([5, 2, []])],
    ['sync with a cut missing', encode([8, [], [[]], null])],
    ['not CBOR', Uint8Array.of(0xff, 0x00)],
  ])('refuses %s with NEG_MALFORMED', (_what, bytes) => {
    expect(() => decodeNegMessage(bytes)).toThrowError(expect.objectContaining({ type: expect.objectContaining({ code: 'NEG_MALFORMED' }) }));
  });
});
