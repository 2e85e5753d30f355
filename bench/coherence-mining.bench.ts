/**
 * Parallel mining: how nonce search scales with worker threads (src/node/mining MiningPool),
 * the measured form of the design's honest weakness "work parallelises across nonces".
 * For T = 1 .. cores threads: the pool searches a job whose hash threshold no header can meet
 * (so every nonce is tried and the job ends by exhaustion), on a real block template at N = 63,
 * and reports nonce attempts per second; the baseline is the same search on the main thread
 * (miner.ts `mine`). Best of ROUNDS per T. The load average before the run is printed too: on a
 * shared machine other processes take cores, and the scaling flattens accordingly.
 * Prints ONE JSON line: {"bench":"coherence-mining","machine":{...},"results":{...}}.
 * Run: npx tsx bench/coherence-mining.bench.ts [--quick] [--threads 1,2,4]
 */
import { availableParallelism, loadavg } from 'node:os';
import { devKeyPair, proposeBlock } from '../src/ledger/index.js';
import { genesisEntry, mine, nextTarget, parseCoherenceParams, targetBytes } from '../src/engines/coherence/index.js';
import type { MiningJob, MiningResult } from '../src/engines/coherence/index.js';
import { simGenesis } from '../src/sim/index.js';
import { MiningPool } from '../src/node/mining/index.js';
import { machineInfo } from './machine.js';

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 1 : 3;
const NONCES_PER_THREAD = QUICK ? 300 : 1500;
const threadsArg = process.argv.indexOf('--threads');
const THREADS =
  threadsArg >= 0
    ? (process.argv[threadsArg + 1] ?? '1').split(',').map(Number)
    : Array.from({ length: availableParallelism() }, (_, i) => i + 1);

const p = parseCoherenceParams({ preset: 63 });
const genesis = genesisEntry('thermo-bench', simGenesis(16), p);
const target = nextTarget(genesis, p);
const template = proposeBlock(
  genesis.state,
  { height: 1, parents: [genesis.hash], timestamp: 10_000, proposer: devKeyPair(7).publicKey, txs: [], consensus: { target: targetBytes(target) } },
  { chainId: 'thermo-bench', blockReward: p.blockReward },
).block.header;

function job(startNonce: number, maxAttempts: number): MiningJob {
  return {
    template,
    target,
    threshold: -1n, // no hash passes: every nonce is tried
    preset: 63,
    maxSteps: 1000,
    startNonce,
    stride: 1,
    maxAttempts,
    simAttemptsPerSecond: p.simAttemptsPerSecond,
    simSuccessRate: p.simSuccessRate,
  };
}

function runPool(pool: MiningPool, j: MiningJob): Promise<MiningResult> {
  return new Promise((resolve, reject) => pool.start('bench', j, (r) => resolve(r as MiningResult), reject));
}

const load = loadavg();
const results: Record<string, unknown> = {};
let nonce = 0;

// Baseline: the engine's own search on this thread.
{
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const out = mine(job(nonce, NONCES_PER_THREAD));
    nonce += NONCES_PER_THREAD;
    best = Math.max(best, out.attempts / ((performance.now() - t0) / 1000));
  }
  results['mainThread'] = { attemptsPerSec: Math.round(best) };
  process.stderr.write(`[coherence-mining] main thread ${Math.round(best)} attempts/s\n`);
}

const base = (results['mainThread'] as { attemptsPerSec: number }).attemptsPerSec;
for (const t of THREADS) {
  const pool = new MiningPool({ threads: t });
  // Warm-up: each worker compiles its kernel and the JIT settles.
  await runPool(pool, job(nonce, 20 * t));
  nonce += 20 * t;
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const n = NONCES_PER_THREAD * t;
    const t0 = performance.now();
    const out = await runPool(pool, job(nonce, n));
    nonce += n;
    best = Math.max(best, out.attempts / ((performance.now() - t0) / 1000));
  }
  await pool.stop();
  results[`threads${t}`] = { attemptsPerSec: Math.round(best), speedupVsMainThread: Math.round((best / base) * 100) / 100 };
  process.stderr.write(`[coherence-mining] ${t} thread(s) ${Math.round(best)} attempts/s\n`);
}

console.log(JSON.stringify({ bench: 'coherence-mining', machine: machineInfo(), loadavgBefore: load.map((x) => Math.round(x * 100) / 100), preset: 63, results }));
