/**
 * The page frame of every report: one self-contained HTML document with inline CSS (a dark
 * "oscilloscope" look, system fonts only), no scripts, no external URLs. Sections are HTML
 * strings built by the callers from `table`, `keyValueTable` and svg-chart.ts.
 */
import { escapeXml, formatNumber } from './escape.js';

export interface PageSection {
  readonly id: string;
  readonly title: string;
  /** Trusted HTML built by this module's helpers (data is escaped there). */
  readonly html: string;
}

export interface PageOptions {
  readonly title: string;
  /** One line under the title (plain text). */
  readonly subtitle?: string;
  readonly sections: readonly PageSection[];
  /** Plain-text footer line (e.g. the generator and a date). */
  readonly footer?: string;
}

const CSS = `
:root { color-scheme: dark; }
* { box-sizing: border-box; }
body { margin: 0; background: #06090d; color: #cfe0ee; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { padding: 18px 28px; border-bottom: 1px solid #1c2a36; background: linear-gradient(#0c141c, #06090d); }
header h1 { margin: 0; font-size: 20px; color: #7ef0c0; letter-spacing: 0.02em; }
header p { margin: 4px 0 0; color: #8aa3b8; }
main { padding: 8px 28px 28px; max-width: 1200px; }
section { margin-top: 22px; }
h2 { font-size: 15px; color: #9fd8ff; margin: 0 0 8px; text-transform: uppercase; letter-spacing: 0.06em; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 12px 3px 0; text-align: left; border-bottom: 1px solid #141e28; vertical-align: top; }
th { color: #7f97ab; font-weight: 500; }
td.num { text-align: right; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.kv th { min-width: 200px; }
.split { display: flex; flex-wrap: wrap; gap: 0 48px; align-items: flex-start; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 4px 0 16px; }
.card { background: #0b1016; border: 1px solid #1c2a36; border-radius: 6px; padding: 8px 14px; min-width: 140px; }
.card .label { color: #7f97ab; font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; }
.card .value { font: 600 22px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; color: #7ef0c0; }
.card .unit { font-size: 12px; color: #7f97ab; font-weight: 400; }
.card.bad .value { color: #ff7a7a; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; }
.charts svg { border: 1px solid #1c2a36; border-radius: 4px; max-width: 100%; height: auto; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; color: #e8d9a0; }
pre { background: #0b1016; border: 1px solid #1c2a36; padding: 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.ok { color: #7ef0c0; } .bad { color: #ff7a7a; } .muted { color: #6f8597; }
footer { padding: 12px 28px; color: #5b6b7a; font-size: 12px; border-top: 1px solid #141e28; }
`;

export type Cell = string | number | null | boolean;

function cellHtml(v: Cell): string {
  if (typeof v === 'number' || v === null) {
    const data = v === null ? '' : ` data-value="${escapeXml(String(v))}"`;
    return `<td class="num"${data}>${escapeXml(formatNumber(v))}</td>`;
  }
  if (typeof v === 'boolean') return `<td>${v ? 'yes' : 'no'}</td>`;
  return `<td>${escapeXml(v)}</td>`;
}

/** A table with a header row; numbers are right-aligned and carry their exact value in data-value. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], id?: string): string {
  const idAttr = id === undefined ? '' : ` id="${escapeXml(id)}"`;
  const head = `<tr>${headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map(cellHtml).join('')}</tr>`).join('');
  return `<table${idAttr}><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** A two-column key/value table; each row has data-key="KEY" for tests and anchors. */
export function keyValueTable(rows: readonly (readonly [string, Cell])[], id?: string): string {
  const idAttr = id === undefined ? '' : ` id="${escapeXml(id)}"`;
  const body = rows.map(([k, v]) => `<tr data-key="${escapeXml(k)}"><th>${escapeXml(k)}</th>${cellHtml(v)}</tr>`).join('');
  return `<table class="kv"${idAttr}><tbody>${body}</tbody></table>`;
}

export function preformatted(text: string, id?: string): string {
  const idAttr = id === undefined ? '' : ` id="${escapeXml(id)}"`;
  return `<pre${idAttr}>${escapeXml(text)}</pre>`;
}

export function paragraph(text: string, cls?: string): string {
  return `<p${cls === undefined ? '' : ` class="${escapeXml(cls)}"`}>${escapeXml(text)}</p>`;
}

/** The whole document. */
export function htmlPage(options: PageOptions): string {
  const sections = options.sections
    .map((s) => `<section id="${escapeXml(s.id)}"><h2>${escapeXml(s.title)}</h2>${s.html}</section>`)
    .join('\n');
  const subtitle = options.subtitle === undefined ? '' : `<p>${escapeXml(options.subtitle)}</p>`;
  const footer = options.footer === undefined ? '' : `<footer>${escapeXml(options.footer)}</footer>`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(options.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<header><h1>${escapeXml(options.title)}</h1>${subtitle}</header>`,
    `<main>\n${sections}\n</main>`,
    footer,
    '</body></html>',
    '',
  ].join('\n');
}
