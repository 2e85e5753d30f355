/**
 * The Prometheus text exposition: HELP and TYPE lines per family, label escaping, cumulative
 * histogram buckets ending in +Inf with _sum and _count, callback metrics, name checks.
 */
import { describe, expect, it } from 'vitest';
import { Registry, escapeLabelValue, formatValue } from '../../src/node/metrics/index.js';

describe('Prometheus exposition', () => {
  it('writes counters, gauges and labels in the text format', () => {
    const r = new Registry();
    const c = r.counter('thermo_things_total', 'Things counted');
    c.inc();
    c.inc({ kind: 'a' }, 2);
    c.inc({ kind: 'a' });
    const g = r.gauge('thermo_level', 'A level\nwith a newline');
    g.set(1.5);
    const text = r.expose();
    expect(text).toBe(
      [
        '# HELP thermo_things_total Things counted',
        '# TYPE thermo_things_total counter',
        'thermo_things_total 1',
        'thermo_things_total{kind="a"} 3',
        '# HELP thermo_level A level\\nwith a newline',
        '# TYPE thermo_level gauge',
        'thermo_level 1.5',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and formats special numbers', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(NaN)).toBe('NaN');
    const r = new Registry();
    r.gauge('g', 'h').set(1, { path: '/x"y' });
    expect(r.expose()).toContain('g{path="/x\\"y"} 1');
  });

  it('histograms: cumulative buckets, +Inf, _sum, _count', () => {
    const r = new Registry();
    const h = r.histogram('lat_seconds', 'Latency', [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    const lines = r.expose().split('\n');
    expect(lines).toContain('# TYPE lat_seconds histogram');
    expect(lines).toContain('lat_seconds_bucket{le="0.1"} 1');
    expect(lines).toContain('lat_seconds_bucket{le="1"} 2');
    expect(lines).toContain('lat_seconds_bucket{le="+Inf"} 3');
    expect(lines).toContain('lat_seconds_sum 5.55');
    expect(lines).toContain('lat_seconds_count 3');
  });

  it('callback metrics are read at scrape time', () => {
    const r = new Registry();
    let v = 1;
    r.callback('counter', 'cb_total', 'Callback', () => [{ value: v }, { labels: { x: 'y' }, value: v * 2 }]);
    expect(r.expose()).toContain('cb_total 1\ncb_total{x="y"} 2');
    v = 5;
    expect(r.expose()).toContain('cb_total 5\n');
  });

  it('refuses bad names, duplicate families, decreasing counters and reserved labels', () => {
    const r = new Registry();
    expect(() => r.counter('1bad', 'x')).toThrow();
    r.counter('ok_total', 'x');
    expect(() => r.gauge('ok_total', 'x')).toThrow();
    const c = r.counter('c_total', 'x');
    expect(() => c.inc(undefined, -1)).toThrow();
    expect(() => c.inc({ le: '1' })).toThrow();
    expect(() => r.histogram('h', 'x', [1, 1])).toThrow();
  });

  it('every exposed line is a comment or a sample (a line-level check of the grammar)', () => {
    const r = new Registry();
    r.counter('a_total', 'x').inc({ k: 'v w' });
    r.histogram('b_seconds', 'y', [0.5]).observe(1);
    const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/;
    for (const line of r.expose().trimEnd().split('\n')) {
      expect(line.startsWith('# HELP ') || line.startsWith('# TYPE ') || sample.test(line), line).toBe(true);
    }
  });
});
