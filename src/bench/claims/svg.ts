/**
 * A small SVG line-chart writer of our own (no plotting library): several series of (x, y)
 * points with optional 95% interval bars, linear or log10 axes, tick labels, axis titles and a
 * legend. The output is a standalone, well-formed SVG 1.1 document (every text escaped).
 * Deterministic: the same chart gives the same bytes (numbers printed with fixed decimals).
 */
import { dmath } from '../../core/index.js';

export interface SeriesPoint {
  readonly x: number;
  readonly y: number | null;
  readonly lo?: number | null;
  readonly hi?: number | null;
}

export interface Series {
  readonly name: string;
  readonly points: readonly SeriesPoint[];
}

export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly series: readonly Series[];
  /** Horizontal reference lines (e.g. the design's figure). */
  readonly references?: readonly { readonly y: number; readonly label: string }[];
}

const W = 720;
const H = 440;
const M = { left: 80, right: 190, top: 40, bottom: 60 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const log10 = (v: number): number => dmath.log(v) / dmath.log(10);
const f = (v: number): string => v.toFixed(2);

function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return Number(v.toFixed(2)).toString();
  return Number(v.toPrecision(2)).toString();
}

interface Axis {
  readonly map: (v: number) => number;
  readonly ticks: readonly number[];
}

function axis(values: readonly number[], log: boolean, from: number, to: number): Axis {
  const vs = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = vs.length > 0 ? Math.min(...vs) : log ? 1 : 0;
  let hi = vs.length > 0 ? Math.max(...vs) : log ? 10 : 1;
  if (log) {
    const a = Math.floor(log10(lo));
    const b = Math.max(a + 1, Math.ceil(log10(hi)));
    const ticks: number[] = [];
    for (let e = a; e <= b; e++) ticks.push(10 ** e);
    const map = (v: number): number => from + ((log10(v > 0 ? v : 10 ** a) - a) / (b - a)) * (to - from);
    return { map, ticks };
  }
  if (lo > 0 && lo < hi * 0.5) lo = 0;
  if (hi === lo) hi = lo + 1;
  const span = hi - lo;
  const step0 = 10 ** Math.floor(log10(span / 5));
  const step = [1, 2, 5, 10].map((k) => k * step0).find((s) => span / s <= 6) ?? 10 * step0;
  const t0 = Math.floor(lo / step) * step;
  const t1 = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = t0; t <= t1 + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  const map = (v: number): number => from + ((v - t0) / (t1 - t0)) * (to - from);
  return { map, ticks };
}

export function lineChart(spec: ChartSpec): string {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of spec.series) {
    for (const p of s.points) {
      xs.push(p.x);
      for (const v of [p.y, p.lo, p.hi]) if (v !== null && v !== undefined) ys.push(v);
    }
  }
  for (const r of spec.references ?? []) ys.push(r.y);
  const ax = axis(xs, spec.logX === true, M.left, W - M.right);
  const ay = axis(ys, spec.logY === true, H - M.bottom, M.top);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(spec.title)}</text>`);
  const x0 = M.left;
  const x1 = W - M.right;
  const y0 = H - M.bottom;
  const y1 = M.top;
  for (const t of ax.ticks) {
    const x = ax.map(t);
    out.push(`<line x1="${f(x)}" y1="${y0}" x2="${f(x)}" y2="${y1}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${f(x)}" y="${y0 + 16}" text-anchor="middle">${escapeXml(fmtTick(t))}</text>`);
  }
  for (const t of ay.ticks) {
    const y = ay.map(t);
    out.push(`<line x1="${x0}" y1="${f(y)}" x2="${x1}" y2="${f(y)}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${x0 - 6}" y="${f(y + 4)}" text-anchor="end">${escapeXml(fmtTick(t))}</text>`);
  }
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="#000000"/>`);
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y1}" stroke="#000000"/>`);
  out.push(`<text x="${(x0 + x1) / 2}" y="${H - 18}" text-anchor="middle">${escapeXml(spec.xLabel + (spec.logX === true ? ' (log scale)' : ''))}</text>`);
  out.push(
    `<text x="18" y="${(y0 + y1) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(y0 + y1) / 2})">${escapeXml(spec.yLabel + (spec.logY === true ? ' (log scale)' : ''))}</text>`,
  );
  for (const r of spec.references ?? []) {
    const y = ay.map(r.y);
    out.push(`<line x1="${x0}" y1="${f(y)}" x2="${x1}" y2="${f(y)}" stroke="#555555" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${x1 - 4}" y="${f(y - 4)}" text-anchor="end" fill="#555555">${escapeXml(r.label)}</text>`);
  }
  spec.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = s.points.filter((p) => p.y !== null && (spec.logY !== true || p.y > 0) && (spec.logX !== true || p.x > 0));
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((p) => `${f(ax.map(p.x))},${f(ay.map(p.y!))}`).join(' ')}"/>`);
    for (const p of pts) {
      const x = ax.map(p.x);
      if (p.lo !== null && p.lo !== undefined && p.hi !== null && p.hi !== undefined && (spec.logY !== true || p.lo > 0)) {
        out.push(`<line x1="${f(x)}" y1="${f(ay.map(p.lo))}" x2="${f(x)}" y2="${f(ay.map(p.hi))}" stroke="${colour}" stroke-width="1"/>`);
      }
      out.push(`<circle cx="${f(x)}" cy="${f(ay.map(p.y!))}" r="3" fill="${colour}"/>`);
    }
    const ly = M.top + 10 + i * 18;
    out.push(`<line x1="${x1 + 14}" y1="${ly}" x2="${x1 + 34}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${x1 + 40}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
