/**
 * The coherence wire codec (messages.ts): every message round-trips; malformed input of any kind
 * is a typed error (never another exception); the bounds hold at N and N + 1 (whole message
 * bytes, phases per phase-gossip message).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode, isThermoError, toHex } from '../../../src/core/index.js';
import type { CborValue } from '../../../src/core/index.js';
import { encodeBlock } from '../../../src/ledger/index.js';
import { MAX_MESSAGE_BYTES, MAX_PHASES } from '../../../src/engines/coherence/messages.js';
import { blockMessage, decodeMessage, encodeMessage } from '../../../src/engines/coherence/index.js';
import type { CoherenceMessage } from '../../../src/engines/coherence/index.js';
import { genesisOf, mineOn, testParams, transfer } from './helpers.js';

const p = testParams();
const mined = mineOn(genesisOf(p), p, { txs: [transfer(0, 1, 0), transfer(2, 3, 0)] });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isThermoError(err)) return err.code;
    throw err;
  }
  return 'OK';
}

function phasesMessage(count: number): Uint8Array {
  return encode([3, new Uint8Array(32), new Uint8Array(8 * count)]);
}

describe('coherence messages', () => {
  it('round-trips a block, get-block, a transfer and phases', () => {
    const messages: CoherenceMessage[] = [
      blockMessage(mined.block),
      { t: 'get-block', hash: mined.entry.hash },
      { t: 'tx', tx: transfer(4, 5, 0) },
      { t: 'phases', hash: mined.entry.hash, phases: Float64Array.from([0, 1.5, 6.283185307179585, 5e-324]) },
    ];
    for (const m of messages) {
      const bytes = encodeMessage(m);
      const back = decodeMessage(bytes);
      expect(toHex(encodeMessage(back))).toBe(toHex(bytes));
      expect(back.t).toBe(m.t);
    }
    const block = decodeMessage(encodeMessage(blockMessage(mined.block)));
    expect(block.t === 'block' && block.size).toBe(encodeBlock(mined.block).length);
  });

  it('whole-message cap: MAX_MESSAGE_BYTES passes the size check, one more byte is CODEC_TOO_LARGE', () => {
    expect(codeOf(() => decodeMessage(new Uint8Array(MAX_MESSAGE_BYTES)))).not.toBe('CODEC_TOO_LARGE');
    expect(codeOf(() => decodeMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1)))).toBe('CODEC_TOO_LARGE');
  });

  it(`phase gossip: 1 and ${MAX_PHASES} phases accepted; 0, ${MAX_PHASES + 1} and a partial double refused`, () => {
    expect(codeOf(() => decodeMessage(phasesMessage(1)))).toBe('OK');
    expect(codeOf(() => decodeMessage(phasesMessage(MAX_PHASES)))).toBe('OK');
    expect(codeOf(() => decodeMessage(phasesMessage(0)))).toBe('COHERENCE_MALFORMED');
    expect(codeOf(() => decodeMessage(phasesMessage(MAX_PHASES + 1)))).toBe('COHERENCE_MALFORMED');
    expect(codeOf(() => decodeMessage(encode([3, new Uint8Array(32), new Uint8Array(12)])))).toBe('COHERENCE_MALFORMED');
  });

  it('unknown tags, wrong arity, wrong field types: typed errors', () => {
    const bad: CborValue[] = [
      [9, new Uint8Array(32)],
      [1],
      [1, new Uint8Array(31)],
      [1, new Uint8Array(32), 0],
      [0, 'not bytes'],
      [0, new Uint8Array([1, 2, 3])],
      [2, new Uint8Array(10)],
      [3, new Uint8Array(32)],
      ['block', new Uint8Array(32)],
      { t: 0 },
      7,
    ];
    for (const v of bad) {
      const code = codeOf(() => decodeMessage(encode(v)));
      expect(code, JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `<${x.length} bytes>` : x))).not.toBe('OK');
    }
  });

  it('arbitrary bytes: decode returns a message or throws a typed error, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        codeOf(() => decodeMessage(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary CBOR arrays with a small tag: the same', () => {
    const item: fc.Arbitrary<CborValue> = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.integer(),
      fc.string({ maxLength: 8 }),
      fc.constant(null),
      fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.array(item, { maxLength: 3 }), (tag, rest) => {
        codeOf(() => decodeMessage(encode([tag, ...rest])));
      }),
      { numRuns: 2000 },
    );
  });

  it('a mutated block message never decodes into a block with a different encoding', () => {
    const bytes = encodeMessage(blockMessage(mined.block));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const copy = Uint8Array.from(bytes);
        copy[i] = copy[i]! ^ x;
        let m: CoherenceMessage;
        try {
          m = decodeMessage(copy);
        } catch (err) {
          expect(isThermoError(err)).toBe(true);
          return;
        }
        // Canonical encoding: what decodes re-encodes to exactly the bytes received.
        expect(toHex(encodeMessage(m))).toBe(toHex(copy));
      }),
      { numRuns: 500 },
    );
  });
});
