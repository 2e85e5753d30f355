/**
 * The tabular panels: peers with their scores (GET /peers), every engine telemetry value
 * (GET /telemetry `telemetry`), and the most recent finalized entries (the `finalized` events).
 */
import { h } from 'preact';
import type { ComponentChild } from 'preact';
import type { FinalizedJson, PeerJson } from '../api/types.js';
import { num, shortId } from './format.js';

export function PeersPanel({ peers }: { readonly peers: readonly PeerJson[] | null }): ComponentChild {
  const sorted = peers === null ? [] : [...peers].sort((a, b) => (a.validator ?? 1e9) - (b.validator ?? 1e9) || a.peerId.localeCompare(b.peerId));
  return h(
    'div',
    { class: 'panel' },
    h('div', { class: 'panel-head' }, h('span', { class: 'panel-title' }, 'Peers'), h('span', { class: 'muted', 'data-testid': 'peers-count' }, peers === null ? '–' : String(peers.length))),
    sorted.length === 0
      ? h('p', { class: 'muted' }, peers === null ? 'no answer from /peers yet' : 'no peers connected')
      : h(
          'table',
          { class: 'grid', 'data-testid': 'peers-table' },
          h('thead', null, h('tr', null, h('th', null, 'validator'), h('th', null, 'peer'), h('th', { class: 'num' }, 'score'), h('th', null, 'verified'), h('th', null, 'address'))),
          h(
            'tbody',
            null,
            sorted.map((p) =>
              h(
                'tr',
                { key: p.peerId, 'data-testid': 'peer-row', 'data-peer': p.peerId },
                h('td', null, p.validator === null ? '–' : String(p.validator)),
                h('td', { class: 'mono', title: p.peerId }, shortId(p.peerId, 14)),
                h('td', { class: `num ${p.score < 0 ? 'bad' : 'ok'}`, 'data-value': String(p.score) }, num(p.score, 2)),
                h('td', null, p.verified ? 'yes' : 'no'),
                h('td', { class: 'mono small' }, p.addresses[0] ?? ''),
              ),
            ),
          ),
        ),
  );
}

export function TelemetryPanel({ telemetry, gauges }: { readonly telemetry: Readonly<Record<string, number>> | null; readonly gauges: Readonly<Record<string, number>> | null }): ComponentChild {
  const rows = telemetry === null ? [] : Object.entries(telemetry);
  const extra = gauges === null ? [] : Object.entries(gauges).filter(([k]) => telemetry === null || !(k in telemetry));
  return h(
    'div',
    { class: 'panel' },
    h('div', { class: 'panel-head' }, h('span', { class: 'panel-title' }, 'Engine telemetry')),
    rows.length === 0 && extra.length === 0
      ? h('p', { class: 'muted' }, 'no telemetry yet')
      : h(
          'table',
          { class: 'grid kv' },
          h(
            'tbody',
            null,
            rows.map(([k, v]) => h('tr', { key: k }, h('th', null, k), h('td', { class: 'num', 'data-testid': `telemetry-${k}`, 'data-value': String(v) }, num(v)))),
            extra.map(([k, v]) => h('tr', { key: `g:${k}` }, h('th', null, `${k} (metric)`), h('td', { class: 'num', 'data-testid': `gauge-${k}`, 'data-value': String(v) }, num(v)))),
          ),
        ),
  );
}

export function RecentPanel({ recent }: { readonly recent: readonly FinalizedJson[] }): ComponentChild {
  return h(
    'div',
    { class: 'panel' },
    h('div', { class: 'panel-head' }, h('span', { class: 'panel-title' }, 'Recently finalized')),
    recent.length === 0
      ? h('p', { class: 'muted' }, 'waiting for finalized events…')
      : h(
          'table',
          { class: 'grid', 'data-testid': 'recent-table' },
          h('thead', null, h('tr', null, h('th', { class: 'num' }, 'seq'), h('th', { class: 'num' }, 'height'), h('th', { class: 'num' }, 'txs'), h('th', null, 'value'))),
          h(
            'tbody',
            null,
            recent.map((e) =>
              h(
                'tr',
                { key: e.seq },
                h('td', { class: 'num' }, String(e.seq)),
                h('td', { class: 'num' }, e.height === null ? '–' : String(e.height)),
                h('td', { class: 'num' }, String(e.txIds.length)),
                h('td', { class: 'mono small', title: e.value }, shortId(e.value, 16)),
              ),
            ),
          ),
        ),
  );
}
