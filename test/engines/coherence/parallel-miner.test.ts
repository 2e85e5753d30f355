/**
 * src/node/mining: the worker-thread pool finds valid blocks, its lanes cover a job's nonces
 * exactly once, it reports exhaustion with the job's attempt count, and cancel stops a job.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { devKeyPair, proposeBlock } from '../../../src/ledger/index.js';
import type { BlockHeader } from '../../../src/ledger/index.js';
import { MAX_TARGET, checkSimulation, createKernel, hashThreshold, mine, nextTarget, readSeal, targetBytes } from '../../../src/engines/coherence/index.js';
import type { MiningJob, MiningResult } from '../../../src/engines/coherence/index.js';
import { MiningPool, asMiningJob, searchLane } from '../../../src/node/mining/index.js';
import { genesisOf, rulesOf, testParams } from './helpers.js';

const p = testParams();
const genesis = genesisOf(p);
const target = nextTarget(genesis, p);
const template: BlockHeader = proposeBlock(
  genesis.state,
  { height: 1, parents: [genesis.hash], timestamp: 10_000, proposer: devKeyPair(1000).publicKey, txs: [], consensus: { target: targetBytes(target) } },
  rulesOf(p),
).block.header;

function job(overrides: Partial<MiningJob> = {}): MiningJob {
  return {
    template,
    target,
    threshold: hashThreshold(target, p.hashScaleLog2),
    preset: p.preset,
    maxSteps: p.maxSteps,
    startNonce: 0,
    stride: 1,
    maxAttempts: 400,
    simAttemptsPerSecond: p.simAttemptsPerSecond,
    simSuccessRate: p.simSuccessRate,
    ...overrides,
  };
}

function run(pool: MiningPool, jobId: string, j: MiningJob): Promise<MiningResult> {
  return new Promise((resolve, reject) => pool.start(jobId, j, (r) => resolve(r as MiningResult), reject));
}

describe('search lanes', () => {
  it('W lanes together try each nonce of the job exactly once', () => {
    const kernel = createKernel(p.preset, 'js');
    // threshold -1: no hash passes, so every lane runs out and reports its attempts.
    const j = job({ threshold: -1n, maxAttempts: 23, maxSteps: 5, startNonce: 7 });
    let total = 0;
    for (let lane = 0; lane < 4; lane++) {
      const out = searchLane(j, lane, 4, kernel, () => false);
      expect(out.header).toBeNull();
      expect(out.attempts).toBe([0, 1, 2, 3].includes(lane) ? Math.ceil((23 - lane) / 4) : 0);
      total += out.attempts;
    }
    expect(total).toBe(23);
  });

  it('one lane finds the same block as the engine miner', () => {
    const kernel = createKernel(p.preset, 'js');
    const a = searchLane(job(), 0, 1, kernel, () => false);
    const b = mine(job());
    expect(a.header).not.toBeNull();
    expect(readSeal(a.header!.consensus)).toEqual(readSeal(b.header!.consensus));
  });

  it('stops before the next nonce when asked', () => {
    const kernel = createKernel(p.preset, 'js');
    let polls = 0;
    const out = searchLane(job({ threshold: -1n }), 0, 1, kernel, () => ++polls > 3);
    expect(out.stopped).toBe(true);
    expect(out.attempts).toBe(3);
  });

  it('asMiningJob refuses malformed jobs with a typed error', () => {
    expect(() => asMiningJob(null)).toThrow(/MINING_BAD_JOB/);
    expect(() => asMiningJob({ ...job(), target: 5 })).toThrow(/MINING_BAD_JOB/);
    expect(() => asMiningJob({ ...job(), maxAttempts: -1 })).toThrow(/MINING_BAD_JOB/);
    expect(asMiningJob(job()).maxAttempts).toBe(400);
  });
});

describe('MiningPool (worker threads)', () => {
  const pool = new MiningPool({ threads: 2 });
  afterAll(() => pool.stop());

  it('mines a block that passes the replay check', async () => {
    const r = await run(pool, 'a', job({ threshold: MAX_TARGET }));
    expect(r.header).not.toBeNull();
    const seal = readSeal(r.header!.consensus);
    expect(() => checkSimulation(r.header!, seal, p)).not.toThrow();
    expect(r.coherent).toBeGreaterThanOrEqual(1);
  });

  it('reports exhaustion with attempts = maxAttempts when no hash passes', async () => {
    const r = await run(pool, 'b', job({ threshold: -1n, maxAttempts: 10, maxSteps: 20 }));
    expect(r.header).toBeNull();
    expect(r.attempts).toBe(10);
  });

  it('a cancelled job never reports; the next job runs', async () => {
    let reported = false;
    pool.start('c', job({ threshold: -1n, maxAttempts: 100_000 }), () => (reported = true), () => (reported = true));
    pool.cancel('c');
    const r = await run(pool, 'd', job({ threshold: MAX_TARGET }));
    expect(r.header).not.toBeNull();
    expect(reported).toBe(false);
  });
});
