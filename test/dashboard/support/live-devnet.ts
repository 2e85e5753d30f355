/**
 * A real devnet for the browser tests: `nodes` `thermo node` processes of one engine under the
 * devnet supervisor, a transfer load sent to every node but node 0 (so node 0 can be killed
 * without stalling the clients), and Debian chromium with a guarded page (requests off loopback
 * and page errors recorded). Used by dashboard.e2e.test.ts and dashboard.engines.e2e.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { thermoNodeCommand } from '../../../src/cli/commands/devnet.js';
import { DevnetSupervisor, LoadGenerator, createDevnetLayout } from '../../../src/node/index.js';
import type { DevnetLayout } from '../../../src/node/index.js';
import { guardedPage, launchChromium } from './browser.js';
import type { GuardedPage } from './browser.js';
import { ensureDashboardBuilt } from './build.js';

/** The engine's own traces (scope ids) and panel the page must show live. */
export const ENGINE_VIEW: Readonly<Record<string, { readonly scopes: readonly string[]; readonly panel?: string }>> = {
  reference: { scopes: ['engine'] },
  pbft: { scopes: [] },
  hotstuff: { scopes: [] },
  coherence: { scopes: ['coherence', 'difficulty'] },
  negentropy: { scopes: ['temperature'], panel: 'dag-panel' },
  thermotruth: { scopes: ['temperature', 'difficulty'], panel: 'epoch-panel' },
};

export interface LiveDevnet {
  readonly layout: DevnetLayout;
  readonly supervisor: DevnetSupervisor;
  readonly browser: Browser;
  readonly guarded: GuardedPage;
  /** Node 0's API (and dashboard) base URL. */
  readonly api: string;
  close(): Promise<void>;
}

export async function startLiveDevnet(engine: string, nodes = 3, tps = 20): Promise<LiveDevnet> {
  ensureDashboardBuilt();
  const dir = mkdtempSync(join(tmpdir(), `thermo-dash-${engine}-`));
  const layout = await createDevnetLayout({ dir, nodes, engine });
  const supervisor = new DevnetSupervisor({ layout, nodeCommand: thermoNodeCommand });
  let browser: Browser | null = null;
  let load: LoadGenerator | null = null;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await load?.close().catch(() => undefined);
    await supervisor.stopAll(3000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    supervisor.spawnAll();
    const all = layout.nodes.map((_, i) => i);
    const [b] = await Promise.all([launchChromium(), supervisor.waitReady(all, 90_000, 1)]);
    browser = b;
    load = new LoadGenerator({ nodes: layout.nodes.slice(1).map((n) => n.apiUrl), chainId: layout.chainId, tps, senders: 8, recipients: 64, trackNode: 0 });
    await load.start();
    const guarded = await guardedPage(browser);
    return { layout, supervisor, browser, guarded, api: layout.nodes[0]!.apiUrl, close };
  } catch (e) {
    await close();
    throw e;
  }
}
