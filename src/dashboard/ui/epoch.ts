/**
 * ThermoTruth: the last epoch's proposals and their aggregate (proposed route GET /epoch).
 * Each proposal's first components, its weight and its distance to the aggregate; flagged
 * (self-healing) proposers in red. A strip chart puts each proposal's first component on one
 * axis with the aggregate as a line. Without the route: temperature and difficulty from
 * /telemetry only.
 */
import { h } from 'preact';
import type { ComponentChild } from 'preact';
import type { EpochJson } from '../api/types.js';
import type { Extra } from '../live/model.js';
import { num } from './format.js';

const SHOWN_COMPONENTS = 4;

function Strip({ epoch }: { readonly epoch: EpochJson }): ComponentChild {
  const W = 640;
  const H = 64;
  const vals = epoch.proposals.map((p) => p.vector[0] ?? 0);
  const agg = epoch.aggregate[0];
  const all = agg === undefined ? vals : [...vals, agg];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const x = (v: number): number => 16 + ((v - lo) / Math.max(1e-12, hi - lo)) * (W - 32);
  return h(
    'svg',
    { class: 'strip', viewBox: `0 0 ${W} ${H}`, width: '100%', height: H, role: 'img', 'aria-label': 'first component of each proposal and the aggregate' },
    h('line', { x1: 16, x2: W - 16, y1: H / 2, y2: H / 2, stroke: '#1f2a35' }),
    epoch.proposals.map((p) => h('circle', { key: p.proposer, cx: x(p.vector[0] ?? 0), cy: H / 2, r: 5, fill: p.flagged === true ? '#ff7a7a' : '#6cb6ff', 'fill-opacity': 0.8 }, h('title', null, `proposer ${p.proposer}: ${num(p.vector[0])}`))),
    agg === undefined ? null : h('line', { x1: x(agg), x2: x(agg), y1: 6, y2: H - 6, stroke: '#7ef0c0', 'stroke-width': 2 }),
    agg === undefined ? null : h('text', { x: x(agg) + 4, y: 14, fill: '#7ef0c0', 'font-size': 11 }, `aggregate ${num(agg)}`),
  );
}

export function EpochPanel({ epoch, telemetry }: { readonly epoch: Extra<EpochJson>; readonly telemetry: Readonly<Record<string, number>> | null }): ComponentChild {
  const e = epoch.kind === 'ok' ? epoch.value : null;
  const dims = e === null ? 0 : Math.min(SHOWN_COMPONENTS, e.aggregate.length);
  const head = h('tr', null, h('th', null, 'proposer'), ...Array.from({ length: dims }, (_v, i) => h('th', { class: 'num' }, `s[${i}]`)), h('th', { class: 'num' }, 'weight'), h('th', { class: 'num' }, 'distance'), h('th', null, ''));
  return h(
    'div',
    { class: 'panel wide', 'data-testid': 'epoch-panel' },
    h('div', { class: 'panel-head' }, h('span', { class: 'panel-title' }, e === null ? 'ThermoTruth: last epoch' : `ThermoTruth: epoch ${e.epoch}${e.leader === null ? '' : `, leader ${e.leader}`}`), h('span', { class: 'muted' }, `T = ${num(e?.temperature ?? telemetry?.['temperature'])} · difficulty ${num(e?.difficulty ?? telemetry?.['difficulty'])}`)),
    e === null
      ? h('p', { class: 'muted' }, epoch.kind === 'unavailable' ? 'this node does not serve GET /epoch: proposals unavailable' : 'waiting for /epoch…')
      : h(
          'div',
          null,
          h(Strip, { epoch: e }),
          h(
            'table',
            { class: 'grid', 'data-testid': 'epoch-table' },
            h('thead', null, head),
            h(
              'tbody',
              null,
              e.proposals.map((p) =>
                h(
                  'tr',
                  { key: p.proposer, class: p.flagged === true ? 'bad' : '', 'data-testid': 'proposal-row' },
                  h('td', null, String(p.proposer)),
                  ...Array.from({ length: dims }, (_v, i) => h('td', { class: 'num' }, num(p.vector[i]))),
                  h('td', { class: 'num' }, num(p.weight)),
                  h('td', { class: 'num' }, num(p.distance)),
                  h('td', null, p.flagged === true ? 'flagged' : ''),
                ),
              ),
              h('tr', { class: 'aggregate', 'data-testid': 'aggregate-row' }, h('td', null, 'aggregate'), ...Array.from({ length: dims }, (_v, i) => h('td', { class: 'num' }, num(e.aggregate[i]))), h('td', null, ''), h('td', null, ''), h('td', null, '')),
            ),
          ),
        ),
  );
}
