/**
 * Golden vectors: the exact bits of the consensus computation for fixed (header, nonce) seeds.
 * A change here is a hard fork: every node must compute these values. The figures were produced
 * by the reference kernel (src/engines/coherence/kuramoto/reference-kernel.ts) and are checked
 * against it and the fast kernels.
 */
import { describe, expect, it } from 'vitest';
import { dmath, toHex } from '../../../src/core/index.js';
import { devKeyPair, headerHash, proposeBlock } from '../../../src/ledger/index.js';
import {
  COUPLING,
  PHI,
  SIGMA,
  Z_C,
  negentropy,
  nextTarget,
  phasesDigest,
  referenceKernel,
  replay,
  sealPreimage,
  seedFor,
  targetBytes,
} from '../../../src/engines/coherence/index.js';
import { genesisOf, mineOn, rulesOf, testParams } from './helpers.js';

const p = testParams();
const genesis = genesisOf(p);
const target = nextTarget(genesis, p);
const template = proposeBlock(
  genesis.state,
  { height: 1, parents: [genesis.hash], timestamp: 10_000, proposer: devKeyPair(1000).publicKey, txs: [], consensus: { target: targetBytes(target) } },
  rulesOf(p),
).block.header;
const preimage = sealPreimage(template);

const VECTORS = [
  { nonce: 0, success: false, t: 1000, r: '3fe7ff2bca11ef59', digest: '6702337027ae0e5a876ec5acd97aedc37a0d92a5c70bf388f4842f7bcefba6e8' },
  { nonce: 2, success: false, t: 1000, r: '3feab24d6223230c', digest: 'd591a0131f5d59a686b8cdb2204439d319dff69b1db4cf6f9e03cec3ecf9fd34' },
  { nonce: 9, success: true, t: 813, r: '3febb7180fb357f4', digest: '8048450775156adcba4a3a567ba13105d38a60e52ffac96f3f5672fb32a5976c' },
  { nonce: 10, success: true, t: 653, r: '3febb7218e8f670a', digest: 'a11ccbe8ea953032a0c5ff1c6daf44ce322504cc4aa7227a2902de435c4554ee' },
  { nonce: 13, success: true, t: 633, r: '3febb701e18256d0', digest: '5ce3fb5bbfd9aead9d064137a3f0e4e84a74329304cb80e6bb253322a5aeb891' },
] as const;

describe('coherence golden vectors', () => {
  it('constants: K = 2 phi / 3, z_c, sigma, as correctly rounded doubles', () => {
    expect(dmath.bitsHex(PHI)).toBe('3ff9e3779b97f4a8');
    expect(dmath.bitsHex(COUPLING)).toBe(dmath.bitsHex((2 * ((1 + Math.sqrt(5)) / 2)) / 3));
    expect(COUPLING).toBeCloseTo(1.0786893258332633, 15);
    expect(Z_C * Z_C).toBeCloseTo(0.75, 15);
    expect(SIGMA).toBeCloseTo(3.5777087639996634, 15);
    expect(negentropy(Z_C)).toBe(1);
  });

  it('genesis id, first target, seal preimage and seed', () => {
    expect(genesis.hashHex).toBe('1ff9c1e05ec84e0d5629907bb080d985c59361a1d06b89cb619500720bcdfc6c');
    expect(target.toString(16)).toBe('da740da740da740da740da740da740da740da740da740da740da740da740c');
    expect(preimage.length).toBe(196);
    expect(toHex(seedFor(preimage, 0))).toBe('c1ab60f2993283504fe10d888a8713908f3eca70b1bb5afb0f2517aac37bd56c');
  });

  for (const v of VECTORS) {
    it(`nonce ${v.nonce}: t, r and digest (reference kernel and the validator's kernel)`, () => {
      const seed = seedFor(preimage, v.nonce);
      const ref = referenceKernel(seed, 63, 1000);
      expect(ref.success).toBe(v.success);
      expect(ref.t).toBe(v.t);
      expect(dmath.bitsHex(Math.sqrt(ref.r2))).toBe(v.r);
      expect(toHex(phasesDigest(ref.phases))).toBe(v.digest);
      const fast = replay(seed, 63, 1000);
      expect([fast.success, fast.t, dmath.bitsHex(fast.r), toHex(fast.digest)]).toEqual([v.success, v.t, v.r, v.digest]);
    });
  }

  it('the first block mined from nonce 0 is nonce 9, with a pinned block hash', () => {
    const { block } = mineOn(genesis, p, { timestamp: 10_000 });
    expect(block.header.consensus['nonce']).toBe(9);
    expect(block.header.consensus['t']).toBe(813);
    expect(toHex(headerHash(block.header))).toBe('ee13eb7ac533833ab40abf9dd1eaad7e67fe20a4ab563ef697dd5825c22be49e');
  });
});
