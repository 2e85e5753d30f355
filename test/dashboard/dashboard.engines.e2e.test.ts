/**
 * Every engine's live page, in Debian chromium against a real 3-node devnet of that engine
 * (dashboard.e2e.test.ts covers ThermoTruth in depth: numbers against the API, disconnection
 * and recovery). Per engine: the page goes live, the height trace fills and moves, the engine's
 * own traces (coherence r and difficulty; negentropy temperature; ...) get samples, its panel
 * (the negentropy DAG) shows vertices, the engine name matches GET /status, no request leaves
 * loopback and the page throws nothing. Screenshot: test-artifacts/dashboard-live-ENGINE.png.
 * THERMO_DASHBOARD_LIVE_ENGINES=a,b,... picks the engines (default: every registered engine but
 * thermotruth, which the other test runs, and the reference test fixture).
 * Skips, saying so, only where /usr/bin/chromium is absent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engines/index.js';
import { HAVE_CHROMIUM, SKIP_REASON, artifactPath, scopePoints, testText, testValue, waitUntil } from './support/browser.js';
import { ENGINE_VIEW, startLiveDevnet } from './support/live-devnet.js';
import type { LiveDevnet } from './support/live-devnet.js';

const DEFAULT_ENGINES = [...ENGINES.keys()].filter((e) => e !== 'thermotruth' && e !== 'reference' && e !== 'reference-broken');
const LIVE_ENGINES = process.env['THERMO_DASHBOARD_LIVE_ENGINES']?.split(',') ?? DEFAULT_ENGINES;

describe.skipIf(!HAVE_CHROMIUM)(`every engine's live dashboard in Debian chromium${HAVE_CHROMIUM ? '' : ` (${SKIP_REASON})`}`, () => {
  let devnet: LiveDevnet | null = null;
  afterEach(async () => {
    await devnet?.close();
    devnet = null;
  }, 60_000);

  it('covers the engines the registry lists', () => {
    expect(DEFAULT_ENGINES).toEqual(expect.arrayContaining(['coherence', 'negentropy', 'pbft', 'hotstuff']));
    for (const e of LIVE_ENGINES) expect(ENGINE_VIEW[e], e).toBeDefined();
  });

  for (const engine of LIVE_ENGINES) {
    it(`${engine}: live traces, the engine's own traces and panel`, async () => {
      devnet = await startLiveDevnet(engine);
      const { page } = devnet.guarded;
      await page.goto(`${devnet.api}/`);
      await page.waitForSelector('[data-testid="connection"][data-state="live"]', { timeout: 20_000 });
      await waitUntil('6 samples in the height trace', async () => (await scopePoints(page, 'height')) >= 6, 30_000);
      const status = (await (await fetch(`${devnet.api}/status`)).json()) as { engine: string; height: number };
      expect(await testText(page, 'engine')).toBe(engine);
      expect(status.engine).toBe(engine);
      // the chain moves on the page (a PoW devnet mines a block every few seconds)
      const h0 = (await testValue(page, 'height')) ?? -1;
      await waitUntil('the height to move', async () => ((await testValue(page, 'height')) ?? -1) > h0, 45_000);
      const view = ENGINE_VIEW[engine]!;
      for (const scope of view.scopes) await waitUntil(`the ${scope} trace`, async () => (await scopePoints(page, scope)) >= 3);
      if (view.panel !== undefined) {
        expect(await page.locator(`[data-testid="${view.panel}"]`).isVisible()).toBe(true);
      }
      if (engine === 'negentropy') {
        await waitUntil('DAG vertices drawn', async () => (await page.locator('[data-testid="dag-panel"] circle').count()) > 0);
      }
      await page.screenshot({ path: artifactPath(`dashboard-live-${engine}.png`), fullPage: true });
      expect(devnet.guarded.external).toEqual([]);
      expect(devnet.guarded.errors).toEqual([]);
    }, 180_000);
  }
});
