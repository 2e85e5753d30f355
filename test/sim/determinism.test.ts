/**
 * Reproducibility: the same config gives the same trace hash (and the same everything else);
 * a different seed gives a different one; the replay command parses back to the same config.
 */
import { describe, expect, it } from 'vitest';
import {
  TraceHasher,
  argsFromArgv,
  makeScenario,
  percentile,
  replayCommand,
  runScenario,
  scenarioFromArgs,
  scenarioToArgs,
  shellQuote,
} from '../../src/sim/index.js';
import type { ScenarioInput } from '../../src/sim/index.js';

const FAULTY: ScenarioInput = {
  engine: 'reference',
  nodes: 5,
  seed: 11,
  durationS: 2,
  drainS: 1,
  byzantine: { fraction: 0.2, behaviour: 'equivocate' },
  load: { tps: 60 },
  faults: { loss: 0.03, duplicate: 0.02, reorder: 0.1, reorderMaxMs: 100, clockSkewMs: 50, crashes: [{ node: 4, atMs: 700, restartAtMs: 1400 }] },
  bandwidth: { kind: 'fixed', uploadBps: 20_000_000, downloadBps: 50_000_000 },
};

function withoutWall<T extends { wallMs: number }>(r: T): Omit<T, 'wallMs'> {
  const { wallMs: _wall, ...rest } = r;
  return rest;
}

describe('determinism', () => {
  it('same seed: same trace hash and identical results, twice, under faults and adversaries', () => {
    const a = runScenario(FAULTY);
    const b = runScenario(FAULTY);
    expect(a.summary.trace_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.summary.trace_hash).toBe(a.summary.trace_hash);
    expect(withoutWall(b)).toEqual(withoutWall(a));
    expect(a.summary.events).toBeGreaterThan(500);
  });

  it('a different seed gives a different trace hash', () => {
    const a = runScenario(FAULTY);
    const c = runScenario({ ...FAULTY, seed: 12 });
    expect(c.summary.trace_hash).not.toBe(a.summary.trace_hash);
  });

  it('same seed with the regions latency model: same hash', () => {
    const input: ScenarioInput = { engine: 'reference', nodes: 6, seed: 5, durationS: 2, drainS: 1, latency: { kind: 'regions', assign: 'bitcoin-2019', jitter: 'pareto' }, bandwidth: { kind: 'regions' } };
    expect(runScenario(input).summary.trace_hash).toBe(runScenario(input).summary.trace_hash);
  });

  it('the trace hash folds event contents: one changed word changes the digest', () => {
    const h1 = new TraceHasher();
    const h2 = new TraceHasher();
    h1.event(2, 1, 50.25, 0, 100);
    h2.event(2, 1, 50.25, 0, 101);
    expect(h1.digest()).not.toBe(h2.digest());
    const h3 = new TraceHasher();
    h3.event(2, 1, 50.25, 0, 100);
    expect(h3.digest()).toBe(h1.digest());
  });
});

describe('replay command', () => {
  it('prints only what differs from the defaults', () => {
    expect(replayCommand(makeScenario({ engine: 'reference', nodes: 16, seed: 1, durationS: 20 }))).toBe(
      'npx thermo sim --engine reference --nodes 16 --seed 1 --duration 20',
    );
  });

  it('round-trips every field: parse(print(config)) === config', () => {
    const config = makeScenario({
      ...FAULTY,
      byzantine: { fraction: 0, nodes: [1, 3], behaviour: 'equivocate' },
      latency: { kind: 'fixed', rttMs: 80.5, jitterMs: 0 },
      faults: {
        ...FAULTY.faults,
        partitions: [
          { atMs: 100, healAtMs: 900, groups: [[0, 1], [2]] },
          { atMs: 1000, healAtMs: null, groups: [[4]] },
        ],
        skews: [0, 1.5, -2, 3, 0.125],
      },
      load: { tps: 33.3, accounts: 64, clientTimeoutMs: 2500, maxResubmits: 2 },
      params: { blockIntervalMs: 150, retransmitMs: 400 },
      costModel: 'zero',
      hashPower: [1, 2, 3, 4, 5],
      limits: { maxEvents: 1e6, maxInbox: 500 },
    });
    const args = scenarioToArgs(config);
    const back = scenarioFromArgs(argsFromArgv(args));
    expect(back).toEqual(config);
    // And through the shell quoting of the printed command.
    expect(replayCommand(config)).toContain(`--params ${shellQuote(JSON.stringify({ blockIntervalMs: 150, retransmitMs: 400 }))}`);
  });

  it('a run replayed from its printed command has the same trace hash', () => {
    const first = runScenario(FAULTY);
    const argv = scenarioToArgs(first.config);
    const again = runScenario(scenarioFromArgs(argsFromArgv(argv)));
    expect(again.summary.trace_hash).toBe(first.summary.trace_hash);
  });

  it('rejects unknown flags and bad values with typed errors', () => {
    expect(() => scenarioFromArgs({ engine: 'reference', bogus: '1' })).toThrow(/unknown flag/);
    expect(() => scenarioFromArgs({ engine: 'reference', loss: 'lots' })).toThrow(/not a number/);
    expect(() => scenarioFromArgs({ engine: 'reference', nodes: '2.5' })).toThrow(/not an integer/);
    expect(() => scenarioFromArgs({ engine: 'reference', regions: 'mars' })).toThrow(/round-robin or bitcoin-2019/);
  });
});

describe('metrics', () => {
  it('percentiles are nearest-rank: P_p = x[ceil(p/100 * N) - 1]', () => {
    const xs = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile(Float64Array.of(), 50)).toBeNull();
    expect(percentile(Float64Array.of(7), 99)).toBe(7);
  });

  it('tps counts transactions final at their submitting node within the measured window', () => {
    const r = runScenario({ engine: 'reference', nodes: 4, seed: 2, durationS: 2, drainS: 1, load: { tps: 30 } });
    expect(r.summary.tps).toBeLessThanOrEqual(r.summary.finalized / 2);
    expect(r.summary.tps).toBeGreaterThan(0);
    // Gauges: the engine's 'height' metric, sampled once per simulated second.
    expect(r.series['height']!.length).toBe(3);
    expect(r.series['height']![2]!.min).toBeGreaterThan(0);
  });
});
