import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/core/index.js';
import {
  FRAMING_BYTES,
  NetworkModel,
  REGION_NAMES,
  SIMBLOCK_BITCOIN_2019_DISTRIBUTION,
  SIMBLOCK_LATENCY_2019_MS,
} from '../../src/sim/index.js';
import { encodeProbe, gauge, runProbe } from './probe.js';
import type { ProbeEffect } from './probe.js';

const PAD = 930;
const WIRE = encodeProbe({ seq: 1, pad: PAD }).length + FRAMING_BYTES;

describe('network model: exact values on tiny cases', () => {
  it('fixed RTT: a message takes rtt / 2 one way', () => {
    const r = runProbe(
      (ctx, input) => {
        if (input.kind === 'start' && ctx.self === 0) return [{ kind: 'send', to: 1, message: { seq: 1, pad: PAD } }];
        if (input.kind === 'message') return [{ kind: 'metric', name: 'recv_at', value: input.now }];
        return [];
      },
      { latency: { kind: 'fixed', rttMs: 100, jitterMs: 0 } },
    );
    expect(gauge(r, 'recv_at', 1)).toBe(50);
    expect(r.perNode[0]!.bytesOut).toBe(WIRE);
    expect(r.perNode[1]!.bytesIn).toBe(WIRE);
    expect(r.perNode[0]!.msgsOut).toBe(1);
  });

  it('bytes are the codec encoding plus FRAMING_BYTES, counted per copy', () => {
    const r = runProbe(
      (ctx, input) => (input.kind === 'start' && ctx.self === 0 ? [{ kind: 'broadcast', message: { seq: 1, pad: PAD } }] : []),
      { nodes: 5 },
    );
    expect(r.perNode[0]!.bytesOut).toBe(4 * WIRE);
    expect(r.perNode[0]!.msgsOut).toBe(4);
    for (let i = 1; i < 5; i++) expect(r.perNode[i]!.bytesIn).toBe(WIRE);
    expect(r.summary.bytes_per_node_per_s).toBe((4 * WIRE) / 5 / 1);
  });

  it('upload cap: a broadcast is serialized copy after copy', () => {
    const bps = 1_000_000;
    const ser = (WIRE * 8000) / bps; // ms per copy
    const r = runProbe(
      (ctx, input) => {
        if (input.kind === 'start' && ctx.self === 0) return [{ kind: 'broadcast', message: { seq: 1, pad: PAD } }];
        if (input.kind === 'message') return [{ kind: 'metric', name: 'recv_at', value: input.now }];
        return [];
      },
      { nodes: 4, bandwidth: { kind: 'fixed', uploadBps: bps, downloadBps: null } },
    );
    // Copies go to nodes 1, 2, 3 in that order.
    for (let k = 1; k <= 3; k++) expect(gauge(r, 'recv_at', k)).toBeCloseTo(k * ser + 50, 9);
  });

  it('download cap: two copies arriving together are received one after the other', () => {
    const bps = 2_000_000;
    const ser = (WIRE * 8000) / bps;
    const r = runProbe(
      (ctx, input) => {
        if (input.kind === 'start' && ctx.self !== 2) return [{ kind: 'send', to: 2, message: { seq: ctx.self, pad: PAD } }];
        if (input.kind === 'message') return [{ kind: 'metric', name: `recv_${input.message.seq}`, value: input.now }];
        return [];
      },
      { nodes: 3, bandwidth: { kind: 'fixed', uploadBps: null, downloadBps: bps } },
    );
    const a = gauge(r, 'recv_0', 2)!;
    const b = gauge(r, 'recv_1', 2)!;
    expect(Math.min(a, b)).toBeCloseTo(50 + ser, 9);
    expect(Math.max(a, b)).toBeCloseTo(50 + 2 * ser, 9);
  });

  it('uplink backlog beyond maxBacklogMs drops copies (upload_overflow)', () => {
    const bps = 1_000_000;
    const ser = (WIRE * 8000) / bps;
    const burst: ProbeEffect[] = Array.from({ length: 100 }, (_, i) => ({ kind: 'send', to: 1, message: { seq: i, pad: PAD } }));
    const r = runProbe((ctx, input) => (input.kind === 'start' && ctx.self === 0 ? burst : []), {
      bandwidth: { kind: 'fixed', uploadBps: bps, downloadBps: null },
      limits: { maxBacklogMs: 10 * ser + 1e-6 },
    });
    // Copies 0..10 start within the backlog bound (copy k waits k * ser), the rest are dropped.
    expect(r.summary.dropped.upload_overflow).toBe(89);
    expect(r.perNode[1]!.msgsIn).toBe(11);
  });

  it('downlink backlog beyond maxBacklogMs drops copies (download_overflow)', () => {
    const bps = 1_000_000;
    const ser = (WIRE * 8000) / bps;
    // Nodes 1..9 each send one copy to node 0 at the same instant.
    const r = runProbe((ctx, input) => (input.kind === 'start' && ctx.self !== 0 ? [{ kind: 'send', to: 0, message: { seq: ctx.self, pad: PAD } }] : []), {
      nodes: 10,
      bandwidth: { kind: 'fixed', uploadBps: null, downloadBps: bps },
      limits: { maxBacklogMs: 3 * ser + 1e-6 },
    });
    // Copies 0..3 start within the bound (copy k waits k * ser), the other five are dropped.
    expect(r.summary.dropped.download_overflow).toBe(5);
    expect(r.perNode[0]!.msgsIn).toBe(4);
  });

  it('a node CPU busy with cost effects sends only when the work is done', () => {
    const r = runProbe(
      (ctx, input) => {
        if (input.kind === 'start' && ctx.self === 0) {
          return [
            { kind: 'cost', op: 'sig-verify', count: 100 },
            { kind: 'send', to: 1, message: { seq: 1, pad: 0 } },
          ];
        }
        if (input.kind === 'message') return [{ kind: 'metric', name: 'recv_at', value: input.now }];
        return [];
      },
      { costModel: 'measured' },
    );
    expect(gauge(r, 'recv_at', 1)).toBeCloseTo(100 * 0.107 + 50, 9);
  });
});

describe('SimBlock region matrix (dsg-titech/simblock NetworkConfiguration.java, LATENCY_2019)', () => {
  it('ships the six regions and the 2019 values', () => {
    expect(REGION_NAMES).toEqual(['north-america', 'europe', 'south-america', 'asia-pacific', 'japan', 'australia']);
    expect(SIMBLOCK_LATENCY_2019_MS[0]).toEqual([32, 124, 184, 198, 151, 189]);
    expect(SIMBLOCK_LATENCY_2019_MS[5]).toEqual([189, 294, 322, 198, 126, 16]);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(SIMBLOCK_LATENCY_2019_MS[i]![j]).toBe(SIMBLOCK_LATENCY_2019_MS[j]![i]);
    expect(SIMBLOCK_BITCOIN_2019_DISTRIBUTION.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('without jitter a message takes exactly the matrix latency; with Pareto jitter the mean is close to it', () => {
    const exact = new NetworkModel(6, { kind: 'regions', assign: 'round-robin', jitter: 'none' }, { kind: 'unlimited' }, Prng.fromSeed(1), 1000, Prng.fromSeed(2));
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(exact.propagation(i, j)).toBe(SIMBLOCK_LATENCY_2019_MS[i]![j]);
    const pareto = new NetworkModel(6, { kind: 'regions', assign: 'round-robin', jitter: 'pareto' }, { kind: 'unlimited' }, Prng.fromSeed(1), 1000, Prng.fromSeed(2));
    // North America -> Europe: mean 124 ms, Pareto(scale 119, shape 24.8): sd ~ 5 ms.
    let sum = 0;
    let min = Infinity;
    const draws = 20_000;
    for (let k = 0; k < draws; k++) {
      const x = pareto.propagation(0, 1);
      sum += x;
      if (x < min) min = x;
    }
    expect(sum / draws).toBeGreaterThan(123.5);
    expect(sum / draws).toBeLessThan(124.5);
    expect(min).toBeGreaterThanOrEqual(119);
  });

  it('runs end to end with the regions model and SimBlock bandwidths', () => {
    const r = runProbe(
      (ctx, input) => {
        if (input.kind === 'start' && ctx.self === 0) return [{ kind: 'broadcast', message: { seq: 1, pad: 10 } }];
        if (input.kind === 'message') return [{ kind: 'metric', name: 'recv_at', value: input.now }];
        return [];
      },
      { nodes: 6, latency: { kind: 'regions', assign: 'round-robin', jitter: 'none' }, bandwidth: { kind: 'regions' } },
    );
    // Node k is in region k; node 0 (North America) uploads at 19.2 Mbit/s, downloads at the
    // receiver's regional rate; propagation is LATENCY_2019[0][k].
    const wire = encodeProbe({ seq: 1, pad: 10 }).length + FRAMING_BYTES;
    const up = [0, 0, 0, 0, 0, 0].map((_, k) => (k * wire * 8000) / 19_200_000);
    const down = [52e6, 40e6, 18e6, 22.8e6, 22.8e6, 29.9e6];
    for (let k = 1; k < 6; k++) {
      expect(gauge(r, 'recv_at', k)).toBeCloseTo(up[k]! + SIMBLOCK_LATENCY_2019_MS[0]![k]! + (wire * 8000) / down[k]!, 9);
    }
  });
});

describe('CPU model: a busy node queues its inputs', () => {
  const work: ProbeEffect = { kind: 'cost', op: 'sig-verify', count: 100 }; // 100 x 107 us = 10.7 ms
  const script = (ctx: { self: number }, input: { kind: string; now: number; message?: { seq: number } }): ProbeEffect[] => {
    if (input.kind === 'start' && ctx.self === 0) return Array.from({ length: 5 }, (_, i): ProbeEffect => ({ kind: 'send', to: 1, message: { seq: i, pad: 0 } }));
    if (input.kind === 'message') return [work, { kind: 'metric', name: `handled_${input.message!.seq}`, value: input.now }];
    return [];
  };

  it('inputs that arrive while the CPU is busy wait, in order, until it is free', () => {
    const r = runProbe(script, { costModel: 'measured' });
    for (let i = 0; i < 5; i++) expect(gauge(r, `handled_${i}`, 1)).toBeCloseTo(50 + i * 10.7, 9);
  });

  it('the inbox is bounded: inputs beyond maxInbox are dropped (inbox_overflow)', () => {
    const r = runProbe(script, { costModel: 'measured', limits: { maxInbox: 2 } });
    expect(r.summary.dropped.inbox_overflow).toBe(2);
    expect(gauge(r, 'handled_2', 1)).toBeCloseTo(50 + 2 * 10.7, 9);
    expect(gauge(r, 'handled_3', 1)).toBeNull();
  });
});
