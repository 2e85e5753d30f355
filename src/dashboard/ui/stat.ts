/** One labelled number; `testid` names it for the browser test (data-testid) and carries data-value. */
import { h } from 'preact';
import type { ComponentChild } from 'preact';

export interface StatProps {
  readonly label: string;
  readonly testid: string;
  /** The exact number (data-value), null when unknown. */
  readonly value: number | null;
  /** How it is shown. */
  readonly text: string;
  readonly unit?: string;
  readonly title?: string;
}

export function Stat(p: StatProps): ComponentChild {
  return h(
    'div',
    { class: 'stat', title: p.title },
    h('div', { class: 'stat-label' }, p.label),
    h(
      'div',
      { class: 'stat-value', 'data-testid': p.testid, 'data-value': p.value === null ? '' : String(p.value) },
      p.text,
      p.unit === undefined || p.value === null ? null : h('span', { class: 'stat-unit' }, ` ${p.unit}`),
    ),
  );
}
