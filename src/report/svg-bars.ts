/**
 * A small grouped bar chart in SVG (e.g. bytes out and in per node). Same conventions as
 * svg-chart.ts: standalone, well-formed, escaped, no scripts.
 */
import { coord, escapeXml, formatNumber } from './escape.js';
import { niceTicks } from './svg-chart.js';

export interface BarGroup {
  readonly label: string;
  readonly values: readonly number[];
}

export interface BarChartOptions {
  readonly title: string;
  /** One name and color per value index. */
  readonly series: readonly { readonly name: string; readonly color: string }[];
  readonly width?: number;
  readonly height?: number;
  readonly yLabel?: string;
  readonly id?: string;
}

const M = Object.freeze({ left: 60, right: 18, top: 34, bottom: 30 });
const TEXT = '#9fb3c8';

export function svgBarChart(groups: readonly BarGroup[], options: BarChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 220;
  const idAttr = options.id === undefined ? '' : ` data-chart="${escapeXml(options.id)}"`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(options.title)}"${idAttr}>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#0b1016"/>`,
    `<text x="${M.left}" y="18" fill="${TEXT}" font-size="13" font-weight="600">${escapeXml(options.title)}</text>`,
  ];
  let max = 0;
  for (const g of groups) for (const v of g.values) if (Number.isFinite(v) && v > max) max = v;
  if (groups.length === 0 || max === 0) {
    out.push(`<text x="${width / 2}" y="${height / 2}" fill="#5b6b7a" font-size="12" text-anchor="middle">no data</text></svg>`);
    return out.join('');
  }
  const pw = width - M.left - M.right;
  const ph = height - M.top - M.bottom;
  const ticks = niceTicks(0, max * 1.05);
  const top = Math.max(max * 1.05, ticks[ticks.length - 1] ?? max);
  const sy = (v: number): number => M.top + ph - (v / top) * ph;
  for (const t of ticks) {
    out.push(`<line x1="${M.left}" x2="${width - M.right}" y1="${coord(sy(t))}" y2="${coord(sy(t))}" stroke="#1f2a35"/>`);
    out.push(`<text x="${M.left - 6}" y="${coord(sy(t) + 4)}" fill="${TEXT}" font-size="11" text-anchor="end">${escapeXml(formatNumber(t))}</text>`);
  }
  const slot = pw / groups.length;
  const k = Math.max(1, options.series.length);
  const bar = Math.max(1, (slot * 0.8) / k);
  const labelEvery = Math.max(1, Math.ceil(groups.length / 32));
  groups.forEach((g, gi) => {
    const x0 = M.left + gi * slot + slot * 0.1;
    g.values.forEach((v, si) => {
      if (!Number.isFinite(v) || v <= 0) return;
      const color = options.series[si]?.color ?? '#7ef0c0';
      out.push(`<rect x="${coord(x0 + si * bar)}" y="${coord(sy(v))}" width="${coord(bar)}" height="${coord(M.top + ph - sy(v))}" fill="${escapeXml(color)}"/>`);
    });
    if (gi % labelEvery === 0) {
      out.push(`<text x="${coord(M.left + gi * slot + slot / 2)}" y="${M.top + ph + 14}" fill="${TEXT}" font-size="10" text-anchor="middle">${escapeXml(g.label)}</text>`);
    }
  });
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#5b6b7a"/>`);
  if (options.yLabel !== undefined) {
    out.push(`<text x="12" y="${M.top + ph / 2}" fill="${TEXT}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${M.top + ph / 2})">${escapeXml(options.yLabel)}</text>`);
  }
  let lx = width - M.right - 8;
  for (const s of [...options.series].reverse()) {
    lx -= 20 + s.name.length * 6.5;
    out.push(`<rect x="${coord(lx)}" y="10" width="10" height="10" fill="${escapeXml(s.color)}"/>`);
    out.push(`<text x="${coord(lx + 14)}" y="19" fill="${TEXT}" font-size="11">${escapeXml(s.name)}</text>`);
  }
  out.push('</svg>');
  return out.join('');
}
