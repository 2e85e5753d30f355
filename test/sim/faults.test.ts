import { describe, expect, it } from 'vitest';
import { NodeStorage, SimError, faultPreset, makeScenario } from '../../src/sim/index.js';
import { gauge, runProbe } from './probe.js';
import type { ProbeEffect, ProbeScript } from './probe.js';

const COPIES = 10_000;

/** Node 0 sends COPIES messages to node 1 at start; node 1 counts what it receives. */
const flood: ProbeScript = (() => {
  let received = 0;
  return (ctx, input) => {
    if (input.kind === 'start') {
      received = 0;
      if (ctx.self !== 0) return [];
      return Array.from({ length: COPIES }, (_, i): ProbeEffect => ({ kind: 'send', to: 1, message: { seq: i, pad: 0 } }));
    }
    if (input.kind === 'message') return [{ kind: 'metric', name: 'received', value: ++received }];
    return [];
  };
})();

describe('message faults', () => {
  it('loss drops each copy independently: received + lost = sent, lost ~ p * sent', () => {
    const r = runProbe(flood, { faults: { loss: 0.1 } });
    const received = gauge(r, 'received', 1)!;
    expect(received + r.summary.dropped.loss).toBe(COPIES);
    // Binomial(10000, 0.1): sd = 30; 5 sd either side.
    expect(r.summary.dropped.loss).toBeGreaterThan(1000 - 150);
    expect(r.summary.dropped.loss).toBeLessThan(1000 + 150);
  });

  it('duplication delivers some copies twice: received = sent + duplicated', () => {
    const r = runProbe(flood, { faults: { duplicate: 0.05 } });
    expect(gauge(r, 'received', 1)).toBe(COPIES + r.summary.duplicated);
    expect(r.summary.duplicated).toBeGreaterThan(500 - 110);
    expect(r.summary.duplicated).toBeLessThan(500 + 110);
  });

  it('reordering delays some copies so later ones overtake them', () => {
    let last = -1;
    let inversions = 0;
    const script: ProbeScript = (ctx, input) => {
      if (input.kind === 'start') {
        last = -1;
        inversions = 0;
        if (ctx.self !== 0) return [];
        return Array.from({ length: 1000 }, (_, i): ProbeEffect => ({ kind: 'send', to: 1, message: { seq: i, pad: 0 } }));
      }
      if (input.kind === 'message') {
        if (input.message.seq < last) inversions++;
        last = Math.max(last, input.message.seq);
        return [{ kind: 'metric', name: 'inversions', value: inversions }];
      }
      return [];
    };
    const none = runProbe(script, {});
    expect(gauge(none, 'inversions', 1)).toBe(0);
    const heavy = runProbe(script, { faults: { reorder: 0.2, reorderMaxMs: 50 } });
    expect(gauge(heavy, 'inversions', 1)).toBeGreaterThan(100);
  });
});

describe('partitions', () => {
  it('a partition blocks delivery between groups until it heals', () => {
    // Node 0 sends one message to node 1 every 100 ms; the link is cut from 920 to 3000 ms.
    const script: ProbeScript = (ctx, input) => {
      if (ctx.self !== 0) return input.kind === 'message' ? [{ kind: 'metric', name: `got_${input.message.seq}`, value: input.now }] : [];
      if (input.kind === 'start' || input.kind === 'timer') {
        const k = Math.round(input.now / 100);
        return [
          { kind: 'send', to: 1, message: { seq: k, pad: 0 } },
          { kind: 'set-timer', timer: 'tick', at: input.now + 100 },
        ];
      }
      return [];
    };
    const r = runProbe(script, {
      durationS: 4,
      faults: { partitions: [{ atMs: 920, healAtMs: 3000, groups: [[0], [1]] }] },
    });
    // Sent at 100k ms, arriving at 100k + 50 ms: the ones sent inside [920, 3000) are lost, and
    // so is the copy sent at 900 ms, in flight when the partition started.
    for (let k = 0; k < 40; k++) {
      const arrives = 100 * k + 50;
      const got = gauge(r, `got_${k}`, 1);
      if (arrives > 920 && 100 * k < 3000) expect(got, `message ${k}`).toBeNull();
      else expect(got, `message ${k}`).toBe(arrives);
    }
    expect(r.summary.dropped.partition).toBe(21);
  });

  it('rejects overlapping partitions and bad node indices', () => {
    expect(() =>
      makeScenario({
        engine: 'x',
        faults: {
          partitions: [
            { atMs: 0, healAtMs: 100, groups: [[0]] },
            { atMs: 50, healAtMs: 200, groups: [[1]] },
          ],
        },
      }),
    ).toThrow(SimError);
    expect(() => makeScenario({ engine: 'x', nodes: 4, faults: { partitions: [{ atMs: 0, healAtMs: null, groups: [[7]] }] } })).toThrow(/out of range/);
  });

  it('the partition preset cuts off f nodes for the middle third', () => {
    expect(faultPreset('partition', 7, 9000)).toEqual({ partitions: [{ atMs: 3000, healAtMs: 6000, groups: [[5, 6]] }] });
  });
});

describe('crash and restart', () => {
  it('NodeStorage: a crash drops unsynced writes and their acks; synced ones survive', () => {
    const s = new NodeStorage(0);
    expect(s.write('a', Uint8Array.of(1), false, ['tx-a']).acked).toEqual([]);
    expect(s.write('b', Uint8Array.of(2), true, ['tx-b']).acked).toEqual(['tx-a', 'tx-b']);
    s.write('c', Uint8Array.of(3), false, ['tx-c']);
    s.write('b', null, false, undefined); // an unsynced delete
    s.crash();
    expect(s.lostWrites).toBe(2);
    expect(s.lostAcks).toBe(1);
    const restored = s.restored();
    expect([...restored.keys()].sort()).toEqual(['a', 'b']);
    expect(restored.get('b')).toEqual(Uint8Array.of(2));
  });

  it('NodeStorage is bounded: a write beyond its key cap throws SIM_STORAGE_FULL', () => {
    const s = new NodeStorage(3, 2, 1000);
    s.write('a', Uint8Array.of(1), true, undefined);
    s.write('b', Uint8Array.of(1), false, undefined);
    s.write('a', Uint8Array.of(2), false, undefined); // overwrite: no new key
    expect(() => s.write('c', Uint8Array.of(1), false, undefined)).toThrow(expect.objectContaining({ type: { code: 'SIM_STORAGE_FULL', node: 3, what: 'keys', max: 2 } }));
  });

  it('a crashed node loses unsynced writes; on restart its engine gets exactly the durable records', () => {
    const script: ProbeScript = (ctx, input) => {
      if (ctx.self !== 1 || input.kind !== 'start') return [];
      if (ctx.restored.size === 0 && input.now < 100) {
        return [
          { kind: 'persist', key: 'synced', value: Uint8Array.of(1), sync: true },
          { kind: 'persist', key: 'unsynced', value: Uint8Array.of(2), sync: false },
          { kind: 'metric', name: 'boots', value: 1 },
        ];
      }
      return [
        { kind: 'metric', name: 'restored_synced', value: ctx.restored.has('synced') ? 1 : 0 },
        { kind: 'metric', name: 'restored_unsynced', value: ctx.restored.has('unsynced') ? 1 : 0 },
        { kind: 'metric', name: 'restarted_at', value: input.now },
      ];
    };
    const r = runProbe(script, { durationS: 2, faults: { crashes: [{ node: 1, atMs: 500, restartAtMs: 1500 }] } });
    expect(gauge(r, 'boots', 1)).toBe(1);
    expect(gauge(r, 'restored_synced', 1)).toBe(1);
    expect(gauge(r, 'restored_unsynced', 1)).toBe(0);
    expect(gauge(r, 'restarted_at', 1)).toBe(1500);
    expect(r.perNode[1]!.crashes).toBe(1);
    expect(r.perNode[1]!.lostWrites).toBe(1);
  });

  it('messages to a crashed node are dropped; its timers die with it', () => {
    const script: ProbeScript = (ctx, input) => {
      if (ctx.self === 0 && (input.kind === 'start' || input.kind === 'timer')) {
        return [
          { kind: 'send', to: 1, message: { seq: Math.round(input.now / 100), pad: 0 } },
          { kind: 'set-timer', timer: 't', at: input.now + 100 },
        ];
      }
      if (ctx.self === 1 && input.kind === 'start') return [{ kind: 'set-timer', timer: 'late', at: input.now + 700 }];
      if (ctx.self === 1 && input.kind === 'timer') return [{ kind: 'metric', name: 'late_fired_at', value: input.now }];
      return [];
    };
    const r = runProbe(script, { durationS: 1, faults: { crashes: [{ node: 1, atMs: 400, restartAtMs: null }] } });
    // Sent at 0..900 ms, arriving at 50..950: those arriving after 400 ms are dropped.
    expect(r.summary.dropped.crashed).toBe(6);
    expect(gauge(r, 'late_fired_at', 1)).toBeNull();
    expect(r.perNode[1]!.up).toBe(false);
  });
});

describe('clock skew', () => {
  it('an engine sees global time + its skew, and its timers fire at the matching global time', () => {
    const script: ProbeScript = (ctx, input) => {
      if (input.kind === 'start') return [{ kind: 'metric', name: 'start_local', value: input.now }, { kind: 'set-timer', timer: 't', at: input.now + 100 }];
      if (input.kind === 'timer' && ctx.self === 1) return [{ kind: 'metric', name: 'timer_local', value: input.now }, { kind: 'send', to: 0, message: { seq: 0, pad: 0 } }];
      if (input.kind === 'message') return [{ kind: 'metric', name: 'recv_local', value: input.now }];
      return [];
    };
    const r = runProbe(script, { faults: { skews: [0, 250] } });
    expect(gauge(r, 'start_local', 0)).toBe(0);
    expect(gauge(r, 'start_local', 1)).toBe(250);
    expect(gauge(r, 'timer_local', 1)).toBe(350);
    // Node 1's timer fired at global 100; its message reaches node 0 at global (= local) 150.
    expect(gauge(r, 'recv_local', 0)).toBe(150);
  });

  it('drawn skews are within the bound and reproducible', () => {
    const script: ProbeScript = (_ctx, input) => (input.kind === 'start' ? [{ kind: 'metric', name: 'start_local', value: input.now }] : []);
    const a = runProbe(script, { nodes: 8, faults: { clockSkewMs: 300 } });
    const b = runProbe(script, { nodes: 8, faults: { clockSkewMs: 300 } });
    for (let i = 0; i < 8; i++) {
      const s = gauge(a, 'start_local', i)!;
      expect(Math.abs(s)).toBeLessThanOrEqual(300);
      expect(a.perNode[i]!.skewMs).toBe(s);
      expect(gauge(b, 'start_local', i)).toBe(s);
    }
  });
});
