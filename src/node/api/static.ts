/**
 * The dashboard: static files from `src/dashboard/dist` (built by the dashboard's own tooling)
 * served at `/`, or a small placeholder page when that folder does not exist. Paths are
 * resolved and must stay inside the folder; only GET; files are read per request (the
 * dashboard is small and rarely requested).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  readonly body: Buffer | string;
  readonly type: string;
}

export function placeholderPage(chainId: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Thermo node</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>Thermo node: ${chainId.replace(/[<>&"]/g, '')}</h1>
<p>The dashboard is not built (no <code>src/dashboard/dist</code>). The node's HTTP API is up:</p>
<ul>
<li><a href="/status">/status</a>, <a href="/peers">/peers</a>, <a href="/telemetry">/telemetry</a></li>
<li><a href="/blocks">/blocks</a> (finalized log), <code>/blocks/:height-or-hash</code>, <code>/txs/:id</code></li>
<li><code>/accounts/:address</code>, <code>/accounts/:address/proof</code></li>
<li><a href="/events">/events</a> (server-sent events), <a href="/metrics">/metrics</a> (Prometheus)</li>
</ul></body></html>`;
}

/** The file for a URL path, or null (not found / outside the folder / no folder). */
export function dashboardFile(dir: string, urlPath: string): StaticFile | null {
  if (!existsSync(dir)) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const root = resolve(dir);
  let path = resolve(root, `.${normalize(`/${rel}`)}`);
  if (path !== root && !path.startsWith(root + sep)) return null;
  try {
    if (statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!statSync(path).isFile()) return null;
    return { body: readFileSync(path), type: TYPES[extname(path)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}
