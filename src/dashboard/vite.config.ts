/**
 * Builds the dashboard into src/dashboard/dist (served by every node at `/`):
 * `npm run build:dashboard`. Everything is bundled (preact, uPlot and its CSS); no CDN, no web
 * font, no external URL. Relative asset paths (`base: './'`), so the page works under any path.
 * Dev server: `THERMO_API=http://127.0.0.1:PORT npx vite --config src/dashboard/vite.config.ts`
 * proxies the API routes to a running node.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env['THERMO_API'] ?? 'http://127.0.0.1:8080';
const ROUTES = ['/status', '/peers', '/blocks', '/vertices', '/txs', '/accounts', '/telemetry', '/events', '/metrics', '/reports', '/dag', '/epoch'];

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 300,
  },
  server: { proxy: Object.fromEntries(ROUTES.map((r) => [r, { target: api, changeOrigin: false }])) },
});
