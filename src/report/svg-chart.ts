/**
 * A small SVG line chart: one or more series of (x, y) points, an optional min..max band per
 * series, horizontal reference lines (e.g. z_c = 0.866), "nice" axis ticks and a legend. The
 * output is a standalone, well-formed `<svg>` element (inline in a report page; no scripts, no
 * external references). Gaps: a null or non-finite y breaks the line.
 */
import { coord, escapeXml, formatNumber } from './escape.js';

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** x and y, same length; y may be null (a gap). */
  readonly x: readonly number[];
  readonly y: readonly (number | null)[];
  /** Optional band drawn behind the line (e.g. min and max across nodes). */
  readonly band?: { readonly lo: readonly (number | null)[]; readonly hi: readonly (number | null)[] };
}

export interface ReferenceLine {
  readonly y: number;
  readonly label: string;
  readonly color?: string;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly width?: number;
  readonly height?: number;
  readonly references?: readonly ReferenceLine[];
  /** Adds to the `<svg>` element: data-chart="id" (tests and anchors). */
  readonly id?: string;
}

const MARGIN = Object.freeze({ left: 60, right: 18, top: 34, bottom: 38 });
const AXIS = '#5b6b7a';
const GRID = '#1f2a35';
const TEXT = '#9fb3c8';

/** Tick values at 1, 2 or 5 times a power of ten covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9) * step;
  for (let v = first; v <= hi + step * 1e-9 && out.length < 50; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

function finite(v: number | null | undefined): v is number {
  return v !== null && v !== undefined && Number.isFinite(v);
}

function extent(values: Iterable<number | null>): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!finite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

function* allY(series: readonly ChartSeries[], refs: readonly ReferenceLine[]): Generator<number | null> {
  for (const s of series) {
    yield* s.y;
    if (s.band !== undefined) {
      yield* s.band.lo;
      yield* s.band.hi;
    }
  }
  for (const r of refs) yield r.y;
}

/** Path of the finite points, a new sub-path after each gap. */
function linePath(xs: readonly number[], ys: readonly (number | null)[], sx: (v: number) => number, sy: (v: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (!finite(x) || !finite(y)) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${coord(sx(x))} ${coord(sy(y))}`);
    pen = true;
  }
  return parts.join(' ');
}

function bandPath(xs: readonly number[], lo: readonly (number | null)[], hi: readonly (number | null)[], sx: (v: number) => number, sy: (v: number) => number): string {
  const top: string[] = [];
  const bottom: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const a = lo[i];
    const b = hi[i];
    if (!finite(x) || !finite(a) || !finite(b)) continue;
    top.push(`${coord(sx(x))} ${coord(sy(b))}`);
    bottom.push(`${coord(sx(x))} ${coord(sy(a))}`);
  }
  if (top.length < 2) return '';
  return `M${top.join(' L')} L${bottom.reverse().join(' L')} Z`;
}

/** Renders the chart; an empty chart says "no data" instead of drawing axes over nothing. */
export function svgLineChart(series: readonly ChartSeries[], options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 240;
  const refs = options.references ?? [];
  const idAttr = options.id === undefined ? '' : ` data-chart="${escapeXml(options.id)}"`;
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(options.title)}"${idAttr}>`;
  const title = `<text x="${MARGIN.left}" y="18" fill="${TEXT}" font-size="13" font-weight="600">${escapeXml(options.title)}</text>`;
  const xr = extent(series.flatMap((s) => s.x));
  const yr0 = extent(allY(series, refs));
  if (xr === null || yr0 === null) {
    return `${head}${title}<text x="${width / 2}" y="${height / 2}" fill="${AXIS}" font-size="12" text-anchor="middle">no data</text></svg>`;
  }
  let [y0, y1] = yr0;
  if (y1 === y0) {
    const pad = y0 === 0 ? 1 : Math.abs(y0) * 0.1;
    y0 -= pad;
    y1 += pad;
  } else {
    const pad = (y1 - y0) * 0.05;
    y0 = yr0[0] >= 0 && y0 - pad < 0 ? 0 : y0 - pad;
    y1 += pad;
  }
  const [x0, x1] = xr[1] === xr[0] ? [xr[0] - 1, xr[1] + 1] : xr;
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  const sx = (v: number): number => MARGIN.left + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number): number => MARGIN.top + ph - ((v - y0) / (y1 - y0)) * ph;
  const out: string[] = [head, `<rect x="0" y="0" width="${width}" height="${height}" fill="#0b1016"/>`, title];
  for (const t of niceTicks(y0, y1)) {
    out.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${coord(sy(t))}" y2="${coord(sy(t))}" stroke="${GRID}" stroke-width="1"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${coord(sy(t) + 4)}" fill="${TEXT}" font-size="11" text-anchor="end">${escapeXml(formatNumber(t))}</text>`);
  }
  for (const t of niceTicks(x0, x1, 8)) {
    out.push(`<line x1="${coord(sx(t))}" x2="${coord(sx(t))}" y1="${MARGIN.top + ph}" y2="${MARGIN.top + ph + 4}" stroke="${AXIS}"/>`);
    out.push(`<text x="${coord(sx(t))}" y="${MARGIN.top + ph + 16}" fill="${TEXT}" font-size="11" text-anchor="middle">${escapeXml(formatNumber(t))}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${pw}" height="${ph}" fill="none" stroke="${AXIS}" stroke-width="1"/>`);
  if (options.xLabel !== undefined) {
    out.push(`<text x="${MARGIN.left + pw / 2}" y="${height - 4}" fill="${TEXT}" font-size="11" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  }
  if (options.yLabel !== undefined) {
    out.push(`<text x="12" y="${MARGIN.top + ph / 2}" fill="${TEXT}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${MARGIN.top + ph / 2})">${escapeXml(options.yLabel)}</text>`);
  }
  for (const r of refs) {
    const color = r.color ?? '#e0b050';
    out.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${coord(sy(r.y))}" y2="${coord(sy(r.y))}" stroke="${escapeXml(color)}" stroke-width="1" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${width - MARGIN.right - 4}" y="${coord(sy(r.y) - 4)}" fill="${escapeXml(color)}" font-size="11" text-anchor="end">${escapeXml(r.label)}</text>`);
  }
  for (const s of series) {
    if (s.band !== undefined) {
      const d = bandPath(s.x, s.band.lo, s.band.hi, sx, sy);
      if (d !== '') out.push(`<path d="${d}" fill="${escapeXml(s.color)}" fill-opacity="0.18" stroke="none"/>`);
    }
    const d = linePath(s.x, s.y, sx, sy);
    if (d !== '') out.push(`<path d="${d}" fill="none" stroke="${escapeXml(s.color)}" stroke-width="1.6" stroke-linejoin="round"/>`);
  }
  let lx = width - MARGIN.right - 8;
  for (const s of [...series].reverse()) {
    lx -= 20 + s.name.length * 6.5;
    out.push(`<rect x="${coord(lx)}" y="13" width="10" height="3" fill="${escapeXml(s.color)}"/>`);
    out.push(`<text x="${coord(lx + 14)}" y="19" fill="${TEXT}" font-size="11">${escapeXml(s.name)}</text>`);
  }
  out.push('</svg>');
  return out.join('');
}
