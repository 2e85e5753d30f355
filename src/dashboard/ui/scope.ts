/**
 * An oscilloscope trace: a uPlot chart of some of the live model's traces against wall-clock
 * time, with optional dashed reference lines (z_c for coherence). The chart is created once and
 * fed with setData on every model version, so an hour of updates allocates nothing that lives.
 * The container carries data-testid="scope-ID" and data-points (known samples of the first
 * trace) for the browser test; each trace's newest value is shown (data-testid="scope-ID-N").
 */
import { h } from 'preact';
import type { ComponentChild } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { Traces } from '../live/traces.js';
import { clock, num } from './format.js';

export interface ScopeSeries {
  readonly trace: string;
  readonly label: string;
  readonly color: string;
}

export interface ScopeRef {
  readonly value: number;
  readonly label: string;
  readonly color: string;
}

export interface ScopeProps {
  readonly id: string;
  readonly title: string;
  readonly traces: Traces;
  readonly series: readonly ScopeSeries[];
  /** Changes whenever the traces got a new row. */
  readonly version: number;
  readonly refs?: readonly ScopeRef[];
  readonly unit?: string;
  readonly height?: number;
  readonly format?: (v: number) => string;
  /** Tick labels of the y axis (default: `format`). */
  readonly axisFormat?: (v: number) => string;
  /** Start the y axis at zero (rates, counts). */
  readonly zero?: boolean;
  readonly note?: string;
}

const GRID = 'rgba(126, 240, 192, 0.09)';
const AXIS = '#6f8597';
const FONT = '11px system-ui, sans-serif';

function drawRefs(u: uPlot, refs: readonly ScopeRef[]): void {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  for (const r of refs) {
    const y = u.valToPos(r.value, 'y', true);
    if (!(y >= top && y <= top + height)) continue;
    ctx.save();
    ctx.strokeStyle = r.color;
    ctx.fillStyle = r.color;
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.fillText(r.label, left + width - 4 * devicePixelRatio, y - 4 * devicePixelRatio);
    ctx.restore();
  }
}

function glow(u: uPlot, color: string | undefined): void {
  u.ctx.shadowBlur = color === undefined ? 0 : 6 * devicePixelRatio;
  u.ctx.shadowColor = color ?? 'transparent';
}

/** Tick labels of the time axis: wall-clock HH:MM:SS. */
function timeLabels(_u: uPlot, splits: number[]): string[] {
  return splits.map((s) => clock(s * 1000));
}

function options(p: ScopeProps, width: number): uPlot.Options {
  const refs = p.refs ?? [];
  const fmt = p.format ?? ((v: number) => num(v));
  return {
    width,
    height: p.height ?? 170,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: true },
      y: {
        range: (_u, min, max) => {
          let lo = min;
          let hi = max;
          for (const r of refs) {
            lo = Math.min(lo, r.value);
            hi = Math.max(hi, r.value);
          }
          if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
          if (p.zero === true) lo = Math.min(0, lo);
          if (hi === lo) return [lo - (lo === 0 ? 1 : Math.abs(lo) * 0.1), hi + (hi === 0 ? 1 : Math.abs(hi) * 0.1)];
          const pad = (hi - lo) * 0.08;
          return [p.zero === true && lo >= 0 ? lo : lo - pad, hi + pad];
        },
      },
    },
    axes: [
      { stroke: AXIS, font: FONT, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 }, values: timeLabels, space: 70 },
      { stroke: AXIS, font: FONT, size: 64, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 }, values: (_u, vals) => vals.map((v) => (p.axisFormat ?? fmt)(v)) },
    ],
    series: [{}, ...p.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.6, points: { show: false }, spanGaps: false }))],
    hooks: {
      // A phosphor glow on the traces only: off for the grid and axes, on for each series in
      // its own colour, off again for the reference lines.
      drawClear: [(u: uPlot) => void (u.ctx.shadowBlur = 0)],
      drawAxes: [(u: uPlot) => glow(u, p.series[0]?.color)],
      drawSeries: [(u: uPlot, si: number) => glow(u, p.series[si]?.color)],
      draw: [
        (u: uPlot) => {
          u.ctx.shadowBlur = 0;
          drawRefs(u, refs);
        },
      ],
    },
  };
}

function data(p: ScopeProps): uPlot.AlignedData {
  return [p.traces.times(), ...p.series.map((s) => p.traces.values(s.trace))];
}

export function Scope(p: ScopeProps): ComponentChild {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(p);
  latest.current = p;
  const key = p.series.map((s) => s.trace).join('|');

  useEffect(() => {
    const el = host.current;
    if (el === null) return undefined;
    const u = new uPlot(options(latest.current, Math.max(200, el.clientWidth)), data(latest.current), el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height: latest.current.height ?? 170 });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [key]);

  useEffect(() => {
    plot.current?.setData(data(p));
  }, [p.version, key]);

  const first = p.series[0];
  const points = first === undefined ? 0 : p.traces.known(first.trace);
  const fmt = p.format ?? ((v: number) => num(v));
  return h(
    'div',
    { class: 'panel scope', 'data-testid': `scope-${p.id}`, 'data-points': String(points) },
    h(
      'div',
      { class: 'panel-head' },
      h('span', { class: 'panel-title' }, p.title),
      h(
        'span',
        { class: 'scope-values' },
        p.series.map((s, i) => {
          const v = p.traces.last(s.trace);
          return h(
            'span',
            { class: 'scope-value', key: s.trace, style: { color: s.color }, 'data-testid': `scope-${p.id}-${i}`, 'data-value': v === null ? '' : String(v) },
            `${s.label} ${v === null ? '–' : fmt(v)}${p.unit === undefined || v === null ? '' : ` ${p.unit}`}`,
          );
        }),
      ),
    ),
    h('div', { class: 'scope-plot', ref: host }),
    points === 0 ? h('div', { class: 'scope-empty' }, p.note ?? 'waiting for data…') : null,
  );
}
