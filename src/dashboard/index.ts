/**
 * src/dashboard: the web page every node serves at `/` (built by `npm run build:dashboard` into
 * src/dashboard/dist with vite; preact + uPlot, every asset bundled, no CDN, no web font).
 * Owns: the live view of one node and its devnet (live/: polling, the event stream, bounded
 * traces; ui/: the panels), the list of reports the node serves, local types and runtime checks
 * of the API's answers (api/).
 * Does not own: anything of the backend: it talks to a node only through its HTTP API
 * (layering rule dashboard-via-api-only); the report pages themselves (src/report).
 *
 * This file is the entry point: it reads `?api=URL` (another node; default this page's origin),
 * `?poll=MS` and `?points=N` (tests), builds the live model and renders the app.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render, h } from 'preact';
import { apiBase, jsonGetter, textGetter } from './api/client.js';
import { EventStream } from './api/events.js';
import { DEFAULT_OPTIONS, LiveModel } from './live/model.js';
import { App } from './ui/app.js';

function intParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const v = Number(params.get(name));
  return Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

const params = new URLSearchParams(location.search);
const base = apiBase(location);
const model = new LiveModel(
  {
    getJson: jsonGetter(base),
    getText: textGetter(base),
    now: () => Date.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    stream: (sink) => new EventStream(`${base}/events`, sink),
  },
  {
    pollMs: intParam(params, 'poll', DEFAULT_OPTIONS.pollMs, 20, 60_000),
    capacity: intParam(params, 'points', DEFAULT_OPTIONS.capacity, 10, 100_000),
  },
);
const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(h(App, { model, base }), root);
  model.start();
}
