/**
 * A small Prometheus metrics registry with the text exposition format 0.0.4 written by hand:
 * counters, gauges and histograms, with labels; and callback metrics that read a value at
 * scrape time (counters the runtime and transport keep as plain numbers). Every family gets
 * its # HELP and # TYPE lines; label values are escaped (\\, \", \n); histograms expose
 * cumulative _bucket{le=...} lines ending in +Inf, then _sum and _count.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';
export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels?: Labels;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(labels: Labels | undefined, extra?: [string, string]): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) parts.push(`${k}="${escapeLabelValue(v)}"`);
  if (extra !== undefined) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function labelKey(labels: Labels | undefined): string {
  if (labels === undefined) return '';
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

function checkLabels(labels: Labels | undefined): void {
  for (const k of Object.keys(labels ?? {})) if (!LABEL.test(k) || k === 'le') throw new Error(`bad label name ${k}`);
}

interface Family {
  readonly type: MetricType;
  readonly help: string;
  lines(name: string): string[];
}

export class Counter implements Family {
  readonly type = 'counter';
  private readonly values = new Map<string, { labels: Labels | undefined; value: number }>();
  constructor(readonly help: string) {}

  inc(labels?: Labels, by = 1): void {
    if (!(by >= 0)) throw new Error('a counter only goes up');
    checkLabels(labels);
    const k = labelKey(labels);
    const cur = this.values.get(k);
    if (cur === undefined) this.values.set(k, { labels, value: by });
    else cur.value += by;
  }

  get(labels?: Labels): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  lines(name: string): string[] {
    return [...this.values.values()].map((s) => `${name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
}

export class Gauge implements Family {
  readonly type = 'gauge';
  private readonly values = new Map<string, { labels: Labels | undefined; value: number }>();
  constructor(readonly help: string) {}

  set(value: number, labels?: Labels): void {
    checkLabels(labels);
    this.values.set(labelKey(labels), { labels, value });
  }

  lines(name: string): string[] {
    return [...this.values.values()].map((s) => `${name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
}

export class Histogram implements Family {
  readonly type = 'histogram';
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i]! > buckets[i - 1]!)) throw new Error('histogram buckets must increase');
    this.counts = buckets.map(() => 0);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) this.counts[i]!++;
  }

  get observations(): number {
    return this.count;
  }

  lines(name: string): string[] {
    const out = this.buckets.map((b, i) => `${name}_bucket${labelText(undefined, ['le', formatValue(b)])} ${this.counts[i]}`);
    out.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${formatValue(this.sum)}`, `${name}_count ${this.count}`);
    return out;
  }
}

class CallbackFamily implements Family {
  constructor(
    readonly type: 'counter' | 'gauge',
    readonly help: string,
    private readonly read: () => readonly Sample[],
  ) {}

  lines(name: string): string[] {
    return this.read().map((s) => `${name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
}

export class Registry {
  private readonly families = new Map<string, Family>();

  private add<F extends Family>(name: string, family: F): F {
    if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
    if (this.families.has(name)) throw new Error(`metric ${name} registered twice`);
    this.families.set(name, family);
    return family;
  }

  counter(name: string, help: string): Counter {
    return this.add(name, new Counter(help));
  }

  gauge(name: string, help: string): Gauge {
    return this.add(name, new Gauge(help));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.add(name, new Histogram(help, buckets));
  }

  /** A metric whose samples are read when scraped. */
  callback(type: 'counter' | 'gauge', name: string, help: string, read: () => readonly Sample[]): void {
    this.add(name, new CallbackFamily(type, help, read));
  }

  /** The text exposition format (Content-Type: text/plain; version=0.0.4). */
  expose(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      out.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`, ...f.lines(name));
    }
    return `${out.join('\n')}\n`;
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Latency buckets in seconds, 1 ms .. 30 s. */
export const LATENCY_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
