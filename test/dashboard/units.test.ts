/**
 * The dashboard's small pure pieces: Traces (fixed-capacity aligned rings), Backoff, the
 * Prometheus text reader, and the runtime checks of API answers.
 */
import { describe, expect, it } from 'vitest';
import { parsePrometheus, scalar } from '../../src/dashboard/api/prometheus.js';
import { asDag, asPeers, asReports, asStatus, asTelemetry } from '../../src/dashboard/api/validate.js';
import { Backoff } from '../../src/dashboard/live/backoff.js';
import { Traces } from '../../src/dashboard/live/traces.js';

describe('Traces', () => {
  it('aligns every trace with the times, gaps where a row lacks it, a later trace backfilled with gaps', () => {
    const t = new Traces(4);
    t.push(1, { a: 1 });
    t.push(2, { a: 2, b: 20 });
    t.push(3, { b: Number.NaN });
    expect(t.times()).toEqual([1, 2, 3]);
    expect(t.values('a')).toEqual([1, 2, null]);
    expect(t.values('b')).toEqual([null, 20, null]);
    expect(t.values('zzz')).toEqual([null, null, null]);
    expect(t.last('a')).toBeNull();
    expect(t.known('a')).toBe(2);
  });

  it('overwrites the oldest beyond capacity and caps the number of traces', () => {
    const t = new Traces(3, 2);
    for (let i = 0; i < 10; i++) t.push(i, { a: i, b: -i, c: 1 });
    expect(t.length).toBe(3);
    expect(t.times()).toEqual([7, 8, 9]);
    expect(t.values('a')).toEqual([7, 8, 9]);
    expect(t.has('c')).toBe(false);
    expect(() => new Traces(1)).toThrow(RangeError);
  });
});

describe('Backoff', () => {
  it('doubles up to the cap and starts over on reset', () => {
    const b = new Backoff(1000, 4000);
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([1000, 2000, 4000, 4000]);
    b.reset();
    expect(b.next()).toBe(1000);
  });
});

describe('parsePrometheus', () => {
  it('reads wanted samples with labels, skips comments and others', () => {
    const text = [
      '# HELP thermo_net_bytes_in_total Bytes',
      '# TYPE thermo_net_bytes_in_total counter',
      'thermo_net_bytes_in_total 12345',
      'thermo_other 1',
      'thermo_engine_telemetry{name="temperature"} 0.25',
      'thermo_engine_telemetry{name="a\\"b",x="y"} 3e2',
      'thermo_tx_ack_seconds_bucket{le="+Inf"} +Inf',
      'broken line',
    ].join('\n');
    const m = parsePrometheus(text, new Set(['thermo_net_bytes_in_total', 'thermo_engine_telemetry', 'thermo_tx_ack_seconds_bucket']));
    expect(scalar(m, 'thermo_net_bytes_in_total')).toBe(12345);
    expect(m.get('thermo_engine_telemetry')).toEqual([
      { labels: { name: 'temperature' }, value: 0.25 },
      { labels: { name: 'a"b', x: 'y' }, value: 300 },
    ]);
    expect(scalar(m, 'thermo_tx_ack_seconds_bucket')).toBe(Number.POSITIVE_INFINITY);
    expect(m.has('thermo_other')).toBe(false);
    expect(scalar(m, 'missing')).toBeNull();
  });
});

describe('runtime checks of API answers', () => {
  it('accept the node shapes and drop what does not fit', () => {
    expect(asStatus({ engine: 'x', height: 1, finalized: 0, peers: 0 })).toMatchObject({ engine: 'x', validator: null, stateRoot: null });
    expect(asStatus({ engine: 'x', height: '1', finalized: 0, peers: 0 })).toBeNull();
    expect(asStatus([1])).toBeNull();
    expect(asTelemetry({ engine: 'x', height: 1, finalized: 1, telemetry: { a: 1, b: 'no', c: null }, gauges: 5, lastFinalizedAt: 'x' })).toEqual({ engine: 'x', height: 1, finalized: 1, telemetry: { a: 1 }, gauges: {}, lastFinalizedAt: null });
    expect(asTelemetry({ engine: 'x', height: 1, finalized: 1 })).toBeNull();
    expect(asPeers({ peers: [{ peerId: 'a', score: -1 }, { nope: true }, 3] })).toEqual([{ peerId: 'a', validator: null, addresses: [], score: -1, verified: false }]);
    expect(asPeers([])).toBeNull();
    expect(asDag({ vertices: [{ id: 'v', height: 2, parents: ['p', 3], status: 'accepted', final: true }, { id: 'w' }] })).toEqual([{ id: 'v', author: -1, height: 2, parents: ['p'], status: 'accepted', preferred: false, final: true }]);
    expect(asReports([{ name: 'a', title: 't' }])?.[0]).toMatchObject({ name: 'a', kind: '', summary: '' });
    expect(asReports({ reports: 'x' })).toBeNull();
  });
});
