/**
 * Proof-of-Coherence measurements (docs/protocols/coherence.md quotes this output):
 *   success   fraction of nonces whose system reaches r^2 > 3/4 within 1000 steps, with a 95%
 *             Wilson interval, and the distribution of the first coherent step t (per preset)
 *   accept    the acceptance run: 100 miners on the SimBlock region matrix, 20 seeds, ASERT:
 *             finalized blocks, block interval, invariant violations
 *   difficulty 100 miners whose real hash power is double / half what the initial target
 *             assumes, under the design's retarget and under ASERT: interval mean and spread,
 *             early and late
 *   orphans   orphan (stale block) rate against the target block interval
 *   selfish   one Eyal-Sirer selfish miner with 25% and 33% of the hash power: its share of the
 *             main chain, reorg depths, invariant violations (finality conflicts)
 * Prints ONE JSON line: {"bench":"coherence-sim","machine":{...},"results":{...}}; progress on
 * stderr. Run: npx tsx bench/coherence-sim.bench.ts [--quick] [--only success,accept,...]
 */
import { toHex } from '../src/core/index.js';
import { devKeyPair, proposeBlock } from '../src/ledger/index.js';
import { eraseDefinition } from '../src/protocol/index.js';
import type { EngineContext, ErasedEngineDefinition } from '../src/protocol/index.js';
import { runScenario } from '../src/sim/index.js';
import type { ScenarioInput, SimResult } from '../src/sim/index.js';
import { CoherenceEngine, SimdKernel, coherenceDefinition, genesisEntry, nextTarget, parseCoherenceParams, sealPreimage, seedFor, targetBytes } from '../src/engines/coherence/index.js';
import type { ChainEntry, CoherenceParams } from '../src/engines/coherence/index.js';
import { simGenesis, validatorKeyPair } from '../src/sim/index.js';
import { machineInfo } from './machine.js';

const QUICK = process.argv.includes('--quick');
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : null;
const want = (s: string): boolean => ONLY === null || ONLY.has(s);
const log = (msg: string): void => {
  process.stderr.write(`[coherence-sim] ${msg}\n`);
};

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sd = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
};
const pct = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

/** Wilson score interval for k successes in n trials, 95%. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [c - h, c + h];
}

// ---------------------------------------------------------------------------------------------
// success rate and t distribution
// ---------------------------------------------------------------------------------------------

function successRate(n: number, nonces: number): Record<string, unknown> {
  // Seeds from a real block template (the consensus seed rule), nonces 0 .. nonces-1.
  const p = parseCoherenceParams({ preset: n });
  const genesis = genesisEntry('thermo-bench', simGenesis(16), p);
  const target = nextTarget(genesis, p);
  const template = proposeBlock(
    genesis.state,
    { height: 1, parents: [genesis.hash], timestamp: 10_000, proposer: devKeyPair(7).publicKey, txs: [], consensus: { target: targetBytes(target) } },
    { chainId: 'thermo-bench', blockReward: p.blockReward },
  ).block.header;
  const preimage = sealPreimage(template);
  const k = new SimdKernel(n);
  const ts: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < nonces; i++) {
    const out = k.run(seedFor(preimage, i), 1000);
    if (out.success) ts.push(out.t);
  }
  const secs = (performance.now() - t0) / 1000;
  const [lo, hi] = wilson(ts.length, nonces);
  const hist: Record<string, number> = {};
  for (let b = 0; b < 1000; b += 100) hist[`${b}-${b + 99}`] = ts.filter((t) => t >= b && t < b + 100).length;
  hist['1000'] = ts.filter((t) => t === 1000).length;
  return {
    nonces,
    successes: ts.length,
    rate: round(ts.length / nonces, 5),
    ci95: [round(lo, 5), round(hi, 5)],
    t: ts.length === 0 ? null : { min: Math.min(...ts), p10: pct(ts, 0.1), p25: pct(ts, 0.25), p50: pct(ts, 0.5), p75: pct(ts, 0.75), p90: pct(ts, 0.9), max: Math.max(...ts), mean: round(mean(ts), 1) },
    tHistogram: hist,
    nonceAttemptsPerSec: Math.round(nonces / secs),
  };
}

// ---------------------------------------------------------------------------------------------
// simulations
// ---------------------------------------------------------------------------------------------

interface Captured {
  readonly engines: CoherenceEngine[];
  readonly definition: ErasedEngineDefinition;
}

/** The coherence definition, keeping a reference to every engine it creates. */
function capturing(): Captured {
  const engines: CoherenceEngine[] = [];
  const d = coherenceDefinition;
  const definition = eraseDefinition({
    ...d,
    create: (ctx: EngineContext<CoherenceParams>) => {
      const e = new CoherenceEngine(ctx, 'honest');
      engines[ctx.self] = e;
      return e;
    },
    adversaries: Object.freeze({
      selfish: (ctx: EngineContext<CoherenceParams>) => {
        const e = new CoherenceEngine(ctx, 'selfish');
        engines[ctx.self] = e;
        return e;
      },
    }),
  });
  return { engines, definition };
}

/** Node `i`'s best chain, genesis excluded, oldest first. */
function bestChain(e: CoherenceEngine): ChainEntry[] {
  const out: ChainEntry[] = [];
  let cur: ChainEntry | undefined = e.headEntry();
  while (cur !== undefined && cur.block !== null) {
    out.push(cur);
    cur = e.entry(toHex(cur.block.header.parents[0]!));
  }
  return out.reverse();
}

interface RunStats {
  readonly seed: number;
  readonly wallS: number;
  readonly violations: number;
  readonly engineErrors: number;
  readonly penalties: number;
  readonly finalizedMin: number;
  readonly mainChain: number;
  readonly minedTotal: number;
  readonly orphanRate: number;
  readonly intervalMeanS: number;
  readonly intervalSdS: number;
  readonly intervals: readonly number[];
  readonly proposers: readonly string[];
  readonly maxReorgDepth: number;
  readonly result: SimResult;
}

function simulate(input: ScenarioInput, observer = 1): RunStats {
  const cap = capturing();
  const t0 = performance.now();
  const result = runScenario(input, { resolve: () => cap.definition });
  const wallS = (performance.now() - t0) / 1000;
  const chain = bestChain(cap.engines[observer]!);
  const times = [0, ...chain.map((c) => c.timestamp)];
  const intervals = times.slice(1).map((t, i) => (t - times[i]!) / 1000);
  const honest = result.perNode.filter((n) => n.honest);
  const minedTotal = result.perNode.reduce((a, n) => a + (n.status?.telemetry['mined'] ?? 0), 0);
  return {
    seed: input.seed ?? 1,
    wallS: round(wallS, 1),
    violations: result.summary.safety_violations,
    engineErrors: result.summary.engine_errors,
    penalties: result.summary.penalties,
    finalizedMin: Math.min(...honest.map((n) => n.status?.telemetry['finalizedHeight'] ?? 0)),
    mainChain: chain.length,
    minedTotal,
    orphanRate: round(minedTotal === 0 ? 0 : 1 - chain.length / minedTotal, 4),
    intervalMeanS: round(mean(intervals), 2),
    intervalSdS: round(sd(intervals), 2),
    intervals,
    proposers: chain.map((c) => toHex(c.block!.header.proposer)),
    maxReorgDepth: Math.max(...honest.map((n) => n.status?.telemetry['maxReorgDepth'] ?? 0)),
    result,
  };
}

const NODES = 100;
// Regions drawn with SimBlock's 2019 Bitcoin node distribution (what every run so far used: an
// earlier misspelt 'assignment' key fell back to it).
const REGIONS = { kind: 'regions', assign: 'bitcoin-2019', jitter: 'pareto' } as const;

function base(seed: number, durationS: number, params: Record<string, unknown>, extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    engine: 'coherence',
    nodes: NODES,
    seed,
    durationS,
    drainS: 60,
    latency: REGIONS,
    load: { tps: 0.5, clientTimeoutMs: 600_000 },
    params: { networkHashPower: NODES, ...params },
    ...extra,
  } as ScenarioInput;
}

const summarize = (s: RunStats): Record<string, unknown> => {
  const { intervals: _i, proposers: _p, result: _r, ...rest } = s;
  return rest;
};

function acceptance(): Record<string, unknown> {
  const seeds = QUICK ? 3 : 20;
  const durationS = QUICK ? 200 : 300;
  const runs: Record<string, unknown>[] = [];
  const all: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const s = simulate(base(seed, durationS, {}));
    all.push(...s.intervals);
    runs.push({ ...summarize(s), ackedNotFinal: s.result.summary.acked_not_final, acked: s.result.summary.acked, traceHash: s.result.summary.trace_hash.slice(0, 16) });
    log(`accept seed ${seed}: ${JSON.stringify(runs[runs.length - 1])}`);
  }
  return {
    nodes: NODES,
    seeds,
    durationS,
    drainS: 60,
    targetIntervalS: 10,
    violationsTotal: runs.reduce((a, r) => a + (r['violations'] as number), 0),
    engineErrorsTotal: runs.reduce((a, r) => a + (r['engineErrors'] as number), 0),
    blocksTotal: all.length,
    intervalMeanS: round(mean(all), 2),
    intervalSdS: round(sd(all), 2),
    finalizedMinPerSeed: runs.map((r) => r['finalizedMin']),
    runs,
  };
}

function difficulty(): Record<string, unknown> {
  const durationS = QUICK ? 300 : 900;
  const seeds = QUICK ? [1] : [1, 2];
  const out: Record<string, unknown> = {};
  for (const rule of ['retarget', 'asert'] as const) {
    for (const [label, assumed] of [
      ['double', NODES / 2],
      ['halve', NODES * 2],
    ] as const) {
      const per: Record<string, unknown>[] = [];
      const early: number[] = [];
      const late: number[] = [];
      const all: number[] = [];
      for (const seed of seeds) {
        const s = simulate(base(seed, durationS, { difficulty: rule, networkHashPower: assumed }));
        all.push(...s.intervals);
        early.push(...s.intervals.slice(0, 20));
        late.push(...s.intervals.slice(-40));
        per.push(summarize(s));
        log(`difficulty ${rule} ${label} seed ${seed}: ${JSON.stringify(per[per.length - 1])}`);
      }
      out[`${rule}/${label}`] = {
        realHashPowerVsAssumed: label === 'double' ? 2 : 0.5,
        blocks: all.length,
        intervalMeanS: round(mean(all), 2),
        intervalSdS: round(sd(all), 2),
        first20MeanS: round(mean(early), 2),
        last40MeanS: round(mean(late), 2),
        last40SdS: round(sd(late), 2),
        runs: per,
      };
    }
  }
  return { durationS, seeds, targetIntervalS: 10, asertHalfLifeS: 200, retargetWindow: 10, results: out };
}

function orphans(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const intervalS of QUICK ? [2, 10] : [1, 2, 5, 10, 30]) {
    const blocks = QUICK ? 40 : 80;
    const s = simulate(base(1, intervalS * blocks, { targetIntervalMs: intervalS * 1000, confirmations: 6, templateRefreshMs: Math.max(1000, intervalS * 500) }));
    out[`${intervalS}s`] = summarize(s);
    log(`orphans ${intervalS}s: ${JSON.stringify(out[`${intervalS}s`])}`);
  }
  return out;
}

function selfish(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const durationS = QUICK ? 400 : 1500;
  for (const alpha of [0.25, 1 / 3]) {
    const h = ((NODES - 1) * alpha) / (1 - alpha);
    const hashPower = Array.from({ length: NODES }, (_, i) => (i === 0 ? h : 1));
    const runs: Record<string, unknown>[] = [];
    for (const seed of QUICK ? [1] : [1, 2]) {
      const s = simulate(
        base(seed, durationS, { networkHashPower: NODES - 1 + h }, { hashPower, byzantine: { nodes: [0], behaviour: 'selfish' } }),
        1,
      );
      const selfishKey = toHex(validatorKeyPair(0).publicKey);
      const own = s.proposers.filter((p) => p === selfishKey).length;
      runs.push({
        ...summarize(s),
        alpha: round(alpha, 4),
        selfishBlocksInMainChain: own,
        selfishShare: round(own / Math.max(1, s.mainChain), 4),
        selfishMined: s.result.perNode[0]!.status?.telemetry['mined'] ?? 0,
        agreementViolations: s.result.summary.violations_by_kind['agreement'],
      });
      log(`selfish alpha ${round(alpha, 3)} seed ${seed}: ${JSON.stringify(runs[runs.length - 1])}`);
    }
    out[`alpha=${round(alpha, 3)}`] = runs;
  }
  return { durationS, confirmations: 6, results: out };
}

const results: Record<string, unknown> = {};
if (want('success')) {
  results['success'] = Object.fromEntries(
    ([
      [63, QUICK ? 2000 : 20000],
      [31, QUICK ? 1000 : 5000],
      [127, QUICK ? 500 : 3000],
    ] as const).map(([n, count]) => {
      log(`success N=${n}`);
      return [`N${n}`, successRate(n, count)];
    }),
  );
}
if (want('accept')) results['accept'] = acceptance();
if (want('difficulty')) results['difficulty'] = difficulty();
if (want('orphans')) results['orphans'] = orphans();
if (want('selfish')) results['selfish'] = selfish();

console.log(JSON.stringify({ bench: 'coherence-sim', machine: machineInfo(), quick: QUICK, results }));
