/**
 * `renderSimReport(result)`: the self-contained HTML page of one simulation run (written by
 * `thermo sim --report DIR`). Sections: the summary table (every field of the `--json` line,
 * nested counts flattened as `dropped.loss`), one plot per gauge series (mean across honest
 * nodes with the min..max band; z_c for coherence), per-node bytes and messages, safety
 * violations and engine errors, rejection/penalty codes, and the replay command.
 */
import { escapeXml, formatNumber } from './escape.js';
import type { Cell, PageSection } from './page.js';
import { htmlPage, keyValueTable, paragraph, preformatted, table } from './page.js';
import type { SimReportInput } from './sim-input.js';
import { svgBarChart } from './svg-bars.js';
import { svgLineChart } from './svg-chart.js';
import type { ReferenceLine } from './svg-chart.js';

/** z_c = sqrt(3)/2, the coherence threshold of Proof-of-Coherence. */
export const Z_C = Math.sqrt(3) / 2;

const PALETTE = ['#7ef0c0', '#6cb6ff', '#ffb86c', '#ff7ab2', '#c3a6ff', '#e0e070'];

export interface SimReportOptions {
  /** Footer text, e.g. "written by thermo sim at 2026-11-23T12:00:00Z". Omitted: no footer. */
  readonly footer?: string;
}

/** Summary rows in the summary's own order; nested records become `outer.inner` rows. */
export function summaryRows(summary: object): [string, Cell][] {
  const rows: [string, Cell][] = [];
  for (const [key, value] of Object.entries(summary as Readonly<Record<string, unknown>>)) {
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) {
      rows.push([key, value]);
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Readonly<Record<string, unknown>>)) {
        rows.push([`${key}.${k}`, typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null ? v : JSON.stringify(v)]);
      }
    }
  }
  return rows;
}

/** The figures people look for first, as cards (each also appears in the summary table). */
function headline(r: SimReportInput): string {
  const s = r.summary as unknown as Readonly<Record<string, unknown>>;
  const pick = (key: string, label: string, unit: string): string => {
    const v = s[key];
    const text = typeof v === 'number' ? formatNumber(v) : '–';
    return `<div class="card" data-key="${escapeXml(key)}"><div class="label">${escapeXml(label)}</div><div class="value">${escapeXml(text)}<span class="unit">${escapeXml(unit)}</span></div></div>`;
  };
  const safe = r.summary.safety_violations === 0;
  return [
    '<div class="cards">',
    pick('tps', 'throughput', ' tx/s'),
    pick('latency_p50_ms', 'finality p50', ' ms'),
    pick('latency_p99_ms', 'finality p99', ' ms'),
    pick('finalized', 'finalized', ' tx'),
    pick('bytes_per_node_per_s', 'sent per node', ' B/s'),
    `<div class="card ${safe ? 'ok' : 'bad'}" data-key="safety"><div class="label">safety</div><div class="value">${safe ? 'safe' : escapeXml(`${r.summary.safety_violations} violations`)}</div></div>`,
    '</div>',
  ].join('');
}

/** The summary rows in two side-by-side tables (each row keeps its data-key). */
function summaryTables(rows: readonly (readonly [string, Cell])[]): string {
  const half = Math.ceil(rows.length / 2);
  return `<div class="split">${keyValueTable(rows.slice(0, half), 'summary-table')}${keyValueTable(rows.slice(half), 'summary-table-2')}</div>`;
}

function referencesFor(name: string): ReferenceLine[] {
  return /coherence|(^|_)r$/i.test(name) ? [{ y: Z_C, label: 'z_c = √3/2 ≈ 0.866' }] : [];
}

function gaugeCharts(r: SimReportInput): string {
  const names = Object.keys(r.series);
  if (names.length === 0) return paragraph('The engine reported no gauges in this run.', 'muted');
  const charts = names.map((name, i) => {
    const samples = r.series[name] ?? [];
    const color = PALETTE[i % PALETTE.length] ?? '#7ef0c0';
    return svgLineChart(
      [
        {
          name: 'mean',
          color,
          x: samples.map((s) => s.t),
          y: samples.map((s) => s.mean),
          band: { lo: samples.map((s) => s.min), hi: samples.map((s) => s.max) },
        },
      ],
      { title: `${name} (honest nodes: mean, min..max)`, xLabel: 'simulated time (s)', width: 560, height: 220, references: referencesFor(name), id: `gauge-${name}` },
    );
  });
  return `<div class="charts">${charts.join('\n')}</div>`;
}

function perNodeSection(r: SimReportInput): string {
  const bars = svgBarChart(
    r.perNode.map((n) => ({ label: String(n.node), values: [n.bytesOut, n.bytesIn] })),
    {
      title: 'bytes sent and received per node (whole run)',
      series: [
        { name: 'out', color: '#6cb6ff' },
        { name: 'in', color: '#7ef0c0' },
      ],
      yLabel: 'bytes',
      id: 'per-node-bytes',
    },
  );
  const rows = r.perNode.map((n): Cell[] => [n.node, n.honest ? 'honest' : 'Byzantine', n.region, n.up, n.bytesOut, n.bytesIn, n.msgsOut, n.msgsIn, n.penaltiesReceived, n.finalizedEntries, n.crashes]);
  const t = table(['node', 'role', 'region', 'up', 'bytes out', 'bytes in', 'msgs out', 'msgs in', 'penalties', 'finalized entries', 'crashes'], rows, 'per-node');
  return `<div class="charts">${bars}</div>${t}`;
}

function violationsSection(r: SimReportInput): string {
  const count = r.summary.safety_violations;
  const parts: string[] = [];
  if (count === 0 && r.violations.length === 0) parts.push('<p class="ok" id="violations-none">No safety invariant was violated.</p>');
  else {
    parts.push(`<p class="bad">${escapeXml(`${count} safety violation(s); ${r.violations.length} kept in full:`)}</p>`);
    parts.push(table(['kind', 'node', 'at (ms)', 'slot', 'detail'], r.violations.map((v) => [v.kind, v.node, v.atMs, v.slot ?? '', v.detail]), 'violations'));
  }
  if (r.engineErrors.length > 0) {
    parts.push(`<p class="bad">${escapeXml(`${r.engineErrors.length} engine error(s) (an honest node threw and was crashed):`)}</p>`);
    parts.push(table(['node', 'at (ms)', 'error'], r.engineErrors.map((e) => [e.node, e.atMs, e.error]), 'engine-errors'));
  }
  return parts.join('');
}

function codesSection(r: SimReportInput): string {
  const rows: Cell[][] = [];
  for (const [code, n] of Object.entries(r.rejectedByCode)) rows.push(['rejected transaction', code, n]);
  for (const [code, n] of Object.entries(r.penaltiesByCode)) rows.push(['peer penalty', code, n]);
  return rows.length === 0 ? paragraph('No rejected transactions and no peer penalties.', 'muted') : table(['what', 'code', 'count'], rows, 'codes');
}

export function renderSimReport(r: SimReportInput, options: SimReportOptions = {}): string {
  const s = r.summary;
  const sections: PageSection[] = [
    { id: 'summary', title: 'Summary', html: `${headline(r)}${summaryTables(summaryRows(s))}` },
    { id: 'gauges', title: 'Engine gauges over time', html: gaugeCharts(r) },
    { id: 'nodes', title: 'Per node', html: perNodeSection(r) },
    { id: 'safety', title: 'Safety', html: violationsSection(r) },
    { id: 'codes', title: 'Rejections and penalties', html: codesSection(r) },
    { id: 'replay', title: 'Replay', html: `${paragraph('This command reproduces the run exactly (same trace hash):')}${preformatted(r.replay, 'replay-command')}` },
  ];
  return htmlPage({
    title: `thermo sim: ${s.engine}, ${s.nodes} nodes, seed ${s.seed}`,
    subtitle: `${s.duration_s} s simulated · ${s.safety_violations === 0 ? 'safe' : `${s.safety_violations} SAFETY VIOLATION(S)`} · trace ${s.trace_hash}`,
    sections,
    ...(options.footer === undefined ? {} : { footer: options.footer }),
  });
}
