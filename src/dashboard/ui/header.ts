/**
 * The top bar: which node (validator index, peer id, chain), its engine, and the connection
 * state: "live", "connecting…" or "disconnected — retrying" with the time the node last answered.
 */
import { h } from 'preact';
import type { ComponentChild } from 'preact';
import type { Snapshot } from '../live/model.js';
import { ago, clock, shortId } from './format.js';

export function Header({ snap, now }: { readonly snap: Snapshot; readonly now: number }): ComponentChild {
  const s = snap.status;
  const c = snap.connection;
  const label = c.state === 'live' ? 'live' : c.state === 'connecting' ? 'connecting…' : 'disconnected — retrying';
  const retry = c.state === 'disconnected' && c.nextRetryAt !== null ? ` (next try in ${Math.max(0, Math.ceil((c.nextRetryAt - now) / 1000))} s)` : '';
  return h(
    'header',
    { class: `top ${c.state}` },
    h('div', { class: 'brand' }, h('span', { class: 'logo' }, 'THERMO'), h('span', { class: 'sub' }, 'entropy oscilloscope')),
    h(
      'div',
      { class: 'ident' },
      h('span', { class: 'chip', 'data-testid': 'node-id', title: s?.peerId ?? '' }, s === null ? 'node –' : `${s.validator === null ? 'observer' : `validator ${s.validator}`} · ${shortId(s.peerId, 12)}`),
      h('span', { class: 'chip engine', 'data-testid': 'engine' }, s?.engine ?? '–'),
      h('span', { class: 'chip', 'data-testid': 'chain-id' }, s?.chainId ?? '–'),
    ),
    h(
      'div',
      { class: `conn ${c.state}`, 'data-testid': 'connection', 'data-state': c.state },
      h('span', { class: 'dot' }),
      h('span', { 'data-testid': 'conn-state' }, label),
      h('span', { class: 'last-seen', 'data-testid': 'last-seen' }, c.lastSeen === null ? '' : ` · last seen ${clock(c.lastSeen)} (${ago(c.lastSeen, now)})${retry}`),
      c.state === 'live' ? h('span', { class: `stream ${c.stream ? 'on' : 'off'}`, 'data-testid': 'stream-state', title: c.stream ? 'event stream (GET /events) open' : 'event stream (GET /events) not open: tx/s and recent entries pause' }, c.stream ? ' · events ●' : ' · events ○') : null,
    ),
  );
}
