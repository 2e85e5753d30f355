/**
 * The dashboard in a real browser against a real devnet: 3 ThermoTruth validators (the engine
 * `npm start` runs; `thermo node` processes under the devnet supervisor) with a transaction load. Debian chromium through
 * playwright-core opens node 0's dashboard, waits until the traces show live data, checks the
 * page's numbers against GET /status, /peers and /metrics, and saves a screenshot
 * (test-artifacts/dashboard.png). Then node 0 is killed: the page must say "disconnected —
 * retrying" (test-artifacts/dashboard-disconnected.png); node 0 is started again: the page must
 * go live again and its traces move on. No request may leave loopback.
 * It also waits for the engine's own traces and panel (temperature, difficulty, the epoch).
 * THERMO_DASHBOARD_ENGINE=NAME runs the same test on another engine's devnet (default
 * thermotruth); dashboard.engines.e2e.test.ts shows every other engine's page live.
 * Skips, saying so, only where /usr/bin/chromium is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, SKIP_REASON, artifactPath, scopePoints, testText, testValue, waitUntil } from './support/browser.js';
import type { GuardedPage } from './support/browser.js';
import { ENGINE_VIEW, startLiveDevnet } from './support/live-devnet.js';
import type { LiveDevnet } from './support/live-devnet.js';

const ENGINE = process.env['THERMO_DASHBOARD_ENGINE'] ?? 'thermotruth';

interface StatusBody {
  readonly height: number;
  readonly finalized: number;
  readonly peers: number;
  readonly engine: string;
  readonly validator: number | null;
  readonly peerId: string;
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
  return (await r.json()) as T;
}

async function bytesIn(api: string): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  return Number(/^thermo_net_bytes_in_total (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}

const TITLE = `dashboard in Debian chromium against a real ${ENGINE} devnet${HAVE_CHROMIUM ? '' : ` (${SKIP_REASON})`}`;

describe.skipIf(!HAVE_CHROMIUM)(TITLE, () => {
  let devnet: LiveDevnet | null = null;
  let g: GuardedPage;
  let api = '';

  beforeAll(async () => {
    devnet = await startLiveDevnet(ENGINE);
    g = devnet.guarded;
    api = devnet.api;
  }, 150_000);

  afterAll(async () => {
    await devnet?.close();
  }, 60_000);

  it('shows live traces whose numbers match the API, then "disconnected", then recovers', async () => {
    const { page } = g;
    await page.goto(`${api}/`);
    // live, and the traces have several samples with a moving height
    await page.waitForSelector('[data-testid="connection"][data-state="live"]', { timeout: 20_000 });
    await waitUntil('6 samples in the height trace', async () => (await scopePoints(page, 'height')) >= 6, 30_000);
    const h1 = (await testValue(page, 'height')) ?? -1;
    await waitUntil('the height to move', async () => ((await testValue(page, 'height')) ?? -1) > h1);
    await waitUntil('a throughput figure', async () => (await testValue(page, 'tps')) !== null);
    expect(await page.locator('[data-testid="scope-height"] canvas').count()).toBeGreaterThan(0);
    const view = ENGINE_VIEW[ENGINE] ?? { scopes: [] };
    for (const scope of view.scopes) await waitUntil(`the ${scope} trace`, async () => (await scopePoints(page, scope)) >= 3);
    if (view.panel !== undefined) expect(await page.locator(`[data-testid="${view.panel}"]`).isVisible()).toBe(true);
    expect(await scopePoints(page, 'throughput')).toBeGreaterThan(0);

    // the numbers on the page against the API, read just before and after
    const before = await getJson<StatusBody>(`${api}/status`);
    const pageHeight = (await testValue(page, 'height')) ?? -1;
    const pageFinalized = (await testValue(page, 'finalized')) ?? -1;
    const pagePeers = await testValue(page, 'peers');
    const after = await getJson<StatusBody>(`${api}/status`);
    const slack = 3 * Math.max(1, after.height - before.height) + 12; // the page polls once a second
    expect(pageHeight).toBeLessThanOrEqual(after.height);
    expect(pageHeight).toBeGreaterThanOrEqual(before.height - slack);
    expect(pageFinalized).toBeLessThanOrEqual(after.finalized);
    expect(pageFinalized).toBeGreaterThanOrEqual(before.finalized - slack);
    expect(pagePeers).toBe(after.peers);
    expect(await testText(page, 'engine')).toBe(after.engine);
    expect(await testText(page, 'node-id')).toContain(`validator ${after.validator ?? ''}`);
    const peers = await getJson<{ peers: { peerId: string }[] }>(`${api}/peers`);
    const rows = await page.locator('[data-testid="peer-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-peer') ?? ''));
    expect(rows.sort()).toEqual(peers.peers.map((p) => p.peerId).sort());
    const tel = await getJson<{ telemetry: Record<string, number> }>(`${api}/telemetry`);
    for (const key of Object.keys(tel.telemetry)) expect(await page.locator(`[data-testid="telemetry-${key}"]`).count(), key).toBe(1);
    // bytes: the page's rate is positive while the node's counter grows (a PoW devnet can be
    // quiet for seconds between blocks, so wait for the next message rather than a fixed time)
    const b0 = await bytesIn(api);
    await waitUntil('the bytes-in counter to grow', async () => (await bytesIn(api)) > b0, 20_000);
    await waitUntil('a positive bytes-in rate on the page', async () => ((await testValue(page, 'bytes-in')) ?? 0) > 0, 20_000);
    expect((await testValue(page, 'tps')) ?? -1).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });

    // stop the node the page is connected to: a clear "disconnected" state
    await devnet!.supervisor.kill(0);
    await page.waitForSelector('[data-testid="connection"][data-state="disconnected"]', { timeout: 15_000 });
    expect(await testText(page, 'conn-state')).toBe('disconnected — retrying');
    expect(await testText(page, 'last-seen')).toMatch(/last seen \d\d:\d\d:\d\d/);
    expect(await page.locator('[data-testid="disconnected-banner"]').isVisible()).toBe(true);
    await page.screenshot({ path: artifactPath('dashboard-disconnected.png'), fullPage: true });

    // start it again: live, and the traces move on
    devnet!.supervisor.spawn(0);
    await devnet!.supervisor.waitReady([0], 60_000, 1);
    await page.waitForSelector('[data-testid="connection"][data-state="live"]', { timeout: 20_000 });
    const p0 = await scopePoints(page, 'height');
    const h2 = (await testValue(page, 'height')) ?? -1;
    await waitUntil('the traces to move on', async () => (await scopePoints(page, 'height')) > p0 && ((await testValue(page, 'height')) ?? -1) > h2, 30_000);
    expect(await testText(page, 'conn-state')).toBe('live');
    await page.screenshot({ path: artifactPath('dashboard-recovered.png'), fullPage: true });

    expect(g.external).toEqual([]);
    expect(g.errors).toEqual([]);
  }, 180_000);
});
