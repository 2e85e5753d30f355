/**
 * The claims runner: every experiment of a plan (config.ts), every engine that is registered,
 * every seed; one deterministic simulation per (point, seed). It returns the raw per-run
 * metrics and their per-point medians with 95% intervals. No I/O: progress goes to a callback,
 * and the wall clock is read only by the caller.
 */
import type { ErasedEngineDefinition } from '../../protocol/index.js';
import { knownBehaviours, makeScenario, replayCommand, runScenario } from '../../sim/index.js';
import type { FaultConfig, ScenarioInput } from '../../sim/index.js';
import type { ClaimsPlan } from './config.js';
import { METRIC_NAMES, countingDefinition, measure } from './measure.js';
import type { MetricName, RunMetrics, SigCounter } from './measure.js';
import { median, medianInterval, powerFit } from './stats.js';
import type { PowerFit } from './stats.js';

export interface Stat {
  readonly median: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
  readonly coverage: number | null;
  readonly runs: number;
}

export interface Point {
  readonly experiment: string;
  readonly engine: string;
  /** What varies along the experiment: n, load, fraction, adversary, rule, pow, ... */
  readonly key: Readonly<Record<string, string | number | boolean>>;
  readonly runs: readonly RunMetrics[];
  readonly stats: Readonly<Record<MetricName, Stat>>;
  /** The `thermo sim` command that replays this point's first seed. */
  readonly replay: string;
}

export interface ClaimsData {
  readonly plan: ClaimsPlan;
  /** Engine name -> registered (true) or not available (false). */
  readonly engines: Readonly<Record<string, boolean>>;
  readonly points: readonly Point[];
  /** Claim 1: growth exponents per engine and metric. */
  readonly fits: Readonly<Record<string, Readonly<Record<string, PowerFit | null>>>>;
}

export interface RunnerOptions {
  readonly lookup: (name: string) => ErasedEngineDefinition | undefined;
  readonly onRun?: (done: number, total: number, label: string) => void;
}

export interface Job {
  readonly experiment: string;
  readonly engine: string;
  readonly key: Record<string, string | number | boolean>;
  readonly input: (seed: number) => ScenarioInput;
}

function stat(values: readonly (number | null)[]): Stat {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  const ci = medianInterval(v);
  return Object.freeze({ median: median(v), lo: ci?.lo ?? null, hi: ci?.hi ?? null, coverage: ci?.coverage ?? null, runs: v.length });
}

function ttParams(seed: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { truthSeed: seed, ...extra };
}

/** Enumerates every (point, seed) the plan asks for, for the engines that exist. */
export function jobsOf(plan: ClaimsPlan, available: (name: string) => boolean, lookup: RunnerOptions['lookup']): Job[] {
  const jobs: Job[] = [];
  const base = (engine: string, n: number, tps: number, durationS: number, drainS: number, seed: number): ScenarioInput => ({
    engine,
    nodes: n,
    seed,
    durationS,
    drainS,
    latency: plan.latency,
    bandwidth: plan.bandwidth,
    costModel: plan.costModel,
    load: { tps, accounts: Math.max(plan.minAccounts, Math.ceil(2 * tps)) },
    params: engine === 'thermotruth' ? ttParams(seed) : null,
  });
  const s = plan.scale;
  for (const engine of s.engines.filter(available)) {
    for (const n of s.ns) {
      if (n > (s.maxN[engine] ?? Number.POSITIVE_INFINITY)) continue;
      jobs.push({ experiment: 'scale', engine, key: { n }, input: (seed) => base(engine, n, s.tps, s.durationS, s.drainS, seed) });
    }
  }
  const l = plan.load;
  for (const engine of l.engines.filter(available)) {
    for (const tps of l.loads) jobs.push({ experiment: 'load', engine, key: { n: l.n, load: tps }, input: (seed) => base(engine, l.n, tps, l.durationS, l.drainS, seed) });
  }
  const e = plan.error;
  if (available('thermotruth')) {
    for (const rule of e.rules) {
      for (const fraction of e.fractions) {
        for (const adversary of fraction === 0 ? ['none'] : e.adversaries) {
          jobs.push({
            experiment: 'error',
            engine: 'thermotruth',
            key: { n: e.n, rule, fraction, adversary },
            input: (seed) => ({
              ...base('thermotruth', e.n, e.tps, e.durationS, e.drainS, seed),
              byzantine: { fraction, behaviour: adversary === 'none' ? 'silent' : adversary },
              params: ttParams(seed, { ...e.ttParams, rule }),
            }),
          });
        }
      }
    }
  }
  const b = plan.bandwidthClaim;
  for (const engine of b.engines.filter(available)) {
    for (const n of b.ns) {
      if (n > (b.maxN[engine] ?? Number.POSITIVE_INFINITY)) continue;
      jobs.push({ experiment: 'bandwidth', engine, key: { n, load: b.tps }, input: (seed) => base(engine, n, b.tps, b.durationS, b.drainS, seed) });
    }
  }
  const y = plan.sybil;
  if (available('thermotruth')) {
    for (const adversary of y.adversaries) {
      for (const fraction of y.fractions) {
        for (const pow of [true, false]) {
          jobs.push({
            experiment: 'sybil',
            engine: 'thermotruth',
            key: { n: y.n, adversary, fraction, pow, sybils: y.sybils },
            input: (seed) => ({
              ...base('thermotruth', y.n, y.tps, y.durationS, y.drainS, seed),
              byzantine: { fraction, behaviour: adversary },
              params: ttParams(seed, { ...y.ttParams, pow, sybilsPerByzantine: y.sybils }),
            }),
          });
        }
      }
    }
  }
  const f = plan.safety;
  for (const engine of f.engines.filter(available)) {
    const def = lookup(engine)!;
    for (const n of f.ns) {
      const bound = def.faultBound(n);
      for (const behaviour of knownBehaviours(def)) {
        for (const [side, count] of [
          ['within', bound],
          ['beyond', bound + 1],
        ] as const) {
          if (count === 0 || count >= n) continue;
          for (const network of ['lossy', 'split-worlds'] as const) {
            const split = network === 'split-worlds';
            const durationS = split ? f.splitDurationS : f.durationS;
            jobs.push({
              experiment: 'safety',
              engine,
              key: { n, behaviour, side, byzantine: count, network },
              input: (seed) => ({
                ...base(engine, n, f.tps, durationS, f.drainS, seed),
                byzantine: split ? { nodes: range(count), fraction: count / n, behaviour } : { fraction: count / n, behaviour },
                faults: split ? splitWorlds(n, count, durationS * 1000) : { loss: 0.01, reorder: 0.02, reorderMaxMs: 50 },
              }),
            });
          }
        }
      }
    }
  }
  return jobs;
}

function range(k: number): number[] {
  return Array.from({ length: k }, (_, i) => i);
}

/**
 * The schedule that removes quorum intersection when the Byzantine nodes are more than the
 * bound: Byzantine nodes 0..b-1 stay connected to everyone; the correct nodes are split in two
 * halves H1, H2 that never hear each other. First half of the run: H2 is cut off (the world is
 * B + H1); then H1 is cut off for good (the world is B + H2), and the Byzantine nodes crash and
 * restart at the switch, forgetting what they voted (amnesia). With b = f + 1 each world can
 * hold a quorum, so a behaviour that votes for whatever it is shown (double-vote) gets two
 * conflicting decisions; with b = f the two worlds cannot both reach 2f + 1 and the engines must
 * stay safe. The standard split-brain argument (Castro and Liskov 1999, section 4.5; Yin et al.
 * 2019, section 4.4) made concrete for the simulator; test/engines/hotstuff/sim.test.ts runs
 * the n = 4 case as its control.
 */
function splitWorlds(n: number, b: number, durationMs: number): Partial<FaultConfig> {
  const correct = Array.from({ length: n - b }, (_, i) => b + i);
  const half = Math.ceil(correct.length / 2);
  const h1 = correct.slice(0, half);
  const h2 = correct.slice(half);
  const switchMs = Math.round(durationMs / 2);
  return {
    partitions: [
      { atMs: 0, healAtMs: switchMs, groups: [h2] },
      { atMs: switchMs, healAtMs: null, groups: [h1] },
    ],
    crashes: range(b).map((node) => ({ node, atMs: switchMs, restartAtMs: switchMs + 100 })),
  };
}

/** Engines named anywhere in the plan, and whether each resolves. */
export function enginesOf(plan: ClaimsPlan, lookup: RunnerOptions['lookup']): Record<string, boolean> {
  const engines: Record<string, boolean> = {};
  const names = new Set([...plan.scale.engines, ...plan.load.engines, ...plan.bandwidthClaim.engines, ...plan.safety.engines, 'thermotruth']);
  for (const name of names) engines[name] = lookup(name) !== undefined;
  return engines;
}

/** Every (job, seed) of the plan, in the order the report lists them. */
export function tasksOf(plan: ClaimsPlan, lookup: RunnerOptions['lookup']): { readonly jobs: readonly Job[]; readonly engines: Record<string, boolean> } {
  const engines = enginesOf(plan, lookup);
  return { jobs: jobsOf(plan, (name) => engines[name] === true, lookup), engines };
}

/** One simulation: job `index` of the plan at `seed`. Deterministic. */
export function runTask(job: Job, seed: number, lookup: RunnerOptions['lookup']): RunMetrics {
  const counter: SigCounter = { sigVerify: 0 };
  const definition = lookup(job.engine)!;
  const resolve = (): ReturnType<typeof countingDefinition> => countingDefinition(definition, counter);
  const result = runScenario(job.input(seed), { resolve, wallClock: () => 0 });
  return measure(seed, result, counter);
}

/** Points and fits from per-(job, seed) results, in job order. */
export function assemble(plan: ClaimsPlan, engines: Record<string, boolean>, jobs: readonly Job[], results: readonly (readonly RunMetrics[])[]): ClaimsData {
  const points: Point[] = jobs.map((job, i) => {
    const runs = results[i]!;
    const stats = {} as Record<MetricName, Stat>;
    for (const m of METRIC_NAMES) stats[m] = stat(runs.map((r) => r[m] as number | null));
    const replay = replayCommand(makeScenario(job.input(plan.seeds[0] ?? 1)));
    return Object.freeze({ experiment: job.experiment, engine: job.engine, key: Object.freeze({ ...job.key }), runs: Object.freeze([...runs]), stats: Object.freeze(stats), replay });
  });
  const available = (name: string): boolean => engines[name] === true;
  const fits: Record<string, Record<string, PowerFit | null>> = {};
  for (const engine of plan.scale.engines.filter(available)) {
    const pts = points.filter((p) => p.experiment === 'scale' && p.engine === engine);
    const fit = (m: MetricName): PowerFit | null =>
      powerFit(pts.filter((p) => p.stats[m].median !== null).map((p) => ({ x: Number(p.key['n']), y: p.stats[m].median! })));
    fits[engine] = {
      latencyP50: fit('latencyP50'),
      msgsPerDecision: fit('msgsPerDecision'),
      bytesPerDecision: fit('bytesPerDecision'),
      sigChecksPerDecision: fit('sigChecksPerDecision'),
    };
  }
  return Object.freeze({ plan, engines: Object.freeze(engines), points: Object.freeze(points), fits: Object.freeze(fits) });
}

/** Runs the whole plan in this thread, one simulation after another. */
export function runClaims(plan: ClaimsPlan, options: RunnerOptions): ClaimsData {
  const { jobs, engines } = tasksOf(plan, options.lookup);
  const total = jobs.length * plan.seeds.length;
  let done = 0;
  const results = jobs.map((job) =>
    plan.seeds.map((seed) => {
      const r = runTask(job, seed, options.lookup);
      done++;
      options.onRun?.(done, total, `${job.experiment} ${job.engine} ${JSON.stringify(job.key)} seed ${seed}`);
      return r;
    }),
  );
  return assemble(plan, engines, jobs, results);
}
