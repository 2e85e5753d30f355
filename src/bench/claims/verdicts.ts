/**
 * Each claim of the designs, what Thermo measured for it, and the verdict, decided by a rule
 * stated next to it (never by hand): 'holds' when the measured median satisfies the design's
 * number, 'does not hold' when it does not, 'not measurable' (with the reason) when the data
 * needed is missing. Every number here is interpolated from the runner's data.
 */
import type { ClaimsData, Point, Stat } from './run.js';
import type { MetricName } from './measure.js';

export type Verdict = 'holds' | 'does not hold' | 'not measurable';

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface ClaimResult {
  readonly id: string;
  readonly title: string;
  /** What the design says, quoted from DESIGN.md / the issue. */
  readonly design: string;
  /** How the verdict is decided. */
  readonly rule: string;
  readonly verdict: Verdict;
  /** One generated sentence with the deciding numbers. */
  readonly finding: string;
  readonly tables: readonly Table[];
  readonly plots: readonly string[];
  /** Commands that replay representative runs (`thermo sim ...`). */
  readonly replays: readonly string[];
}

export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export function fmtStat(s: Stat | undefined, digits = 3): string {
  if (s === undefined || s.median === null) return 'n/a';
  return `${fmt(s.median, digits)} [${fmt(s.lo, digits)}, ${fmt(s.hi, digits)}]`;
}

function pts(data: ClaimsData, experiment: string, engine?: string): Point[] {
  return data.points.filter((p) => p.experiment === experiment && (engine === undefined || p.engine === engine));
}

function at(data: ClaimsData, experiment: string, engine: string, key: Record<string, string | number | boolean>): Point | undefined {
  return pts(data, experiment, engine).find((p) => Object.entries(key).every(([k, v]) => p.key[k] === v));
}

function med(p: Point | undefined, m: MetricName): number | null {
  return p?.stats[m].median ?? null;
}

const missing = (engine: string): string => `engine not available: '${engine}' is not registered in src/engines/index.ts`;

// ---- claim 1 -----------------------------------------------------------------------------------

function scaleTable(data: ClaimsData, engine: string): Table {
  const rows = pts(data, 'scale', engine).map((p) => [
    String(p.key['n']),
    fmtStat(p.stats.latencyP50),
    fmtStat(p.stats.msgsPerDecision),
    fmtStat(p.stats.bytesPerDecision),
    fmtStat(p.stats.sigChecksPerDecision),
    fmtStat(p.stats.decisions),
    String(p.runs.reduce((a, r) => a + r.violations, 0)),
  ]);
  return {
    columns: [`${engine}: n`, 'tx latency p50 (ms)', 'messages / decision', 'bytes / decision', 'signature checks / decision', 'decisions / run', 'safety violations (all seeds)'],
    rows,
  };
}

function fitTable(data: ClaimsData): Table {
  const rows: string[][] = [];
  for (const [engine, f] of Object.entries(data.fits)) {
    const e = (name: string): string => {
      const x = f[name];
      return x === null || x === undefined ? 'n/a' : `${fmt(x.exponent, 3)} (R² ${fmt(x.r2, 3)})`;
    };
    rows.push([engine, e('latencyP50'), e('msgsPerDecision'), e('bytesPerDecision'), e('sigChecksPerDecision')]);
  }
  return { columns: ['engine', 'latency ~ n^b', 'messages ~ n^b', 'bytes ~ n^b', 'signature checks ~ n^b'], rows };
}

function claim1(data: ClaimsData): ClaimResult[] {
  const out: ClaimResult[] = [];
  const engines = data.plan.scale.engines;
  const tables = [
    ...engines.filter((e) => data.engines[e] === true).map((e) => scaleTable(data, e)),
    fitTable(data),
  ];
  const notes = engines.filter((e) => data.engines[e] !== true).map(missing);
  const unavailable: Table = { columns: ['engines left out'], rows: notes.map((x) => [x]) };
  const allTables = notes.length > 0 ? [...tables, unavailable] : tables;
  const tt100 = at(data, 'scale', 'thermotruth', { n: 100 });
  const lat = med(tt100, 'latencyP50');
  const replays = tt100 !== undefined ? [tt100.replay] : [];
  out.push({
    id: '1a',
    title: 'ThermoTruth finalizes in 500 ms at n = 100',
    design: '"500 ms at n = 100" (latency at 50 ms RTT).',
    rule: 'holds if the median (over seeds) of the per-run median transaction latency (client submission to finality at the submitting node) at n = 100 is at most 500 ms.',
    verdict: data.engines['thermotruth'] !== true || lat === null ? 'not measurable' : lat <= 500 ? 'holds' : 'does not hold',
    finding:
      lat === null
        ? 'No ThermoTruth run at n = 100 in this plan (or no transaction was finalized).'
        : `Median latency at n = 100: ${fmtStat(tt100?.stats.latencyP50)} ms (median [95% CI] over ${tt100?.stats.latencyP50.runs} seeds).`,
    tables: allTables,
    plots: ['latency-vs-n.svg', 'messages-vs-n.svg', 'bytes-vs-n.svg', 'sigchecks-vs-n.svg'],
    replays,
  });
  const fit = data.fits['thermotruth'] ?? {};
  for (const [id, metric, what] of [
    ['1b', 'msgsPerDecision', 'messages'],
    ['1c', 'bytesPerDecision', 'bytes'],
    ['1d', 'sigChecksPerDecision', 'signature checks'],
  ] as const) {
    const f = fit[metric];
    out.push({
      id,
      title: `ThermoTruth is O(n): ${what} per decision`,
      design: '"O(n) batched broadcast" (the communication cost of one decision grows linearly with n).',
      rule: `holds if the least-squares exponent b of ${what} per decision ~ n^b (log-log fit of the per-n medians) is below 1.5, i.e. closer to linear than to quadratic.`,
      verdict: f === null || f === undefined ? 'not measurable' : f.exponent < 1.5 ? 'holds' : 'does not hold',
      finding:
        f === null || f === undefined
          ? 'Fewer than two sizes measured.'
          : `Fitted exponent b = ${fmt(f.exponent)} (R² ${fmt(f.r2)}, ${f.points} sizes); PBFT: ${fmt(data.fits['pbft']?.[metric]?.exponent)}, HotStuff: ${fmt(data.fits['hotstuff']?.[metric]?.exponent)}.`,
      tables: [],
      plots: [],
      replays: [],
    });
  }
  return out;
}

// ---- claim 2 -----------------------------------------------------------------------------------

function maxTps(data: ClaimsData, engine: string): { tps: number | null; load: number | null } {
  let best: number | null = null;
  let load: number | null = null;
  for (const p of pts(data, 'load', engine)) {
    const t = p.stats.tps.median;
    if (t !== null && (best === null || t > best)) {
      best = t;
      load = Number(p.key['load']);
    }
  }
  return { tps: best, load };
}

function claim2(data: ClaimsData): ClaimResult {
  const engines = data.plan.load.engines;
  const loads = data.plan.load.loads;
  const rows = engines.map((e) =>
    data.engines[e] !== true ? [e, ...loads.map(() => 'engine not available')] : [e, ...loads.map((l) => fmtStat(at(data, 'load', e, { load: l })?.stats.tps))],
  );
  const tt = maxTps(data, 'thermotruth');
  const latRows = engines
    .filter((e) => data.engines[e] === true)
    .map((e) => [e, ...loads.map((l) => fmtStat(at(data, 'load', e, { load: l })?.stats.latencyP50))]);
  return {
    id: '2',
    title: 'ThermoTruth sustains 200 TPS',
    design: '"200 TPS".',
    rule: `holds if the highest median throughput over the offered loads (${loads.join(', ')} tx/s, n = ${data.plan.load.n}) is at least 200 finalized transactions per second.`,
    verdict: tt.tps === null ? 'not measurable' : tt.tps >= 200 ? 'holds' : 'does not hold',
    finding:
      tt.tps === null
        ? 'No ThermoTruth throughput measured.'
        : `ThermoTruth peaks at ${fmt(tt.tps)} tx/s (offered ${tt.load} tx/s); PBFT ${fmt(maxTps(data, 'pbft').tps)}, HotStuff ${fmt(maxTps(data, 'hotstuff').tps)} tx/s at their best load.`,
    tables: [
      { columns: ['throughput (tx/s), median [95% CI]', ...loads.map((l) => `offered ${l}`)], rows },
      { columns: ['latency p50 (ms)', ...loads.map((l) => `offered ${l}`)], rows: latRows },
    ],
    plots: ['throughput-vs-load.svg'],
    replays: [at(data, 'load', 'thermotruth', { load: loads[loads.length - 1]! })?.replay ?? ''].filter((x) => x !== ''),
  };
}

// ---- claim 3 -----------------------------------------------------------------------------------

function claim3(data: ClaimsData): ClaimResult {
  const e = data.plan.error;
  const tables: Table[] = [];
  let worst: { rule: string; adversary: string; value: number } | null = null;
  const verdictByRule: Record<string, number | null> = {};
  for (const rule of e.rules) {
    const rows: string[][] = [];
    for (const adversary of ['none', ...e.adversaries]) {
      const cells = e.fractions.map((fraction) => {
        const p = at(data, 'error', 'thermotruth', { rule, fraction, adversary: fraction === 0 ? 'none' : adversary });
        if (adversary === 'none' && fraction !== 0) return '';
        if (adversary !== 'none' && fraction === 0) return '(see none)';
        if (p === undefined) return 'n/a';
        const v = p.runs.reduce((a, r) => a + r.violations, 0);
        const none = p.runs.filter((r) => r.decisions === 0).length;
        const cell = p.stats.error.median === null ? 'no epoch finalized' : fmtStat(p.stats.error);
        return `${cell}${none > 0 && p.stats.error.median !== null ? ` (${none} runs without an epoch)` : ''}${v > 0 ? ` (${v} violations)` : ''}`;
      });
      rows.push([adversary, ...cells]);
      const p33 = at(data, 'error', 'thermotruth', { rule, fraction: 0.33, adversary });
      const m = med(p33, 'error');
      if (adversary !== 'none' && m !== null) {
        verdictByRule[rule] = Math.max(verdictByRule[rule] ?? 0, m);
        if (rule === e.rules[0] && (worst === null || m > worst.value)) worst = { rule, adversary, value: m };
      }
    }
    tables.push({ columns: [`rule '${rule}': adversary`, ...e.fractions.map((f) => `${Math.round(f * 100)}% Byzantine`)], rows });
  }
  tables.push({
    columns: ['rule', 'worst median error at 33% (over adversaries)', 'verdict for this rule'],
    rows: e.rules.map((r) => [r, fmt(verdictByRule[r] ?? null), verdictByRule[r] === undefined ? 'not measurable' : verdictByRule[r]! < 0.05 ? 'holds' : 'does not hold']),
  });
  const headline = verdictByRule[e.rules[0]!];
  return {
    id: '3',
    title: 'Error below 0.05 with 33% Byzantine nodes',
    design: '"error < 0.05 at 33% Byzantine".',
    rule:
      `error = ||finalized aggregate - ground truth|| / (noiseSd sqrt(D)), the distance relative to the honest spread (the expected distance of one honest observation), averaged over the run's finalized epochs (ThermoTruth parameters ${JSON.stringify(e.ttParams)}); ` +
      `holds if, for the default rule '${e.rules[0]}', the median over seeds stays below 0.05 for every adversary at 33% Byzantine (n = ${e.n}). ` +
      `Disagreement among honest nodes is the agreement checker's count (violations, shown where non-zero): honest nodes finalize the same aggregate bits or the checker fires.`,
    verdict: headline === undefined || headline === null ? 'not measurable' : headline < 0.05 ? 'holds' : 'does not hold',
    finding:
      worst === null
        ? 'No run at 33% Byzantine.'
        : `Worst case for '${worst.rule}' at 33%: ${fmt(worst.value)} (adversary '${worst.adversary}'); with no Byzantine node at all the error is ${fmtStat(at(data, 'error', 'thermotruth', { rule: e.rules[0]!, fraction: 0, adversary: 'none' })?.stats.error)}.`,
    tables,
    plots: e.rules.map((r) => `error-vs-byzantine-${r}.svg`),
    replays: [at(data, 'error', 'thermotruth', { rule: e.rules[0]!, fraction: 0.33, adversary: 'in-range-drag' })?.replay ?? ''].filter((x) => x !== ''),
  };
}

// ---- claim 4 -----------------------------------------------------------------------------------

function claim4(data: ClaimsData): ClaimResult {
  const b = data.plan.bandwidthClaim;
  const rows: string[][] = [];
  for (const engine of b.engines) {
    if (data.engines[engine] !== true) {
      rows.push([engine, 'engine not available', '', '']);
      continue;
    }
    for (const n of b.ns) {
      const p = at(data, 'bandwidth', engine, { n });
      if (p === undefined) continue;
      rows.push([engine, String(n), fmtStat(p.stats.bytesPerTx), fmtStat(p.stats.busiestBytesPerTx)]);
    }
  }
  const ratios: { n: number; total: number; busiest: number }[] = [];
  for (const n of b.ns) {
    const tt = at(data, 'bandwidth', 'thermotruth', { n });
    const pb = at(data, 'bandwidth', 'pbft', { n });
    const a = med(tt, 'bytesPerTx');
    const c = med(pb, 'bytesPerTx');
    const a2 = med(tt, 'busiestBytesPerTx');
    const c2 = med(pb, 'busiestBytesPerTx');
    if (a !== null && c !== null && a2 !== null && c2 !== null) ratios.push({ n, total: a / c, busiest: a2 / c2 });
  }
  const holds = ratios.length > 0 && ratios.every((r) => r.total <= 0.1 && r.busiest <= 0.1);
  return {
    id: '4',
    title: '90% less bandwidth than PBFT',
    design: '"90% bandwidth saving" against PBFT.',
    rule: `bytes per committed transaction = bytes sent (framing included) / transactions finalized, over the whole run, at ${b.tps} tx/s offered; holds if ThermoTruth's median is at most 10% of PBFT's, both in total and at the busiest node, at every n measured (${b.ns.join(', ')}).`,
    verdict: data.engines['pbft'] !== true ? 'not measurable' : ratios.length === 0 ? 'not measurable' : holds ? 'holds' : 'does not hold',
    finding:
      data.engines['pbft'] !== true
        ? `${missing('pbft')}: there is nothing to compare with.`
        : ratios.map((r) => `n = ${r.n}: ThermoTruth / PBFT = ${fmt(r.total)} in total, ${fmt(r.busiest)} at the busiest node`).join('; ') + '.',
    tables: [
      { columns: ['engine', 'n', 'bytes / committed tx (all nodes)', 'bytes / committed tx (busiest node)'], rows },
      { columns: ['n', 'ThermoTruth / PBFT (total)', 'ThermoTruth / PBFT (busiest)'], rows: ratios.map((r) => [String(r.n), fmt(r.total), fmt(r.busiest)]) },
    ],
    plots: ['bytes-per-tx.svg'],
    replays: [],
  };
}

// ---- claim 5 -----------------------------------------------------------------------------------

function claim5(data: ClaimsData): ClaimResult {
  const y = data.plan.sybil;
  const rows: string[][] = [];
  let best: number | null = null;
  for (const adversary of y.adversaries) {
    for (const fraction of y.fractions) {
      const withPow = at(data, 'sybil', 'thermotruth', { adversary, fraction, pow: true });
      const without = at(data, 'sybil', 'thermotruth', { adversary, fraction, pow: false });
      const a = med(withPow, 'error');
      const c = med(without, 'error');
      const inc = a !== null && c !== null && a > 0 ? (c / a - 1) * 100 : null;
      if (inc !== null && (best === null || inc > best)) best = inc;
      rows.push([
        adversary,
        `${Math.round(fraction * 100)}%`,
        fmtStat(withPow?.stats.error),
        fmtStat(withPow?.stats.minted),
        fmtStat(without?.stats.error),
        fmtStat(without?.stats.minted),
        inc === null ? 'n/a' : `${fmt(inc)}%`,
      ]);
    }
  }
  return {
    id: '5',
    title: 'Without PoW the error spikes by 6000%',
    design: '"6000%" error spike when PoW is removed (the Sybil cost).',
    rule:
      `the same attacks run twice, changing one thing: with PoW (each proposal, and each of the ${y.sybils} identities a Byzantine node mints per epoch, costs a hashcash at the current difficulty, mined one after another) and without it (bits = 0: identities are free). ` +
      `increase = (median error without PoW / median error with PoW - 1) x 100%; holds if the largest increase measured is at least 6000% (ThermoTruth parameters ${JSON.stringify(y.ttParams)}).`,
    verdict: best === null ? 'not measurable' : best >= 6000 ? 'holds' : 'does not hold',
    finding: best === null ? 'No paired runs.' : `Largest increase measured: ${fmt(best)}% (n = ${y.n}).`,
    tables: [
      {
        columns: ['adversary', 'Byzantine', 'error with PoW', 'minted proposals per batch (PoW)', 'error without PoW', 'minted proposals per batch (no PoW)', 'increase'],
        rows,
      },
    ],
    plots: [],
    replays: [at(data, 'sybil', 'thermotruth', { adversary: y.adversaries[0]!, fraction: y.fractions[y.fractions.length - 1]!, pow: false })?.replay ?? ''].filter((x) => x !== ''),
  };
}

// ---- the designs' baseline figures -------------------------------------------------------------------

function baselines(data: ClaimsData): ClaimResult[] {
  const pb100 = at(data, 'scale', 'pbft', { n: 100 });
  const hs100 = at(data, 'scale', 'hotstuff', { n: 100 });
  let lat = med(pb100, 'latencyP50');
  let how = `PBFT at n = 100: ${fmtStat(pb100?.stats.latencyP50)} ms`;
  const fit = data.fits['pbft']?.['latencyP50'];
  const measuredNs = pts(data, 'scale', 'pbft').map((p) => Number(p.key['n']));
  if (lat === null && fit !== null && fit !== undefined && measuredNs.length >= 2) {
    // Not run at n = 100 at this size: extrapolate the fitted latency ~ c n^b to n = 100.
    const ref = pts(data, 'scale', 'pbft').filter((p) => p.stats.latencyP50.median !== null);
    const last = ref[ref.length - 1];
    if (last !== undefined) {
      const n0 = Number(last.key['n']);
      lat = last.stats.latencyP50.median! * (100 / n0) ** fit.exponent;
      how = `PBFT was run up to n = ${Math.max(...measuredNs)} at this size; extrapolated along its fitted latency ~ n^${fmt(fit.exponent)} from ${fmt(last.stats.latencyP50.median)} ms at n = ${n0}: about ${fmt(lat)} ms at n = 100 (an extrapolation, not a measurement)`;
    }
  }
  return [
    {
      id: 'B1',
      title: 'PBFT needs more than 100 s at n = 100',
      design: 'PBFT ">100 s" at n = 100 (the designs\' baseline figure).',
      rule: 'holds if the median PBFT transaction latency at n = 100 in the same runs as claim 1 exceeds 100 s (extrapolated from the fitted growth when the plan stops PBFT below n = 100, and said so).',
      verdict: data.engines['pbft'] !== true || lat === null ? 'not measurable' : lat > 100_000 ? 'holds' : 'does not hold',
      finding:
        data.engines['pbft'] !== true
          ? `${missing('pbft')}.`
          : `${how}; HotStuff at n = 100: ${hs100 === undefined ? 'not run at this size' : `${fmtStat(hs100.stats.latencyP50)} ms`}.`,
      tables: [],
      plots: [],
      replays: pb100 !== undefined ? [pb100.replay] : [],
    },
    {
      id: 'B2',
      title: 'HoneyBadgerBFT manages 4 TPS',
      design: 'HoneyBadgerBFT "4 TPS" (the designs\' baseline figure).',
      rule: 'Thermo has no HoneyBadgerBFT engine, so the figure cannot be checked here; the measured throughput of the two BFT baselines is set beside it.',
      verdict: 'not measurable',
      finding: `HoneyBadgerBFT is not implemented in Thermo. Measured in claim 2's runs: PBFT ${data.engines['pbft'] === true ? `${fmt(maxTps(data, 'pbft').tps)} tx/s` : 'engine not available'}, HotStuff ${data.engines['hotstuff'] === true ? `${fmt(maxTps(data, 'hotstuff').tps)} tx/s` : 'engine not available'} at their best offered load.`,
      tables: [],
      plots: [],
      replays: [],
    },
  ];
}

/** Safety across seeds: zero violations within the fault bound; the checkers fire beyond it. */
export function safetyTable(data: ClaimsData): Table {
  const rows: string[][] = [];
  for (const p of pts(data, 'safety')) {
    const v = p.runs.reduce((a, r) => a + r.violations, 0);
    const withV = p.runs.filter((r) => r.violations > 0).length;
    const errs = p.runs.reduce((a, r) => a + r.engineErrors, 0);
    rows.push([p.engine, String(p.key['n']), String(p.key['behaviour']), String(p.key['network']), `${p.key['byzantine']} (${p.key['side']} the bound)`, `${withV} of ${p.runs.length}`, String(v), String(errs)]);
  }
  return { columns: ['engine', 'n', 'behaviour', 'network', 'Byzantine nodes', 'runs with a violation', 'violations', 'engine errors'], rows };
}

export function claimsOf(data: ClaimsData): ClaimResult[] {
  return [...claim1(data), claim2(data), claim3(data), claim4(data), claim5(data), ...baselines(data)];
}
