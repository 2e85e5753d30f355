/**
 * The reports the node serves (proposed route GET /reports; each opens at /reports/NAME/):
 * `thermo sim --report DIR` and `thermo bench claims` pages, newest first.
 */
import { h } from 'preact';
import type { ComponentChild } from 'preact';
import type { ReportJson } from '../api/types.js';
import type { Extra } from '../live/model.js';

export function reportHref(base: string, r: ReportJson): string {
  if (r.href !== undefined && !/^[a-z]+:/i.test(r.href)) return `${base}${r.href.startsWith('/') ? '' : '/'}${r.href}`;
  return `${base}/reports/${encodeURIComponent(r.name)}/`;
}

export function ReportsPanel({ reports, base }: { readonly reports: Extra<readonly ReportJson[]>; readonly base: string }): ComponentChild {
  let body: ComponentChild;
  if (reports.kind === 'ok' && reports.value.length > 0) {
    body = h(
      'ul',
      { class: 'reports', 'data-testid': 'reports-list' },
      reports.value.map((r) =>
        h(
          'li',
          { key: r.name, 'data-testid': 'report-item' },
          h('a', { href: reportHref(base, r), target: '_blank', rel: 'noopener' }, r.title),
          h('span', { class: 'muted small' }, ` ${r.kind} · ${r.createdAt.replace('T', ' ').slice(0, 19)} · ${r.summary}`),
        ),
      ),
    );
  } else if (reports.kind === 'ok') {
    body = h('p', { class: 'muted' }, 'no reports yet: thermo sim … --report DIR or thermo bench claims write them');
  } else if (reports.kind === 'unavailable') {
    body = h('p', { class: 'muted', 'data-testid': 'reports-unavailable' }, 'this node does not list reports (no GET /reports); open a report folder’s index.html directly');
  } else body = h('p', { class: 'muted' }, 'asking the node for reports…');
  return h('div', { class: 'panel wide' }, h('div', { class: 'panel-head' }, h('span', { class: 'panel-title' }, 'Reports')), body);
}
