/**
 * The simulation report: one self-contained page (no external references, well-formed SVG),
 * numbers equal to the SimResult's, violations and the replay command shown, hostile strings
 * escaped; the writer's folder layout and listing; `thermo sim --report DIR` end to end.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { listReports, renderSimReport, summaryRows, writeReport, writeSimReport } from '../../src/report/index.js';
import type { SimReportInput } from '../../src/report/index.js';
import { runScenario, scenarioFromArgs } from '../../src/sim/index.js';
import type { SimResult } from '../../src/sim/index.js';
import { externalReferences, svgElements, xmlWellFormedError } from './support/xml-check.js';

const tmp = mkdtempSync(join(tmpdir(), 'thermo-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const clean: SimResult = runScenario(scenarioFromArgs({ engine: 'reference', nodes: '4', seed: '5', duration: '3', loss: '0.02' }));

/** data-value of the row with data-key=KEY (summary tables). */
function rowValue(html: string, key: string): string | undefined {
  const re = new RegExp(`<tr data-key="${key.replace(/[.]/g, '\\.')}"><th>[^<]*</th><td[^>]*?(?: data-value="([^"]*)")?>([^<]*)</td>`);
  const m = re.exec(html);
  return m === null ? undefined : (m[1] ?? m[2]);
}

function assertSelfContained(html: string): void {
  expect(externalReferences(html)).toEqual([]);
  expect(html).not.toMatch(/<script|<link|<img|<iframe|@font-face/i);
  const svgs = svgElements(html);
  expect(svgs.length).toBeGreaterThan(0);
  for (const svg of svgs) expect(xmlWellFormedError(svg)).toBeNull();
}

describe('renderSimReport', () => {
  const html = renderSimReport(clean);

  it('is one self-contained document: no external URLs, no scripts, every SVG well-formed', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    assertSelfContained(html);
  });

  it('shows every summary field with its exact value', () => {
    const rows = summaryRows(clean.summary);
    expect(rows.length).toBeGreaterThan(30);
    for (const [key, value] of rows) {
      const shown = rowValue(html, key);
      if (typeof value === 'number') expect(shown, key).toBe(String(value));
      else if (typeof value === 'string') expect(shown, key).toBe(value);
    }
    expect(rowValue(html, 'tps')).toBe(String(clean.summary.tps));
    expect(rowValue(html, 'dropped.loss')).toBe(String(clean.summary.dropped.loss));
    expect(clean.summary.dropped.loss).toBeGreaterThan(0);
  });

  it('plots every gauge series and the per-node bytes, and tabulates each node', () => {
    for (const name of Object.keys(clean.series)) expect(html).toContain(`data-chart="gauge-${name}"`);
    expect(html).toContain('data-chart="per-node-bytes"');
    const table = /<table id="per-node">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const rows = [...table.matchAll(/<tr>(<td[\s\S]*?)<\/tr>/g)].map((m) => [...(m[1] ?? '').matchAll(/data-value="([^"]*)"/g)].map((v) => Number(v[1])));
    expect(rows).toHaveLength(clean.perNode.length);
    clean.perNode.forEach((n, i) => {
      // node, region, bytes out, bytes in, msgs out, msgs in, penalties, finalized entries, crashes
      expect(rows[i]).toEqual([n.node, n.region, n.bytesOut, n.bytesIn, n.msgsOut, n.msgsIn, n.penaltiesReceived, n.finalizedEntries, n.crashes]);
    });
  });

  it('says "no violation" for a safe run and shows the replay command', () => {
    expect(html).toContain('id="violations-none"');
    expect(html).toContain(`<pre id="replay-command">${clean.replay}</pre>`);
  });

  it('lists the violations of a control run', () => {
    const broken = runScenario(scenarioFromArgs({ engine: 'reference-broken', nodes: '4', seed: '1', duration: '1', 'byzantine-nodes': '0', behaviour: 'equivocate' }));
    expect(broken.summary.safety_violations).toBeGreaterThan(0);
    const page = renderSimReport(broken);
    assertSelfContained(page);
    const table = /<table id="violations">([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '';
    expect(table.match(/<tr>/g)?.length).toBe(broken.violations.length + 1);
    expect(page).toContain(`${broken.summary.safety_violations} SAFETY VIOLATION(S)`);
  });

  it('draws the z_c reference on coherence gauges and escapes hostile strings', () => {
    const evil = '</pre><script>alert(1)</script>';
    const input: SimReportInput = {
      ...clean,
      summary: { ...clean.summary, engine: evil },
      replay: evil,
      series: { coherence_r: [{ t: 1, min: 0.8, mean: 0.85, max: 0.9 }, { t: 2, min: 0.86, mean: 0.88, max: 0.9 }] },
      violations: [{ kind: 'agreement', node: 1, atMs: 3, slot: evil, detail: evil }],
    };
    const page = renderSimReport(input);
    assertSelfContained(page);
    expect(page).not.toContain('<script>');
    expect(page).toContain('z_c = √3/2');
  });
});

describe('report folders', () => {
  it('writeSimReport writes index.html, result.json and report.json; listReports lists them newest first', () => {
    const root = join(tmp, 'list');
    writeSimReport(join(root, 'a'), clean, new Date('2026-01-01T00:00:00Z'));
    writeReport(join(root, 'b'), '<!doctype html><p>b</p>', { x: 1n }, { kind: 'bench-claims', title: 'claims', createdAt: '2026-02-01T00:00:00.000Z', summary: 's' });
    mkdirSync(join(root, 'not-a-report'));
    writeFileSync(join(root, 'not-a-report', 'report.json'), '{"kind": 3}');
    const back = JSON.parse(readFileSync(join(root, 'a', 'result.json'), 'utf8')) as SimReportInput;
    expect(back.summary).toEqual(JSON.parse(JSON.stringify(clean.summary)));
    expect(readFileSync(join(root, 'b', 'result.json'), 'utf8')).toContain('"x": "1"');
    const list = listReports(root);
    expect(list.map((r) => r.name)).toEqual(['b', 'a']);
    expect(list[1]).toMatchObject({ kind: 'sim', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(listReports(join(tmp, 'missing'))).toEqual([]);
    // a result.json renders the same page as the in-memory result
    expect(renderSimReport(back)).toBe(renderSimReport(clean));
  });
});

describe('thermo sim --report DIR', () => {
  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  }

  it('writes the page and the data; --json keeps stdout to one line', async () => {
    const dir = join(tmp, 'cli');
    const r = await cli('sim', '--engine', 'reference', '--nodes', '4', '--seed', '5', '--duration', '3', '--loss', '0.02', '--json', '--report', dir);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toBe(`report: ${join(dir, 'index.html')}\n`);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    assertSelfContained(html);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(rowValue(html, 'trace_hash')).toBe(json['trace_hash']);
    expect(rowValue(html, 'tps')).toBe(String(json['tps']));
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toMatchObject({ kind: 'sim' });
  });

  it('an unwritable folder is a usage error, the run still prints its summary', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const r = await cli('sim', '--engine', 'reference', '--nodes', '4', '--duration', '1', '--report', join(file, 'sub'));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('thermo sim: reference');
    expect(r.stderr).toContain('cannot write the report');
  });
});
