/**
 * Reads the few samples the dashboard needs from GET /metrics (Prometheus text format 0.0.4):
 * `name{label="v",...} value` lines; comments and unknown lines are skipped. Only the metric
 * names asked for are kept, so a large scrape costs one pass and little memory.
 */

export interface PromSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Samples of the wanted metric names (histograms: ask for NAME_bucket, NAME_sum, NAME_count). */
export function parsePrometheus(text: string, wanted: ReadonlySet<string>): Map<string, PromSample[]> {
  const out = new Map<string, PromSample[]>();
  for (const raw of text.split('\n')) {
    if (raw === '' || raw.startsWith('#')) continue;
    const m = LINE.exec(raw);
    if (m === null) continue;
    const name = m[1] ?? '';
    if (!wanted.has(name)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(LABEL)) labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    const value = parseValue(m[4] ?? '');
    if (Number.isNaN(value)) continue;
    let list = out.get(name);
    if (list === undefined) {
      list = [];
      out.set(name, list);
    }
    list.push({ labels, value });
  }
  return out;
}

/** The single unlabelled (or first) sample of `name`, or null. */
export function scalar(samples: ReadonlyMap<string, readonly PromSample[]>, name: string): number | null {
  const s = samples.get(name)?.[0];
  return s === undefined ? null : s.value;
}

/** The metric families the dashboard reads from /metrics. */
export const NET_BYTES_IN = 'thermo_net_bytes_in_total';
export const NET_BYTES_OUT = 'thermo_net_bytes_out_total';
export const NET_MSGS_IN = 'thermo_net_messages_in_total';
export const NET_MSGS_OUT = 'thermo_net_messages_out_total';
export const ACK_SUM = 'thermo_tx_ack_seconds_sum';
export const ACK_COUNT = 'thermo_tx_ack_seconds_count';
export const WANTED_METRICS: ReadonlySet<string> = new Set([NET_BYTES_IN, NET_BYTES_OUT, NET_MSGS_IN, NET_MSGS_OUT, ACK_SUM, ACK_COUNT]);
