/**
 * Validation: a mined block passes; every tampered field fails with its own code; every bound
 * is accepted at N and refused at N + 1; t must be the FIRST coherent step.
 */
import { describe, expect, it } from 'vitest';
import { dmath, f64be, isThermoError, taggedHash } from '../../../src/core/index.js';
import { devKeyPair, encodeBlock, makeBlock, makeHeader, txRoot } from '../../../src/ledger/index.js';
import type { Block, BlockHeader } from '../../../src/ledger/index.js';
import {
  COUPLING,
  DT,
  R2_THRESHOLD,
  checkBlock,
  checkSize,
  hashThreshold,
  initialState,
  mine,
  nextTarget,
  phasesDigest,
  readSeal,
  sealPreimage,
  seedFor,
  targetBytes,
  wrapPhase,
} from '../../../src/engines/coherence/index.js';
import type { ChainEntry, CoherenceParams } from '../../../src/engines/coherence/index.js';
import { genesisOf, mineOn, rulesOf, testParams, transfer } from './helpers.js';

const p = testParams();
const genesis = genesisOf(p);
const NOW = 1_000_000;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isThermoError(err)) return err.code;
    throw err;
  }
  return 'OK';
}

function check(block: Block, parent: ChainEntry = genesis, params: CoherenceParams = p, now = NOW): string {
  return code(() => checkBlock(block, encodeBlock(block).length, parent, now, params, rulesOf(params)));
}

function withConsensus(block: Block, change: Record<string, unknown>): Block {
  const header = makeHeader({ ...block.header, consensus: { ...block.header.consensus, ...change } as BlockHeader['consensus'] });
  return makeBlock(header, block.txs);
}

const mined = mineOn(genesis, p, { txs: [transfer(0, 1, 0)], timestamp: 10_000 });
const seal = readSeal(mined.block.header.consensus);

describe('miner -> validator round trip', () => {
  it('a mined block with a transfer validates, and its post-state pays the proposer', () => {
    expect(check(mined.block)).toBe('OK');
    const out = checkBlock(mined.block, encodeBlock(mined.block).length, genesis, NOW, p, rulesOf(p));
    expect(out.state.balanceOf(devKeyPair(1000).publicKey)).toBe(p.blockReward);
    expect(out.state.supply).toBe(genesis.state.supply + p.blockReward);
    expect(seal.r * seal.r > R2_THRESHOLD || seal.r > Math.sqrt(R2_THRESHOLD)).toBe(true);
  });

  it('a chain of blocks validates link by link', () => {
    let parent = genesis;
    for (let i = 0; i < 4; i++) {
      const b = mineOn(parent, p, { proposer: i });
      expect(check(b.block, parent)).toBe('OK');
      parent = b.entry;
    }
  });
});

describe('each tampered field is refused with its code', () => {
  it('t + 1: an earlier step was already coherent (COHERENCE_T_NOT_FIRST)', () => {
    expect(check(withConsensus(mined.block, { t: seal.t + 1 }))).toBe('COHERENCE_T_NOT_FIRST');
  });
  it('t - 1: not coherent at t (COHERENCE_BAD_T); t above maxSteps (COHERENCE_BAD_T)', () => {
    expect(check(withConsensus(mined.block, { t: seal.t - 1 }))).toBe('COHERENCE_BAD_T');
    expect(check(withConsensus(mined.block, { t: p.maxSteps + 1 }))).toBe('COHERENCE_BAD_T');
  });
  it('r off by one ulp (COHERENCE_BAD_R)', () => {
    const bits = new DataView(new ArrayBuffer(8));
    bits.setFloat64(0, seal.r);
    bits.setUint32(4, bits.getUint32(4) ^ 1);
    expect(check(withConsensus(mined.block, { r: f64be(bits.getFloat64(0)) }))).toBe('COHERENCE_BAD_R');
  });
  it('digest (COHERENCE_BAD_DIGEST)', () => {
    expect(check(withConsensus(mined.block, { digest: new Uint8Array(32) }))).toBe('COHERENCE_BAD_DIGEST');
  });
  it('target (COHERENCE_BAD_TARGET)', () => {
    expect(check(withConsensus(mined.block, { target: targetBytes(seal.target + 1n) }))).toBe('COHERENCE_BAD_TARGET');
  });
  it('nonce (the system no longer matches: COHERENCE_BAD_T, _NOT_FIRST, _R or _DIGEST)', () => {
    expect(check(withConsensus(mined.block, { nonce: seal.nonce + 1 }))).toMatch(/^COHERENCE_(BAD_T|T_NOT_FIRST|BAD_R|BAD_DIGEST)$/);
  });
  it('seal shape: an extra or a missing field (COHERENCE_MALFORMED)', () => {
    expect(check(withConsensus(mined.block, { extra: 1 }))).toBe('COHERENCE_MALFORMED');
    const { digest: _d, ...rest } = mined.block.header.consensus;
    expect(check(makeBlock(makeHeader({ ...mined.block.header, consensus: rest }), mined.block.txs))).toBe('COHERENCE_MALFORMED');
  });
  it('linkage: chain id, parent, height', () => {
    expect(code(() => checkBlock(mined.block, 100, genesis, NOW, p, { ...rulesOf(p), chainId: 'other' }))).toBe('COHERENCE_WRONG_CHAIN');
    const other = mineOn(genesis, p, { proposer: 3 });
    expect(check(mined.block, other.entry)).toBe('COHERENCE_BAD_PARENT');
    expect(check(makeBlock(makeHeader({ ...mined.block.header, height: 2 }), mined.block.txs))).toBe('COHERENCE_BAD_HEIGHT');
  });
  it('transactions: a transfer with a nonce gap (COHERENCE_BAD_TXS), even with a valid seal', () => {
    const bad = transfer(0, 1, 5);
    const target = nextTarget(genesis, p);
    const template = makeHeader({ ...mined.block.header, txRoot: txRoot([bad]), consensus: { target: targetBytes(target) } });
    const r = mine({ template, target, threshold: hashThreshold(target, 256), preset: 63, maxSteps: 1000, startNonce: 0, stride: 1, maxAttempts: 10_000, simAttemptsPerSecond: 1, simSuccessRate: 0.08 });
    expect(check(makeBlock(r.header!, [bad]))).toBe('COHERENCE_BAD_TXS');
  });
  it('the hash above the target (COHERENCE_ABOVE_TARGET) under the full check (hashScaleLog2 = 0)', () => {
    const half = `0x${((1n << 255n) - 1n).toString(16)}`;
    const easy = testParams({ initialTarget: half, hashScaleLog2: 256 });
    const strict = testParams({ initialTarget: half, hashScaleLog2: 0 });
    const g = genesisOf(easy);
    const seen = new Set<string>();
    for (let i = 0; seen.size < 2 && i < 40; i++) {
      const b = mineOn(g, easy, { startNonce: i * 1000, timestamp: 10_000 });
      const high = (b.entry.hash[0]! & 0x80) !== 0;
      expect(check(b.block, genesisOf(strict), strict)).toBe(high ? 'COHERENCE_ABOVE_TARGET' : 'OK');
      seen.add(high ? 'high' : 'low');
    }
    expect(seen.size).toBe(2);
  });
});

describe('t must be the first coherent step', () => {
  /** The reference integration, continued past the first coherent step (what a grinder does). */
  function phasesAt(seedBytes: Uint8Array, steps: number): { r2: number; phases: Float64Array } {
    const n = 63;
    const theta = new Float64Array(n);
    const omega = new Float64Array(n);
    initialState(seedBytes, n, theta, omega);
    let r2 = 0;
    for (let t = 0; ; t++) {
      let sc = 0;
      let ss = 0;
      const c = new Float64Array(n);
      const s = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        c[i] = dmath.cos(theta[i]!);
        s[i] = dmath.sin(theta[i]!);
        sc += c[i]!;
        ss += s[i]!;
      }
      const C = sc / n;
      const S = ss / n;
      r2 = C * C + S * S;
      if (t === steps) return { r2, phases: theta };
      for (let i = 0; i < n; i++) theta[i] = wrapPhase(theta[i]! + DT * (omega[i]! + COUPLING * (S * c[i]! - C * s[i]!)));
    }
  }

  it('a later coherent step, with its own correct r and digest, is refused (COHERENCE_T_NOT_FIRST)', () => {
    const seedBytes = seedFor(sealPreimage(mined.block.header), seal.nonce);
    let later = -1;
    let at: { r2: number; phases: Float64Array } = { r2: 0, phases: new Float64Array(0) };
    for (let s = seal.t + 1; s <= Math.min(p.maxSteps, seal.t + 50); s++) {
      at = phasesAt(seedBytes, s);
      if (at.r2 > R2_THRESHOLD) {
        later = s;
        break;
      }
    }
    expect(later).toBeGreaterThan(seal.t);
    const ground = withConsensus(mined.block, { t: later, r: f64be(Math.sqrt(at.r2)), digest: phasesDigest(at.phases) });
    expect(check(ground)).toBe('COHERENCE_T_NOT_FIRST');
    // The same continuation at the true t reproduces the committed r and digest.
    const same = phasesAt(seedBytes, seal.t);
    expect(Object.is(Math.sqrt(same.r2), seal.r)).toBe(true);
    expect(phasesDigest(same.phases)).toEqual(seal.digest);
  });
});

describe('bounds: accepted at N, refused at N + 1', () => {
  it('future timestamp bound: timestamp = now + maxFutureMs accepted, + 1 refused', () => {
    const ts = 50_000;
    const b = mineOn(genesis, p, { timestamp: ts });
    expect(check(b.block, genesis, p, ts - p.maxFutureMs)).toBe('OK');
    expect(check(b.block, genesis, p, ts - p.maxFutureMs - 1)).toBe('COHERENCE_TIME_TOO_FAR');
  });

  it('median-time-past: timestamp = MTP refused (COHERENCE_TIME_TOO_OLD), MTP + 1 accepted', () => {
    const mtp = genesis.timestamp;
    expect(check(mineOn(genesis, p, { timestamp: mtp }).block)).toBe('COHERENCE_TIME_TOO_OLD');
    expect(check(mineOn(genesis, p, { timestamp: mtp + 1 }).block)).toBe('OK');
  });

  it('encoded body size: maxBlockBytes accepted, + 1 refused (COHERENCE_BODY_TOO_LARGE)', () => {
    expect(code(() => checkSize(mined.block, p.maxBlockBytes, p))).toBe('OK');
    expect(code(() => checkSize(mined.block, p.maxBlockBytes + 1, p))).toBe('COHERENCE_BODY_TOO_LARGE');
    const big = mineOn(genesis, p, { txs: Array.from({ length: 8 }, (_, i) => transfer(i, i + 1, 0)), timestamp: 10_000 }).block;
    const size = encodeBlock(big).length;
    expect(size).toBeGreaterThan(1024);
    expect(check(big, genesis, testParams({ maxBlockBytes: size }))).toBe('OK');
    expect(check(big, genesis, testParams({ maxBlockBytes: size - 1 }))).toBe('COHERENCE_BODY_TOO_LARGE');
  });

  it('transfers per block: maxTxsPerBlock accepted, + 1 refused (COHERENCE_TOO_MANY_TXS)', () => {
    const two = makeBlock(mined.block.header, [transfer(0, 1, 0), transfer(2, 3, 0)]);
    expect(code(() => checkSize(two, 100, testParams({ maxTxsPerBlock: 2 })))).toBe('OK');
    expect(code(() => checkSize(two, 100, testParams({ maxTxsPerBlock: 1 })))).toBe('COHERENCE_TOO_MANY_TXS');
  });

  it('t: maxSteps is the largest step that can be committed', () => {
    const tight = testParams({ maxSteps: seal.t });
    expect(check(mined.block, genesisOf(tight), tight)).toBe('OK');
    const tighter = testParams({ maxSteps: seal.t - 1 });
    expect(check(mined.block, genesisOf(tighter), tighter)).toBe('COHERENCE_BAD_T');
  });
});

describe('the seed binds the whole header', () => {
  it('changing any header field changes the seal preimage', () => {
    const h = mined.block.header;
    const base = sealPreimage(h);
    const variants: BlockHeader[] = [
      makeHeader({ ...h, timestamp: h.timestamp + 1 }),
      makeHeader({ ...h, proposer: devKeyPair(5).publicKey }),
      makeHeader({ ...h, stateRoot: taggedHash('x', h.stateRoot) }),
      makeHeader({ ...h, txRoot: taggedHash('x', h.txRoot) }),
      makeHeader({ ...h, consensus: { ...h.consensus, target: targetBytes(seal.target - 1n) } }),
    ];
    for (const v of variants) expect(sealPreimage(v)).not.toEqual(base);
    // ... but not the outputs: nonce, t, r and digest are not in the preimage.
    expect(sealPreimage(makeHeader({ ...h, consensus: { ...h.consensus, t: 1, digest: new Uint8Array(32) } }))).toEqual(base);
  });
});
