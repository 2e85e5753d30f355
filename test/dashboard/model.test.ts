/**
 * The dashboard's live model without a browser: what it asks the API and when, how it turns
 * answers into numbers and traces, the disconnected state and recovery, optional routes, and
 * bounded memory (fixed-capacity traces, bounded lists) over many hours of ticks.
 */
import { describe, expect, it } from 'vitest';
import { LiveModel } from '../../src/dashboard/live/model.js';
import { TRACE, telemetryTrace } from '../../src/dashboard/live/names.js';
import { FakeWorld } from './support/fake-deps.js';

interface Chain {
  height: number;
  bytesIn: number;
  bytesOut: number;
  acks: number;
  ackSum: number;
  telemetry: Record<string, number>;
  engine: string;
}

function api(c: Chain) {
  return (path: string): string | null => {
    if (path === '/status') return JSON.stringify({ chainId: 'c', engine: c.engine, validator: 1, peerId: 'p', height: c.height, finalized: c.height - 1, stateRoot: null, peers: 2, ready: true });
    if (path === '/telemetry') return JSON.stringify({ engine: c.engine, height: c.height, finalized: c.height - 1, telemetry: c.telemetry, gauges: { height: c.height }, lastFinalizedAt: null });
    if (path === '/peers') return JSON.stringify({ peers: [{ peerId: 'a', validator: 0, addresses: [], score: 0, verified: true }, { peerId: 'b', validator: 2, addresses: [], score: -3, verified: false }] });
    if (path.startsWith('/blocks')) return JSON.stringify({ entries: [6, 7, 8].map((seq) => ({ seq, slot: String(seq), value: 'v', height: seq + 1, txIds: [] })), lastSeq: 8 });
    if (path === '/metrics') return `# TYPE thermo_net_bytes_in_total counter\nthermo_net_bytes_in_total ${c.bytesIn}\nthermo_net_bytes_out_total ${c.bytesOut}\nthermo_tx_ack_seconds_sum ${c.ackSum}\nthermo_tx_ack_seconds_count ${c.acks}\n`;
    return null;
  };
}

function setup(engine = 'coherence', capacity = 600) {
  const chain: Chain = { height: 10, bytesIn: 0, bytesOut: 0, acks: 0, ackSum: 0, telemetry: { coherenceR: 0.9, difficultyLog2: 12, mempool: 5 }, engine };
  const world = new FakeWorld(api(chain));
  const model = new LiveModel(world.deps(), { pollMs: 1000, capacity });
  return { chain, world, model };
}

describe('LiveModel', () => {
  it('polls once a second and shows status, telemetry, peers and traces', async () => {
    const { chain, world, model } = setup();
    model.start();
    await world.advance(0);
    const s = model.snapshot;
    expect(s.connection.state).toBe('live');
    expect(s.status).toMatchObject({ engine: 'coherence', height: 10, finalized: 9, peers: 2, validator: 1 });
    expect(s.telemetry?.telemetry).toEqual(chain.telemetry);
    expect(s.peers?.map((p) => p.score)).toEqual([0, -3]);
    expect(s.mempool).toBe(5);
    expect(world.requests.slice(0, 6).sort()).toEqual(['/blocks?limit=12', '/metrics', '/peers', '/reports', '/status', '/telemetry']);
    // on connecting, the newest finalized entries come from /blocks, newest first
    expect(s.recent.map((e) => e.seq)).toEqual([8, 7, 6]);
    for (let i = 0; i < 5; i++) {
      chain.height++;
      await world.advance(1000);
    }
    expect(model.traces.length).toBe(6);
    expect(model.traces.values(TRACE.height)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(model.traces.values(telemetryTrace('coherenceR'))).toEqual([0.9, 0.9, 0.9, 0.9, 0.9, 0.9]);
    expect(model.snapshot.rates.entriesPerS).toBeCloseTo(1, 9);
    model.stop();
    expect(world.pending).toBe(0);
  });

  it('derives bytes/s and ack latency from /metrics counters, tx/s and the finalization interval from events', async () => {
    const { chain, world, model } = setup();
    model.start();
    await world.advance(0);
    world.stream?.open();
    for (let i = 0; i < 6; i++) {
      chain.bytesIn += 2000;
      chain.bytesOut += 3000;
      chain.acks += 4;
      chain.ackSum += 4 * 0.005;
      world.stream?.emit('finalized', { seq: i, slot: String(i), value: 'ab', height: i, txIds: ['x', 'y', 'z'] });
      await world.advance(500);
      world.stream?.emit('finalized', { seq: 100 + i, slot: 'q', value: 'cd', height: null, txIds: ['w'] });
      await world.advance(500);
    }
    const r = model.snapshot.rates;
    expect(r.bytesInPerS).toBeCloseTo(2000, 6);
    expect(r.bytesOutPerS).toBeCloseTo(3000, 6);
    expect(r.ackLatencyMs).toBeCloseTo(5, 6);
    expect(r.txPerS).toBeCloseTo(4, 6);
    expect(r.finalIntervalMs).toBeCloseTo(500, 6);
    expect(model.snapshot.recent[0]).toMatchObject({ seq: 105, txIds: ['w'] });
    // a repeated entry is listed once
    world.stream?.emit('finalized', { seq: 105, slot: 'q', value: 'cd', height: null, txIds: ['w'] });
    expect(model.snapshot.recent.filter((e) => e.seq === 105)).toHaveLength(1);
    // malformed events are ignored
    world.stream?.emit('finalized', { nope: 1 });
    world.stream?.emit('status', 'garbage');
    expect(model.snapshot.recent[0]?.seq).toBe(105);
    model.stop();
  });

  it('goes "disconnected" with the last-seen time, retries with backoff, and recovers', async () => {
    const { chain, world, model } = setup();
    model.start();
    await world.advance(0);
    world.stream?.open();
    await world.advance(1000);
    const lastSeen = model.snapshot.connection.lastSeen;
    world.up = false;
    world.requests.length = 0;
    await world.advance(1000);
    const c = model.snapshot.connection;
    expect(c.state).toBe('disconnected');
    expect(c.lastSeen).toBe(lastSeen);
    expect(c.stream).toBe(false);
    expect(world.stream?.stops).toBe(1);
    expect(c.error).toBe('Failed to fetch');
    // retries after 1, 2, 4, 4 s
    const times: number[] = [];
    const count = (): number => world.requests.filter((r) => r === '/status').length;
    for (let t = 0; t < 12_000; t += 250) {
      const before = count();
      await world.advance(250);
      if (count() > before) times.push(t + 250);
    }
    expect(times).toEqual([1000, 3000, 7000, 11000]);
    chain.height = 50;
    world.up = true;
    await world.advance(4000);
    expect(model.snapshot.connection.state).toBe('live');
    expect(model.snapshot.status?.height).toBe(50);
    // the interval between finalizations does not span the outage, and /blocks was asked again
    expect(model.snapshot.rates.finalIntervalMs).toBeNull();
    expect(world.requests.filter((r) => r.startsWith('/blocks')).length).toBe(1);
    expect(world.stream?.starts).toBe(2);
    // the disconnected ticks left gaps in the traces, not made-up values
    expect(model.traces.values(TRACE.height)).toContain(null);
    model.stop();
  });

  it('treats a malformed /status as no answer', async () => {
    const world = new FakeWorld((p) => (p === '/status' ? '{"engine": 3}' : null));
    const model = new LiveModel(world.deps());
    model.start();
    await world.advance(0);
    expect(model.snapshot.connection).toMatchObject({ state: 'disconnected', error: 'GET /status answered 200' });
    model.stop();
  });

  it('asks the engine routes it needs; a 404 marks one unavailable and it is asked again only after 30 ticks', async () => {
    const { world, model } = setup('negentropy');
    model.start();
    for (let i = 0; i < 40; i++) await world.advance(1000);
    expect(model.snapshot.dag.kind).toBe('unavailable');
    expect(model.snapshot.reports.kind).toBe('unavailable');
    expect(world.requests.filter((r) => r.startsWith('/dag')).length).toBe(2);
    expect(world.requests.filter((r) => r === '/epoch').length).toBe(0);
    model.stop();

    const epoch = { epoch: 7, leader: 1, aggregate: [1, 2], proposals: [{ proposer: 0, vector: [1, 2], weight: 0.5, flagged: false }, { proposer: 9, vector: ['x'] }] };
    const tt = new FakeWorld((p) => (p === '/epoch' ? JSON.stringify(epoch) : p === '/reports' ? JSON.stringify({ reports: [{ name: 'r1', kind: 'sim', title: 'T', createdAt: '2026', summary: 's' }] }) : api({ height: 3, bytesIn: 0, bytesOut: 0, acks: 0, ackSum: 0, telemetry: { temperature: 0.2 }, engine: 'thermotruth' })(p)));
    const m2 = new LiveModel(tt.deps());
    m2.start();
    await tt.advance(0);
    const e = m2.snapshot.epoch;
    expect(e.kind === 'ok' && e.value.proposals.map((p) => p.proposer)).toEqual([0]);
    const r = m2.snapshot.reports;
    expect(r.kind === 'ok' && r.value.map((x) => x.name)).toEqual(['r1']);
    m2.stop();
  });

  it('keeps memory flat: an hour of ticks fills the traces to capacity and no further', async () => {
    const { chain, world, model } = setup('coherence', 600);
    model.start();
    await world.advance(0);
    world.stream?.open();
    for (let i = 0; i < 3600; i++) {
      chain.height++;
      chain.telemetry = { ...chain.telemetry, [`k${i % 200}`]: i };
      if (i % 3 === 0) world.stream?.emit('finalized', { seq: i, slot: 's', value: 'v', height: i, txIds: ['a'] });
      await world.advance(1000);
    }
    expect(model.traces.length).toBe(600);
    expect(model.traces.names().length).toBeLessThanOrEqual(model.traces.maxTraces);
    expect(model.snapshot.recent.length).toBeLessThanOrEqual(12);
    const h = model.traces.values(TRACE.height);
    expect(h[h.length - 1]).toBe(chain.height);
    expect(h[0]).toBe(chain.height - 599);
    model.stop();
  });
});
