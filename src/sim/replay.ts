/**
 * Replay: the `thermo sim` command line that rebuilds a run's config exactly, and the parser
 * that turns that command line back into a config. One flag table (SIM_FLAGS) serves both, and
 * the CLI registers its options from it, so printing and parsing cannot drift apart.
 *
 * `replayCommand(config)` prints only fields that differ from the defaults, numbers in
 * JavaScript's shortest round-trip form, fault presets already expanded. Running it gives the
 * same trace hash (test/sim/replay.test.ts, test/cli/sim.test.ts).
 */
import type { ScenarioConfig, ScenarioInput } from './config.js';
import { DEFAULT_LIMITS, DEFAULT_LOAD, DEFAULT_SCENARIO, makeScenario } from './config.js';
import { badConfig } from './errors.js';
import type { CrashSpec, FaultConfig, PartitionSpec } from './faults.js';
import { NO_FAULTS, faultPreset } from './faults.js';
import type { BandwidthModel, LatencyModel } from './network.js';

export interface FlagSpec {
  /** Long flag name without dashes, e.g. 'byzantine-nodes'. */
  readonly name: string;
  /** Value placeholder for help; absent for boolean flags. */
  readonly arg?: string;
  readonly help: string;
  /** The value a flag given without one means (e.g. a bare `--regions` is round-robin). */
  readonly bare?: string;
}

export const SIM_FLAGS: readonly FlagSpec[] = Object.freeze([
  { name: 'engine', arg: 'NAME', help: 'engine to run (see `thermo sim --list`)' },
  { name: 'nodes', arg: 'N', help: `validators (default ${DEFAULT_SCENARIO.nodes})` },
  { name: 'seed', arg: 'S', help: `seed of every random choice (default ${DEFAULT_SCENARIO.seed})` },
  { name: 'duration', arg: 'SECONDS', help: `measured simulated time (default ${DEFAULT_SCENARIO.durationS})` },
  { name: 'drain', arg: 'SECONDS', help: `extra time without new load at the end (default ${DEFAULT_SCENARIO.drainS})` },
  { name: 'byzantine', arg: 'FRACTION', help: 'fraction of Byzantine validators, chosen by the seed (default 0)' },
  { name: 'byzantine-nodes', arg: 'LIST', help: 'explicit Byzantine validator indices, e.g. 0,3 (overrides --byzantine)' },
  { name: 'behaviour', arg: 'NAME', help: "Byzantine behaviour: 'silent' or one of the engine's adversaries (default silent)" },
  { name: 'rtt', arg: 'MS', help: 'fixed round-trip time (default 100)' },
  { name: 'jitter', arg: 'MS', help: 'uniform one-way jitter in [0, MS] with --rtt (default 5)' },
  {
    name: 'regions',
    arg: 'ASSIGN',
    bare: 'round-robin',
    help: 'SimBlock 2019 region latency matrix instead of --rtt; nodes assigned round-robin (default) or bitcoin-2019',
  },
  { name: 'region-jitter', arg: 'KIND', help: 'pareto (SimBlock) or none (default pareto)' },
  { name: 'bandwidth', arg: 'MBPS', help: "per-node upload and download cap in Mbit/s, 'regions' (SimBlock 2019) or 'unlimited' (default)" },
  { name: 'upload', arg: 'MBPS', help: 'per-node upload cap in Mbit/s (overrides --bandwidth)' },
  { name: 'download', arg: 'MBPS', help: 'per-node download cap in Mbit/s (overrides --bandwidth)' },
  { name: 'faults', arg: 'PRESET', help: 'none, lossy, partition, crash, skew or chaos (explicit flags override)' },
  { name: 'loss', arg: 'P', help: 'probability each message copy is lost' },
  { name: 'duplicate', arg: 'P', help: 'probability each message copy is delivered twice' },
  { name: 'reorder', arg: 'P', help: 'probability a copy gets an extra delay in [0, --reorder-max]' },
  { name: 'reorder-max', arg: 'MS', help: 'largest extra reorder delay' },
  { name: 'partitions', arg: 'SPEC', help: "AT:HEAL:GROUP/GROUP[:oneway];... in ms, HEAL may be 'never', e.g. 2000:6000:0,1/2,3; ':oneway' drops only copies sent from the first group" },
  { name: 'crashes', arg: 'SPEC', help: 'NODE@AT[-RESTART],... in ms, e.g. 3@2000-6000' },
  { name: 'skew', arg: 'MS', help: 'clock skew bound: each node offset uniformly in [-MS, MS]' },
  { name: 'skews', arg: 'LIST', help: 'explicit clock skew per node in ms' },
  { name: 'tps', arg: 'N', help: `offered client transactions per second (default ${DEFAULT_LOAD.tps})` },
  { name: 'accounts', arg: 'N', help: `funded client accounts (default ${DEFAULT_LOAD.accounts})` },
  { name: 'client-timeout', arg: 'MS', help: `client resubmission timeout (default ${DEFAULT_LOAD.clientTimeoutMs})` },
  { name: 'max-resubmits', arg: 'N', help: `client resubmissions before giving up (default ${DEFAULT_LOAD.maxResubmits})` },
  { name: 'params', arg: 'JSON', help: 'engine parameters as JSON' },
  { name: 'cost', arg: 'MODEL', help: 'CPU cost model: measured (default) or zero' },
  { name: 'hash-power', arg: 'LIST', help: 'relative hash power per node (mining engines)' },
  { name: 'max-events', arg: 'N', help: `stop after N events (default ${DEFAULT_LIMITS.maxEvents})` },
  { name: 'max-queue', arg: 'N', help: `most pending events (default ${DEFAULT_LIMITS.maxQueue})` },
  { name: 'max-inbox', arg: 'N', help: `most inputs waiting per node (default ${DEFAULT_LIMITS.maxInbox})` },
  { name: 'max-backlog', arg: 'MS', help: `longest uplink or downlink backlog per node before copies are dropped (default ${DEFAULT_LIMITS.maxBacklogMs})` },
]);

/** Option values keyed by flag name (without dashes), as strings. */
export type SimArgs = Readonly<Record<string, string | undefined>>;

/** commander's key for a flag: 'byzantine-nodes' -> 'byzantineNodes'. */
export function optionKey(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

function num(args: SimArgs, name: string): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw badConfig(name, `not a number: ${raw}`);
  return v;
}

function int(args: SimArgs, name: string): number | undefined {
  const v = num(args, name);
  if (v !== undefined && !Number.isSafeInteger(v)) throw badConfig(name, `not an integer: ${args[name]}`);
  return v;
}

function numList(raw: string, name: string): number[] {
  if (raw.trim() === '') return [];
  return raw.split(',').map((s) => {
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v)) throw badConfig(name, `not a number: ${s}`);
    return v;
  });
}

/** Mbit/s, or exact bits/s with a `bps` suffix, or 'unlimited'. */
function mbps(raw: string, name: string): number | null {
  if (raw === 'unlimited') return null;
  if (raw.endsWith('bps')) {
    const bits = Number(raw.slice(0, -3));
    if (!Number.isFinite(bits) || bits <= 0) throw badConfig(name, `bits/s: ${raw}`);
    return bits;
  }
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw badConfig(name, `Mbit/s, or unlimited: ${raw}`);
  return v * 1_000_000;
}

export function parsePartitions(raw: string): PartitionSpec[] {
  if (raw.trim() === '') return [];
  return raw.split(';').map((part) => {
    const [at, heal, groups, mode, ...rest] = part.split(':');
    if (at === undefined || heal === undefined || groups === undefined || rest.length > 0 || (mode !== undefined && mode !== 'oneway')) {
      throw badConfig('partitions', `expected AT:HEAL:GROUPS[:oneway], got ${part}`);
    }
    const atMs = Number(at);
    const healAtMs = heal === 'never' ? null : Number(heal);
    if (!Number.isFinite(atMs) || (healAtMs !== null && !Number.isFinite(healAtMs))) throw badConfig('partitions', `bad times in ${part}`);
    const spec = { atMs, healAtMs, groups: groups.split('/').map((g) => numList(g, 'partitions')) };
    return mode === 'oneway' ? { ...spec, oneWay: true } : spec;
  });
}

export function parseCrashes(raw: string): CrashSpec[] {
  if (raw.trim() === '') return [];
  return raw.split(',').map((part) => {
    const m = /^(\d+)@([0-9.e+]+)(?:-([0-9.e+]+))?$/.exec(part.trim());
    if (m === null) throw badConfig('crashes', `expected NODE@AT[-RESTART], got ${part}`);
    return { node: Number(m[1]), atMs: Number(m[2]), restartAtMs: m[3] === undefined ? null : Number(m[3]) };
  });
}

function parseParams(raw: string | undefined): unknown {
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw badConfig('params', `not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Builds and validates a scenario from flag values (names without dashes). */
export function scenarioFromArgs(args: SimArgs): ScenarioConfig {
  for (const key of Object.keys(args)) {
    if (args[key] !== undefined && !SIM_FLAGS.some((f) => f.name === key)) throw badConfig(key, 'unknown flag');
  }
  const engine = args['engine'];
  if (engine === undefined) throw badConfig('engine', 'required');
  const nodes = int(args, 'nodes') ?? DEFAULT_SCENARIO.nodes;
  const durationS = num(args, 'duration') ?? DEFAULT_SCENARIO.durationS;

  let latency: LatencyModel = DEFAULT_SCENARIO.latency;
  const regions = args['regions'];
  if (regions !== undefined) {
    if (regions !== 'round-robin' && regions !== 'bitcoin-2019') throw badConfig('regions', 'round-robin or bitcoin-2019');
    if (args['rtt'] !== undefined || args['jitter'] !== undefined) throw badConfig('regions', 'use either --regions or --rtt/--jitter');
    const jitter = args['region-jitter'] ?? 'pareto';
    if (jitter !== 'pareto' && jitter !== 'none') throw badConfig('region-jitter', 'pareto or none');
    latency = { kind: 'regions', assign: regions, jitter };
  } else {
    if (args['region-jitter'] !== undefined) throw badConfig('region-jitter', 'only with --regions');
    const d = DEFAULT_SCENARIO.latency;
    const rtt = num(args, 'rtt') ?? (d.kind === 'fixed' ? d.rttMs : 100);
    const jitter = num(args, 'jitter') ?? (d.kind === 'fixed' ? d.jitterMs : 0);
    latency = { kind: 'fixed', rttMs: rtt, jitterMs: jitter };
  }

  let bandwidth: BandwidthModel = DEFAULT_SCENARIO.bandwidth;
  const bw = args['bandwidth'];
  if (bw === 'regions') {
    if (args['upload'] !== undefined || args['download'] !== undefined) throw badConfig('bandwidth', '--upload/--download cannot refine regions');
    bandwidth = { kind: 'regions' };
  } else {
    const both = bw === undefined ? null : mbps(bw, 'bandwidth');
    const up = args['upload'] === undefined ? both : mbps(args['upload'], 'upload');
    const down = args['download'] === undefined ? both : mbps(args['download'], 'download');
    bandwidth = up === null && down === null ? { kind: 'unlimited' } : { kind: 'fixed', uploadBps: up, downloadBps: down };
  }

  const preset = args['faults'] === undefined ? {} : faultPreset(args['faults'], nodes, durationS * 1000);
  const faults: FaultConfig = {
    ...NO_FAULTS,
    ...preset,
    ...(args['loss'] !== undefined ? { loss: num(args, 'loss')! } : {}),
    ...(args['duplicate'] !== undefined ? { duplicate: num(args, 'duplicate')! } : {}),
    ...(args['reorder'] !== undefined ? { reorder: num(args, 'reorder')! } : {}),
    ...(args['reorder-max'] !== undefined ? { reorderMaxMs: num(args, 'reorder-max')! } : {}),
    ...(args['partitions'] !== undefined ? { partitions: parsePartitions(args['partitions']) } : {}),
    ...(args['crashes'] !== undefined ? { crashes: parseCrashes(args['crashes']) } : {}),
    ...(args['skew'] !== undefined ? { clockSkewMs: num(args, 'skew')! } : {}),
    ...(args['skews'] !== undefined ? { skews: numList(args['skews'], 'skews') } : {}),
  };

  const byzNodes = args['byzantine-nodes'];
  const costArg = args['cost'] ?? DEFAULT_SCENARIO.costModel;
  if (costArg !== 'measured' && costArg !== 'zero') throw badConfig('cost', 'measured or zero');
  const input: ScenarioInput = {
    engine,
    nodes,
    seed: int(args, 'seed') ?? DEFAULT_SCENARIO.seed,
    durationS,
    drainS: num(args, 'drain') ?? DEFAULT_SCENARIO.drainS,
    byzantine: {
      fraction: num(args, 'byzantine') ?? 0,
      behaviour: args['behaviour'] ?? 'silent',
      ...(byzNodes !== undefined ? { nodes: numList(byzNodes, 'byzantine-nodes') } : {}),
    },
    latency,
    bandwidth,
    faults,
    load: {
      tps: num(args, 'tps') ?? DEFAULT_LOAD.tps,
      accounts: int(args, 'accounts') ?? DEFAULT_LOAD.accounts,
      clientTimeoutMs: num(args, 'client-timeout') ?? DEFAULT_LOAD.clientTimeoutMs,
      maxResubmits: int(args, 'max-resubmits') ?? DEFAULT_LOAD.maxResubmits,
    },
    params: parseParams(args['params']),
    costModel: costArg,
    ...(args['hash-power'] !== undefined ? { hashPower: numList(args['hash-power'], 'hash-power') } : {}),
    limits: {
      maxEvents: int(args, 'max-events') ?? DEFAULT_LIMITS.maxEvents,
      maxQueue: int(args, 'max-queue') ?? DEFAULT_LIMITS.maxQueue,
      maxInbox: int(args, 'max-inbox') ?? DEFAULT_LIMITS.maxInbox,
      maxBacklogMs: num(args, 'max-backlog') ?? DEFAULT_LIMITS.maxBacklogMs,
    },
  };
  return makeScenario(input);
}

/** A tiny `--flag value` tokenizer (for tests and tools; the CLI uses commander). */
export function argsFromArgv(argv: readonly string[]): SimArgs {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('--')) throw badConfig(token, 'expected --flag');
    const eq = token.indexOf('=');
    if (eq > 0) {
      out[token.slice(2, eq)] = token.slice(eq + 1);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw badConfig(token.slice(2), 'missing value');
    out[token.slice(2)] = value;
    i++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

function fmtPartitions(ps: readonly PartitionSpec[]): string {
  return ps
    .map((p) => `${p.atMs}:${p.healAtMs === null ? 'never' : p.healAtMs}:${p.groups.map((g) => g.join(',')).join('/')}${p.oneWay === true ? ':oneway' : ''}`)
    .join(';');
}

function fmtCrashes(cs: readonly CrashSpec[]): string {
  return cs.map((c) => `${c.node}@${c.atMs}${c.restartAtMs === null ? '' : `-${c.restartAtMs}`}`).join(',');
}

/** Mbit/s when that round-trips exactly, else bits/s with a `bps` suffix. */
function fmtBps(bps: number | null): string {
  if (bps === null) return 'unlimited';
  const m = bps / 1_000_000;
  return m * 1_000_000 === bps ? String(m) : `${bps}bps`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The flag/value pairs that rebuild `c` (defaults omitted), in SIM_FLAGS order. */
export function scenarioToArgs(c: ScenarioConfig): string[] {
  const d = DEFAULT_SCENARIO;
  const out: string[] = [];
  const add = (name: string, value: string | number): void => {
    out.push(`--${name}`, String(value));
  };
  add('engine', c.engine);
  add('nodes', c.nodes);
  add('seed', c.seed);
  add('duration', c.durationS);
  if (c.drainS !== d.drainS) add('drain', c.drainS);
  if (c.byzantine.nodes !== undefined) add('byzantine-nodes', c.byzantine.nodes.join(','));
  else if (c.byzantine.fraction !== 0) add('byzantine', c.byzantine.fraction);
  if (c.byzantine.behaviour !== d.byzantine.behaviour) add('behaviour', c.byzantine.behaviour);
  const l = c.latency;
  if (l.kind === 'fixed') {
    const dl = d.latency;
    if (dl.kind !== 'fixed' || l.rttMs !== dl.rttMs) add('rtt', l.rttMs);
    if (dl.kind !== 'fixed' || l.jitterMs !== dl.jitterMs) add('jitter', l.jitterMs);
  } else {
    add('regions', l.assign);
    if (l.jitter !== 'pareto') add('region-jitter', l.jitter);
  }
  const b = c.bandwidth;
  if (b.kind === 'regions') add('bandwidth', 'regions');
  else if (b.kind === 'fixed') {
    add('upload', fmtBps(b.uploadBps));
    add('download', fmtBps(b.downloadBps));
  }
  const f = c.faults;
  if (f.loss !== 0) add('loss', f.loss);
  if (f.duplicate !== 0) add('duplicate', f.duplicate);
  if (f.reorder !== 0) add('reorder', f.reorder);
  if (f.reorderMaxMs !== 0) add('reorder-max', f.reorderMaxMs);
  if (f.partitions.length > 0) add('partitions', fmtPartitions(f.partitions));
  if (f.crashes.length > 0) add('crashes', fmtCrashes(f.crashes));
  if (f.clockSkewMs !== 0) add('skew', f.clockSkewMs);
  if (f.skews !== undefined) add('skews', f.skews.join(','));
  const ld = c.load;
  if (ld.tps !== DEFAULT_LOAD.tps) add('tps', ld.tps);
  if (ld.accounts !== DEFAULT_LOAD.accounts) add('accounts', ld.accounts);
  if (ld.clientTimeoutMs !== DEFAULT_LOAD.clientTimeoutMs) add('client-timeout', ld.clientTimeoutMs);
  if (ld.maxResubmits !== DEFAULT_LOAD.maxResubmits) add('max-resubmits', ld.maxResubmits);
  if (c.params !== null && c.params !== undefined) add('params', JSON.stringify(c.params));
  if (c.costModel !== d.costModel) add('cost', c.costModel);
  if (c.hashPower !== undefined) add('hash-power', c.hashPower.join(','));
  const lim = c.limits;
  if (lim.maxEvents !== DEFAULT_LIMITS.maxEvents) add('max-events', lim.maxEvents);
  if (lim.maxQueue !== DEFAULT_LIMITS.maxQueue) add('max-queue', lim.maxQueue);
  if (lim.maxInbox !== DEFAULT_LIMITS.maxInbox) add('max-inbox', lim.maxInbox);
  if (lim.maxBacklogMs !== DEFAULT_LIMITS.maxBacklogMs) add('max-backlog', lim.maxBacklogMs);
  return out;
}

/** POSIX shell quoting, only where needed. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that reproduces a run of `c`. */
export function replayCommand(c: ScenarioConfig, note?: string): string {
  const cmd = ['npx', 'thermo', 'sim', ...scenarioToArgs(c).map(shellQuote)].join(' ');
  return note === undefined ? cmd : `${cmd}   # ${note}`;
}

/** True when `a` and `b` describe the same run (deep, JSON-wise). */
export function sameScenario(a: ScenarioConfig, b: ScenarioConfig): boolean {
  return sameJson(a, b);
}
