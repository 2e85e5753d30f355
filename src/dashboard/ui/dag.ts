/**
 * Negentropy: the DAG's recent vertices (proposed route GET /dag?limit=N), drawn by height (x)
 * and author (y lane) with edges to their parents; fill says final, outline accepted, a blue
 * ring preferred, grey pending, red rejected. Without the route, the DAG counters from
 * /telemetry (dagVertices, acceptedVertices, rejectedVertices, open, superBlock) are shown.
 */
import { h } from 'preact';
import type { ComponentChild } from 'preact';
import type { DagVertexJson } from '../api/types.js';
import type { Extra } from '../live/model.js';
import { num, shortId } from './format.js';

const COUNTERS = ['dagVertices', 'dagHeight', 'acceptedVertices', 'rejectedVertices', 'open', 'superBlock', 'temperature'];

function color(v: DagVertexJson): { fill: string; stroke: string } {
  if (v.status === 'rejected') return { fill: '#3a1416', stroke: '#ff7a7a' };
  if (v.final === true) return { fill: '#7ef0c0', stroke: '#7ef0c0' };
  if (v.status === 'accepted') return { fill: '#0b1016', stroke: '#7ef0c0' };
  return { fill: '#0b1016', stroke: '#6f8597' };
}

function DagSvg({ vertices }: { readonly vertices: readonly DagVertexJson[] }): ComponentChild {
  const W = 640;
  const H = 200;
  const heights = vertices.map((v) => v.height);
  const minH = Math.min(...heights);
  const maxH = Math.max(...heights);
  const authors = [...new Set(vertices.map((v) => v.author))].sort((a, b) => a - b);
  const x = (height: number): number => 24 + ((height - minH) / Math.max(1, maxH - minH)) * (W - 48);
  const y = (author: number): number => 18 + (authors.indexOf(author) / Math.max(1, authors.length - 1)) * (H - 36);
  const byId = new Map(vertices.map((v) => [v.id, v]));
  const edges: ComponentChild[] = [];
  for (const v of vertices) {
    for (const p of v.parents) {
      const q = byId.get(p);
      if (q === undefined) continue;
      edges.push(h('line', { key: `${v.id}-${p}`, x1: x(q.height), y1: y(q.author), x2: x(v.height), y2: y(v.author), stroke: '#2b4152', 'stroke-width': 1 }));
    }
  }
  const nodes = vertices.map((v) => {
    const c = color(v);
    return h(
      'g',
      { key: v.id, 'data-testid': 'dag-vertex', 'data-status': v.status, 'data-final': String(v.final === true) },
      v.preferred === true ? h('circle', { cx: x(v.height), cy: y(v.author), r: 8, fill: 'none', stroke: '#6cb6ff', 'stroke-width': 1.5 }) : null,
      h('circle', { cx: x(v.height), cy: y(v.author), r: 5, fill: c.fill, stroke: c.stroke, 'stroke-width': 1.5 }, h('title', null, `${shortId(v.id, 12)} · author ${v.author} · height ${v.height} · ${v.status}${v.final === true ? ' · final' : ''}${v.preferred === true ? ' · preferred' : ''}`)),
    );
  });
  return h('svg', { class: 'dag', viewBox: `0 0 ${W} ${H}`, width: '100%', height: H, role: 'img', 'aria-label': 'recent DAG vertices' }, edges, nodes);
}

export function DagPanel({ dag, telemetry }: { readonly dag: Extra<readonly DagVertexJson[]>; readonly telemetry: Readonly<Record<string, number>> | null }): ComponentChild {
  const counters = COUNTERS.filter((k) => telemetry !== null && typeof telemetry[k] === 'number');
  const vertices = dag.kind === 'ok' ? dag.value : [];
  const final = vertices.filter((v) => v.final === true).length;
  const accepted = vertices.filter((v) => v.status === 'accepted').length;
  const preferred = vertices.filter((v) => v.preferred === true).length;
  return h(
    'div',
    { class: 'panel wide', 'data-testid': 'dag-panel' },
    h('div', { class: 'panel-head' }, h('span', { class: 'panel-title' }, 'DAG: recent vertices'), h('span', { class: 'legend' }, h('i', { class: 'lg final' }), 'final ', h('i', { class: 'lg accepted' }), 'accepted ', h('i', { class: 'lg preferred' }), 'preferred ', h('i', { class: 'lg pending' }), 'pending ', h('i', { class: 'lg rejected' }), 'rejected')),
    vertices.length > 0
      ? h('div', null, h(DagSvg, { vertices }), h('p', { class: 'muted small', 'data-testid': 'dag-summary' }, `${vertices.length} vertices shown: ${final} final, ${accepted} accepted, ${preferred} preferred`))
      : h('p', { class: 'muted' }, dag.kind === 'unavailable' ? 'this node does not serve GET /dag: vertex view unavailable; counters below come from /telemetry' : 'waiting for /dag…'),
    counters.length === 0
      ? null
      : h(
          'div',
          { class: 'counters' },
          counters.map((k) => h('span', { key: k, class: 'counter' }, h('span', { class: 'muted' }, `${k} `), h('b', { 'data-testid': `dag-${k}` }, num(telemetry?.[k]))),
          ),
        ),
  );
}
