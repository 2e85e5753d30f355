/**
 * The claims bench at smoke size, end to end through the CLI: the JSON has its shape, every
 * claim has a verdict derived from data, the SVGs are well-formed, the Markdown is generated;
 * determinism (same seeds, same numbers); the statistics and the SVG writer on their own.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { engineLookup, lineChart, median, medianInterval, planFor, powerFit, runClaims, runClaimsParallel } from '../../src/bench/index.js';
import type { ClaimsPlan } from '../../src/bench/index.js';
import { listReports } from '../../src/report/index.js';

const VERDICTS = ['holds', 'does not hold', 'not measurable'];

/** Minimal XML well-formedness: one root, every element closed in order, attributes quoted. */
function wellFormed(svg: string): boolean {
  const body = svg.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([<>])/g;
  let roots = 0;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    if (m[5] !== undefined) return false; // a stray < or > outside a tag
    const [, close, name, , selfClose] = m;
    if (close === '/') {
      if (stack.pop() !== name) return false;
    } else if (selfClose !== '/') {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  return stack.length === 0 && roots === 1;
}

/** Smoke size, seeds 1 and 2, n = 4: the beyond-the-bound points where at least one run broke safety. */
const CONTROLS_THAT_FIRE: Record<string, string[]> = { pbft: ['double-vote/split-worlds'], hotstuff: ['double-vote/split-worlds'] };

describe('thermo bench claims --size smoke', () => {
  let dir = '';
  let stdout = '';
  let code = -1;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'thermo-claims-'));
    const io = { stdout: (t: string) => void (stdout += t), stderr: () => undefined };
    code = await runCli(['bench', 'claims', '--size', 'smoke', '--out', dir, '--no-docs'], io);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and prints one verdict line per claim', () => {
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (const l of lines) expect(l).toMatch(/^claim \w+: (holds|does not hold|not measurable) - /);
  });

  it('writes claims.json with the plan, the engines, the points and a derived verdict for every claim', () => {
    const json = JSON.parse(readFileSync(join(dir, 'claims.json'), 'utf8')) as {
      command: string;
      plan: ClaimsPlan;
      engines: Record<string, boolean>;
      points: { experiment: string; engine: string; runs: { seed: number; violations: number }[]; stats: Record<string, { median: number | null; runs: number }> }[];
      claims: { id: string; verdict: string; finding: string; rule: string; design: string }[];
    };
    expect(json.command).toContain('thermo bench claims --size smoke');
    expect(json.plan.size).toBe('smoke');
    expect(json.engines['thermotruth']).toBe(true);
    const ids = json.claims.map((c) => c.id);
    expect(ids).toEqual(['1a', '1b', '1c', '1d', '2', '3', '4', '5', 'B1', 'B2']);
    for (const c of json.claims) {
      expect(VERDICTS).toContain(c.verdict);
      expect(c.rule.length).toBeGreaterThan(20);
      expect(c.finding.length).toBeGreaterThan(5);
    }
    for (const experiment of ['scale', 'load', 'error', 'bandwidth', 'sybil', 'safety']) {
      expect(json.points.some((p) => p.experiment === experiment && p.engine === 'thermotruth')).toBe(true);
    }
    for (const p of json.points) {
      expect(p.runs.map((r) => r.seed)).toEqual(json.plan.seeds);
      expect(p.stats['latencyP50']).toBeDefined();
    }
    // A verdict is a function of the data: claim 1b follows the fitted exponent's rule.
    const fits = (JSON.parse(readFileSync(join(dir, 'claims.json'), 'utf8')) as { fits: Record<string, Record<string, { exponent: number } | null>> }).fits;
    const b = fits['thermotruth']?.['msgsPerDecision']?.exponent;
    expect(json.claims.find((c) => c.id === '1b')?.verdict).toBe(b === undefined ? 'not measurable' : b < 1.5 ? 'holds' : 'does not hold');
    // ThermoTruth never breaks safety within its bound.
    for (const p of json.points.filter((q) => q.experiment !== 'safety' || (q as unknown as { key: { side: string } }).key.side === 'within')) {
      if (p.engine === 'thermotruth') expect(p.runs.every((r) => r.violations === 0)).toBe(true);
    }
  });

  it('safety: PBFT and HotStuff keep zero violations within the bound; beyond it the checkers fire', () => {
    type SafetyPoint = { experiment: string; engine: string; key: Record<string, string | number>; runs: { violations: number }[] };
    const points = (JSON.parse(readFileSync(join(dir, 'claims.json'), 'utf8')) as { points: SafetyPoint[] }).points.filter((p) => p.experiment === 'safety');
    for (const engine of ['pbft', 'hotstuff']) {
      const mine = points.filter((p) => p.engine === engine);
      expect(mine.some((p) => p.key['network'] === 'split-worlds')).toBe(true);
      for (const p of mine.filter((q) => q.key['side'] === 'within')) expect(p.runs.map((r) => r.violations), JSON.stringify(p.key)).toEqual([0, 0]);
      const fired = mine.filter((p) => p.key['side'] === 'beyond' && p.runs.some((r) => r.violations > 0)).map((p) => `${p.key['behaviour']}/${p.key['network']}`);
      expect(fired, engine).toEqual(CONTROLS_THAT_FIRE[engine]);
    }
  });

  it('writes well-formed SVG plots', () => {
    const plots = readdirSync(join(dir, 'plots'));
    expect(plots).toEqual(expect.arrayContaining(['latency-vs-n.svg', 'throughput-vs-load.svg', 'bytes-per-tx.svg', 'error-vs-byzantine-boltzmann.svg']));
    for (const f of plots) {
      const svg = readFileSync(join(dir, 'plots', f), 'utf8');
      expect(svg.startsWith('<?xml')).toBe(true);
      expect(wellFormed(svg), f).toBe(true);
    }
  });

  it('writes CLAIMS.md: generated header, a verdict table, every claim, the safety table', () => {
    const md = readFileSync(join(dir, 'CLAIMS.md'), 'utf8');
    expect(md).toContain('GENERATED by `npx thermo bench claims --size smoke --seeds 2`');
    for (const id of ['1a', '1b', '2', '3', '4', '5', 'B1', 'B2']) expect(md).toContain(`## Claim ${id}:`);
    expect(md).toContain('## Safety across seeds');
    expect(md).not.toMatch(/NaN|undefined/);
  });

  it('writes a self-contained index.html (verdicts, every claim, inline plots) that report listings find', () => {
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const json = JSON.parse(readFileSync(join(dir, 'claims.json'), 'utf8')) as { claims: { id: string; verdict: string }[] };
    for (const c of json.claims) {
      expect(html).toContain(`id="claim-${c.id.toLowerCase()}"`);
      expect(html).toContain(`<td>${c.verdict}</td>`);
    }
    expect(html).toContain('id="verdict-table"');
    expect(html).not.toContain('<?xml');
    const svgs = readdirSync(join(dir, 'plots')).length;
    expect(svgs).toBeGreaterThan(0);
    expect((html.match(/<svg[\s>]/g) ?? []).length).toBeGreaterThanOrEqual(svgs);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)|NaN|undefined/);
    const listed = listReports(join(dir, '..')).find((r) => r.name === basename(dir));
    expect(listed?.kind).toBe('bench-claims');
    expect(listed?.summary).toMatch(/^\d+ claims: \d+ hold/);
  });
});

describe('determinism', () => {
  const smoke = planFor('smoke');
  const tiny: ClaimsPlan = {
    ...smoke,
    scale: { ...smoke.scale, engines: ['thermotruth'], ns: [4] },
    load: { ...smoke.load, engines: [], loads: [] },
    error: { ...smoke.error, fractions: [0.34], adversaries: ['in-range-drag'], rules: ['boltzmann'] },
    bandwidthClaim: { ...smoke.bandwidthClaim, engines: [] },
    sybil: { ...smoke.sybil, adversaries: [] },
    safety: { ...smoke.safety, engines: [] },
  };

  it('the same plan and seeds give the same numbers', () => {
    const a = runClaims(tiny, { lookup: engineLookup });
    const b = runClaims(tiny, { lookup: engineLookup });
    expect(JSON.stringify(b.points)).toBe(JSON.stringify(a.points));
    expect(a.points.length).toBe(2);
  });

  it('on two worker threads the numbers are the same as in one thread', async () => {
    const a = runClaims(tiny, { lookup: engineLookup });
    const b = await runClaimsParallel(tiny, 2);
    expect(JSON.stringify(b.points)).toBe(JSON.stringify(a.points));
  }, 60_000);
});

describe('statistics', () => {
  it('median of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('order-statistic 95% interval for the median: ranks 2 and 9 of 10, coverage 97.85%', () => {
    const v = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    const ci = medianInterval(v)!;
    expect([ci.lo, ci.hi]).toEqual([2, 9]);
    expect(ci.coverage).toBeCloseTo(1 - 2 * (11 / 1024), 12);
    // Below 6 samples no pair of order statistics reaches 95%: [min, max] with its coverage.
    const small = medianInterval([5, 1, 3])!;
    expect([small.lo, small.hi, small.coverage]).toEqual([1, 5, 0.75]);
    // At m = 6 the extreme pair does: 1 - 2 / 64 = 0.96875.
    expect(medianInterval([1, 2, 3, 4, 5, 6])!.coverage).toBe(0.96875);
  });

  it('power fit recovers the exponent of y = c x^b exactly enough', () => {
    const fit = powerFit([4, 8, 16, 32].map((x) => ({ x, y: 3 * x * x })))!;
    expect(fit.exponent).toBeCloseTo(2, 10);
    expect(fit.r2).toBeCloseTo(1, 10);
    expect(powerFit([{ x: 4, y: 1 }])).toBeNull();
    expect(powerFit([{ x: 4, y: 0 }, { x: 8, y: -1 }])).toBeNull();
  });
});

describe('SVG writer', () => {
  it('escapes text and stays well-formed with log axes, interval bars, references and empty series', () => {
    const svg = lineChart({
      title: 'a <b> & "c"',
      xLabel: "x's",
      yLabel: 'y',
      logX: true,
      logY: true,
      series: [
        { name: 'one & two', points: [{ x: 4, y: 10, lo: 8, hi: 12 }, { x: 100, y: 1000, lo: 900, hi: 1100 }] },
        { name: 'empty', points: [{ x: 4, y: null }] },
      ],
      references: [{ y: 500, label: '<500>' }],
    });
    expect(wellFormed(svg)).toBe(true);
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).toContain('&lt;500&gt;');
    expect(svg).not.toContain('NaN');
  });
});
