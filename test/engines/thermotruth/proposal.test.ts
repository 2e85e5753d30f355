/**
 * Proposal validation: every kind of bad input is refused with its own code (cheap checks
 * first), the wire codec round-trips, and hashcash behaves at its bounds.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_DIMENSION,
  TtError,
  checkPow,
  decodeProposal,
  decodeTtMessage,
  encodeProposal,
  encodeTtMessage,
  leadingZeroBits,
  searchPow,
  signProposal,
  validateProposal,
  vectorToBytes,
} from '../../../src/engines/thermotruth/index.js';
import type { Proposal, ProposalRules } from '../../../src/engines/thermotruth/index.js';
import { validatorKeyPair } from '../../../src/sim/index.js';
import { BITS, CHAIN, GOOD, VALIDATORS, badPow, badSignature, body, mined } from './helpers.js';

const RULES: ProposalRules = {
  chainId: CHAIN,
  epoch: 1,
  validators: VALIDATORS,
  dimension: 8,
  maxAbs: 1e12,
  powBits: BITS,
  previousClock: () => undefined,
};

function codeOf(p: Proposal, rules: ProposalRules = RULES): string {
  try {
    validateProposal(p, rules);
    return 'ok';
  } catch (err) {
    if (err instanceof TtError) return err.code;
    throw err;
  }
}

describe('proposal validation', () => {
  it('accepts a valid proposal and returns its vector', () => {
    const p = mined(body(2, GOOD));
    expect(validateProposal(p, RULES)).toEqual(GOOD);
  });

  const cases: [string, () => Proposal, string][] = [
    ['bad PoW', () => badPow(body(2, GOOD)), 'TT_BAD_POW'],
    ['bad signature', () => badSignature(mined(body(2, GOOD))), 'TT_BAD_SIGNATURE'],
    ['signed by another validator', () => mined(body(2, GOOD), BITS, 3), 'TT_BAD_SIGNATURE'],
    ['wrong dimension (7 of 8)', () => mined(body(2, GOOD.slice(1))), 'TT_WRONG_DIMENSION'],
    ['wrong dimension (9 of 8)', () => mined(body(2, [...GOOD, 1])), 'TT_WRONG_DIMENSION'],
    ['NaN component', () => mined(body(2, [...GOOD.slice(0, 7), Number.NaN])), 'TT_NAN'],
    ['+Infinity component', () => mined(body(2, [Number.POSITIVE_INFINITY, ...GOOD.slice(1)])), 'TT_INFINITE'],
    ['-Infinity component', () => mined(body(2, [Number.NEGATIVE_INFINITY, ...GOOD.slice(1)])), 'TT_INFINITE'],
    ['oversized vector (MAX_DIMENSION + 1 components)', () => mined(body(2, new Array<number>(MAX_DIMENSION + 1).fill(0.5))), 'TT_OVERSIZED'],
    ['component beyond maxAbs', () => mined(body(2, [2e12, ...GOOD.slice(1)])), 'TT_OUT_OF_RANGE'],
    ['wrong epoch', () => mined(body(2, GOOD, 2)), 'TT_WRONG_EPOCH'],
    ['unknown validator index', () => ({ ...mined(body(2, GOOD)), proposer: 9 }), 'TT_UNKNOWN_PROPOSER'],
    ['vector clock: own entry is not the epoch', () => mined({ ...body(2, GOOD), vclock: [0, 0, 0, 0] }), 'TT_BAD_VCLOCK'],
    ['vector clock: wrong length', () => mined({ ...body(2, GOOD), vclock: [0, 0, 1] }), 'TT_BAD_VCLOCK'],
  ];
  for (const [name, make, code] of cases) {
    it(`refuses ${name}: ${code}`, () => {
      expect(codeOf(make())).toBe(code);
    });
  }

  it('oversized is checked at N + 1 components, not at N = MAX_DIMENSION', () => {
    const rules = { ...RULES, dimension: MAX_DIMENSION };
    expect(codeOf(mined(body(2, new Array<number>(MAX_DIMENSION).fill(0.5))), rules)).toBe('ok');
    expect(codeOf(mined(body(2, new Array<number>(MAX_DIMENSION + 1).fill(0.5))), rules)).toBe('TT_OVERSIZED');
  });

  it('maxAbs is inclusive: |x| = maxAbs passes, the next double fails', () => {
    const rules = { ...RULES, maxAbs: 4 };
    expect(codeOf(mined(body(2, [4, -4, ...GOOD.slice(2)])), rules)).toBe('ok');
    expect(codeOf(mined(body(2, [4.000000000000001, ...GOOD.slice(1)])), rules)).toBe('TT_OUT_OF_RANGE');
  });

  it('vector clocks must be monotone per proposer across finalized epochs', () => {
    const previous = [0, 0, 1, 3];
    const rules = { ...RULES, epoch: 5, previousClock: (p: number) => (p === 2 ? previous : undefined) };
    const ok = mined({ ...body(2, GOOD, 5), vclock: [0, 0, 5, 3] });
    expect(codeOf(ok, rules)).toBe('ok');
    const back = mined({ ...body(2, GOOD, 5), vclock: [0, 0, 5, 2] });
    expect(codeOf(back, rules)).toBe('TT_BAD_VCLOCK');
    const future = mined({ ...body(2, GOOD, 5), vclock: [0, 5, 5, 3] });
    expect(codeOf(future, rules)).toBe('TT_BAD_VCLOCK');
  });

  it('a minted identity signs with its own key; without PoW (0 bits) any nonce passes', () => {
    const kp = validatorKeyPair(99);
    const b = { ...body(0, GOOD), proposer: -1, key: kp.publicKey, vclock: [0, 0, 0, 0] };
    const p = signProposal(CHAIN, b, 0, kp);
    expect(codeOf(p, { ...RULES, powBits: 0 })).toBe('ok');
    expect(codeOf(p, { ...RULES, powBits: 24 })).toBe('TT_BAD_POW');
  });
});

describe('proposal and message codec', () => {
  it('round-trips a proposal bit for bit (vectors travel as IEEE bytes: -0 and NaN survive)', () => {
    const p = mined(body(1, [-0, ...GOOD.slice(1)]));
    const q = decodeProposal(encodeProposal(p));
    expect(Object.is(new DataView(q.vector.buffer).getFloat64(0), -0)).toBe(true);
    expect(encodeProposal(q)).toEqual(encodeProposal(p));
    const nan = mined(body(1, [Number.NaN, ...GOOD.slice(1)]));
    expect(codeOf(decodeProposal(encodeProposal(nan)))).toBe('TT_NAN');
  });

  it('round-trips a proposal message and refuses garbage with TT_MALFORMED', () => {
    const p = mined(body(3, GOOD));
    const m = decodeTtMessage(encodeTtMessage({ t: 'proposal', round: 2, proposal: p, txs: [], highQC: null }));
    expect(m.t).toBe('proposal');
    if (m.t === 'proposal') expect(encodeProposal(m.proposal)).toEqual(encodeProposal(p));
    expect(() => decodeTtMessage(Uint8Array.of(0x82, 0x09, 0x00))).toThrow(expect.objectContaining({ code: 'TT_MALFORMED' }));
    expect(() => decodeTtMessage(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'TT_MALFORMED' }));
  });

  it('a vector beyond the decoder cap (4 x MAX_DIMENSION components) does not decode', () => {
    const huge = { ...mined(body(3, GOOD)), vector: vectorToBytes(new Array<number>(4 * MAX_DIMENSION + 1).fill(1)) };
    expect(() => decodeProposal(encodeProposal(huge))).toThrow(expect.objectContaining({ code: 'TT_MALFORMED' }));
  });
});

describe('hashcash', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(Uint8Array.of(0, 0, 0x80))).toBe(16);
    expect(leadingZeroBits(Uint8Array.of(0, 0x01))).toBe(15);
    expect(leadingZeroBits(Uint8Array.of(0xff))).toBe(0);
    expect(leadingZeroBits(new Uint8Array(4))).toBe(32);
  });

  it('finds the first nonce meeting the target, and that nonce checks', () => {
    const digest = new Uint8Array(32).fill(7);
    const r = searchPow({ digest, bits: 10 });
    expect(checkPow(digest, r.nonce, 10)).toBe(true);
    for (let k = 0; k < r.nonce; k++) expect(checkPow(digest, k, 10)).toBe(false);
    expect(r.attempts).toBe(r.nonce + 1);
    expect(searchPow({ digest, bits: 0 })).toEqual({ nonce: 0, attempts: 0 });
    expect(searchPow({ digest, bits: 30 }, 5)).toEqual({ nonce: -1, attempts: 5 });
  });
});
