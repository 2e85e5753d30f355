/**
 * Makes sure src/dashboard/dist is built from the current sources (`npm test` builds it first;
 * this covers `npx vitest run test/dashboard` after an edit): rebuilds with vite when the page
 * is missing or older than any dashboard source file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_SRC = fileURLToPath(new URL('../../../src/dashboard', import.meta.url));
export const DASHBOARD_DIST = join(DASHBOARD_SRC, 'dist');
const VITE = fileURLToPath(new URL('../../../node_modules/vite/bin/vite.js', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureDashboardBuilt(): void {
  const page = join(DASHBOARD_DIST, 'index.html');
  if (existsSync(page) && statSync(page).mtimeMs >= newestSource(DASHBOARD_SRC)) return;
  const r = spawnSync(process.execPath, [VITE, 'build', '--config', join(DASHBOARD_SRC, 'vite.config.ts')], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`dashboard build failed (${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
}
