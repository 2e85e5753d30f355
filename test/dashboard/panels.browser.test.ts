/**
 * The panels a reference devnet cannot show, in Debian chromium against a stand-in API
 * (support/fake-node.ts, which also serves the routes the dashboard proposes): the coherence
 * traces with z_c, the negentropy DAG view, the ThermoTruth epoch view, the reports list and
 * opening a report (a self-contained page: no request leaves, every SVG parses as XML), and a
 * soak at 50 polls per second whose JS heap and DOM size stay flat once the traces are full.
 * Skips, saying so, only where /usr/bin/chromium is absent.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSimReport } from '../../src/report/index.js';
import { runScenario, scenarioFromArgs } from '../../src/sim/index.js';
import { HAVE_CHROMIUM, SKIP_REASON, artifactPath, guardedPage, launchChromium, scopePoints, testValue, waitUntil } from './support/browser.js';
import { DASHBOARD_DIST, ensureDashboardBuilt } from './support/build.js';
import { FakeNode } from './support/fake-node.js';

const TITLE = `dashboard panels in Debian chromium (stand-in API)${HAVE_CHROMIUM ? '' : ` (${SKIP_REASON})`}`;

async function waitPoints(page: Page, scope: string, n: number): Promise<void> {
  await waitUntil(`${n} samples in the ${scope} trace`, async () => (await scopePoints(page, scope)) >= n);
}

/** Runs in the report page: how many <parsererror> each inline SVG gives when parsed alone as XML. */
const PARSE_SVGS = `[...document.querySelectorAll('svg')].map((svg) => new DOMParser().parseFromString(svg.outerHTML, 'image/svg+xml').getElementsByTagName('parsererror').length)`;

describe.skipIf(!HAVE_CHROMIUM)(TITLE, () => {
  let browser: Browser | null = null;
  let tmp = '';
  const nodes: FakeNode[] = [];

  async function fake(engine: string, withReports = false): Promise<FakeNode> {
    const n = new FakeNode({ engine, dashboardDir: DASHBOARD_DIST, ...(withReports ? { reportsDir: join(tmp, 'reports') } : {}) });
    await n.start();
    nodes.push(n);
    return n;
  }

  beforeAll(async () => {
    ensureDashboardBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'thermo-dash-panels-'));
    const reports = join(tmp, 'reports');
    mkdirSync(reports);
    const result = runScenario(scenarioFromArgs({ engine: 'reference', nodes: '4', seed: '2', duration: '2' }));
    writeSimReport(join(reports, 'sim-seed-2'), result);
    writeFileSync(join(reports, 'names.txt'), 'sim-seed-2\n');
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    for (const n of nodes) await n.stop();
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
  });

  it('coherence: r against z_c and difficulty traces, numbers equal to /telemetry', async () => {
    const node = await fake('coherence');
    const g = await guardedPage(browser!);
    await g.page.goto(`${node.url}/`);
    await waitPoints(g.page, 'coherence', 3);
    await waitPoints(g.page, 'difficulty', 3);
    const shown = (await testValue(g.page, 'telemetry-coherenceR')) ?? -1;
    const tel = ((await (await fetch(`${node.url}/telemetry`)).json()) as { telemetry: Record<string, number> }).telemetry;
    expect(Math.abs(shown - (tel['coherenceR'] ?? 0))).toBeLessThan(0.2); // the fake moves it by at most 0.05 a block
    expect(await g.page.locator('[data-testid="dag-panel"]').count()).toBe(0);
    await g.page.screenshot({ path: artifactPath('dashboard-coherence.png'), fullPage: true });
    expect(g.external).toEqual([]);
    expect(g.errors).toEqual([]);
    await g.page.close();
  }, 60_000);

  it('negentropy: temperature trace and the DAG of recent vertices (final, accepted, preferred)', async () => {
    const node = await fake('negentropy');
    const g = await guardedPage(browser!);
    await g.page.goto(`${node.url}/`);
    await waitPoints(g.page, 'temperature', 3);
    await g.page.waitForSelector('[data-testid="dag-vertex"][data-final="true"]', { timeout: 20_000 });
    const statuses = await g.page.locator('[data-testid="dag-vertex"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(8);
    expect(statuses).toContain('accepted');
    expect(await g.page.textContent('[data-testid="dag-summary"]')).toMatch(/\d+ vertices shown: \d+ final, \d+ accepted, \d+ preferred/);
    await g.page.screenshot({ path: artifactPath('dashboard-negentropy.png'), fullPage: true });
    expect(g.errors).toEqual([]);
    await g.page.close();
  }, 60_000);

  it('thermotruth: the last epoch\'s proposals, the flagged outlier and the aggregate', async () => {
    const node = await fake('thermotruth');
    const g = await guardedPage(browser!);
    await g.page.goto(`${node.url}/`);
    await g.page.waitForSelector('[data-testid="epoch-table"]', { timeout: 20_000 });
    expect(await g.page.locator('[data-testid="proposal-row"]').count()).toBe(5);
    expect(await g.page.locator('[data-testid="proposal-row"].bad').count()).toBe(1);
    expect(await g.page.textContent('[data-testid="aggregate-row"]')).toContain('10.4');
    await waitPoints(g.page, 'temperature', 2);
    await g.page.screenshot({ path: artifactPath('dashboard-thermotruth.png'), fullPage: true });
    expect(g.errors).toEqual([]);
    await g.page.close();
  }, 60_000);

  it('lists the reports and opens one: self-contained, every SVG parses', async () => {
    const node = await fake('reference', true);
    const g = await guardedPage(browser!);
    await g.page.goto(`${node.url}/`);
    const item = g.page.locator('[data-testid="report-item"] a');
    await item.first().waitFor({ timeout: 25_000 });
    expect(await item.count()).toBe(1);
    const [report] = await Promise.all([g.page.context().waitForEvent('page'), item.first().click()]);
    await report.waitForLoadState('load');
    expect(report.url()).toBe(`${node.url}/reports/sim-seed-2/`);
    expect(await report.title()).toContain('thermo sim: reference, 4 nodes, seed 2');
    const verdicts = await report.evaluate<number[]>(PARSE_SVGS);
    expect(verdicts.length).toBeGreaterThan(1);
    expect(verdicts.every((n) => n === 0)).toBe(true);
    expect(g.external).toEqual([]);
    await report.close();
    await g.page.close();
  }, 60_000);

  it('soak: polling every 20 ms, the JS heap and the DOM stay flat once the traces are full', async () => {
    const node = await fake('coherence');
    const g = await guardedPage(browser!);
    const cdp = await g.page.context().newCDPSession(g.page);
    const heap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    /** Median of three readings after full GCs (single readings jitter by a few hundred kB). */
    const measure = async (): Promise<{ heap: number; nodes: number; points: number; samples: number }> => {
      const h = [await heap(), await heap(), await heap()].sort((x, y) => x - y)[1] ?? 0;
      const nodes = await g.page.locator('*').count();
      const points = await scopePoints(g.page, 'height');
      const samples = Number((await g.page.getAttribute('[data-testid="app"]', 'data-samples')) ?? '0');
      return { heap: h, nodes, points, samples };
    };
    await g.page.goto(`${node.url}/?poll=20&points=100`);
    await waitPoints(g.page, 'height', 100);
    await g.page.waitForTimeout(2000);
    const a = await measure();
    await g.page.waitForTimeout(15_000);
    const b = await measure();
    const ticks = b.samples - a.samples;
    console.log(`dashboard soak: ${ticks} updates in 15 s; heap ${a.heap} -> ${b.heap} bytes; DOM ${a.nodes} -> ${b.nodes} elements`);
    expect(ticks).toBeGreaterThan(100); // it really updated, many times
    expect(a.points).toBe(100);
    expect(b.points).toBe(100);
    expect(Math.abs(b.nodes - a.nodes)).toBeLessThanOrEqual(20);
    // Flat within 1.5 MiB: keeping each update's chart data (11 traces x 100 points) would add
    // about 9 kB per update, several MiB over this window.
    expect(b.heap - a.heap).toBeLessThan(1.5 * 1024 * 1024);
    expect(g.errors).toEqual([]);
    await cdp.detach();
    await g.page.close();
  }, 90_000);
});
