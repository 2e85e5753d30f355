/**
 * PBFT in the simulator: zero safety violations over seeds with up to f Byzantine replicas
 * (silent, equivocating, double-voting) and faults (loss, duplication, reordering, partitions,
 * crash and restart), liveness (acknowledged transfers are finalized), a view change that
 * really happens when the primary is silent, checkpoints that bound the log, and the control run
 * beyond f where the agreement checker must fire.
 */
import { describe, expect, it } from 'vitest';
import { maxFaulty } from '../../../src/protocol/index.js';
import { runScenario } from '../../../src/sim/index.js';
import type { ScenarioInput, SimResult } from '../../../src/sim/index.js';

const BEHAVIOURS = ['silent', 'equivocate', 'double-vote'] as const;
const LOAD = { tps: 20, accounts: 64 };

function faultsFor(kind: number, n: number): ScenarioInput['faults'] {
  switch (kind % 4) {
    case 0:
      return {};
    case 1:
      return { loss: 0.03, duplicate: 0.01, reorder: 0.05, reorderMaxMs: 150 };
    case 2:
      return { crashes: [{ node: n - 1, atMs: 1200, restartAtMs: 2400 }] };
    default:
      return { partitions: [{ atMs: 1000, healAtMs: 2500, groups: [[0]] }], clockSkewMs: 100 };
  }
}

function run(input: Omit<ScenarioInput, 'engine'>): SimResult {
  return runScenario({ engine: 'pbft', durationS: 4, drainS: 8, load: LOAD, params: { batchIntervalMs: 100 }, ...input });
}

function report(r: SimResult): string {
  return `${r.replay}\n${JSON.stringify(r.violations.slice(0, 3))}\n${JSON.stringify(r.engineErrors.slice(0, 3))}`;
}

describe('pbft in the simulator, f Byzantine replicas', () => {
  for (const n of [4, 7]) {
    it(`n = ${n}: 20 seeds, no safety violation, every acknowledged transfer finalized`, () => {
      const f = maxFaulty(n);
      for (let seed = 1; seed <= 20; seed++) {
        const behaviour = BEHAVIOURS[seed % 3]!;
        const r = run({ nodes: n, seed, byzantine: { fraction: f / n, behaviour }, faults: faultsFor(seed, n) });
        const s = r.summary;
        expect(s.safety_violations, report(r)).toBe(0);
        expect(s.engine_errors, report(r)).toBe(0);
        expect(s.byzantine).toBe(f);
        expect(s.finalized_entries, report(r)).toBeGreaterThan(0);
        expect(s.acked, report(r)).toBeGreaterThan(0);
        expect(s.acked_not_final, report(r)).toBe(0);
      }
    });
  }

  it('a silent primary: the request timer fires, the view changes, and progress resumes', () => {
    const r = run({ nodes: 4, seed: 5, byzantine: { nodes: [0], behaviour: 'silent' } });
    expect(r.summary.safety_violations).toBe(0);
    expect(r.summary.acked_not_final).toBe(0);
    for (const node of r.perNode.filter((x) => x.honest)) {
      expect(node.status!.telemetry['view']).toBe(1);
      expect(node.status!.telemetry['inViewChange']).toBe(0);
      expect(node.finalizedEntries).toBeGreaterThan(5);
    }
  });

  it('two silent primaries in a row (n = 7): backoff, then view 2', () => {
    const r = run({ nodes: 7, seed: 3, byzantine: { nodes: [0, 1], behaviour: 'silent' } });
    expect(r.summary.safety_violations).toBe(0);
    expect(r.summary.acked_not_final).toBe(0);
    for (const node of r.perNode.filter((x) => x.honest)) expect(node.status!.telemetry['view']).toBe(2);
  });

  it('an equivocating primary: safe, and the honest replicas still agree on every block', () => {
    const r = run({ nodes: 4, seed: 2, byzantine: { nodes: [0], behaviour: 'equivocate' } });
    expect(r.summary.safety_violations).toBe(0);
    expect(r.summary.acked_not_final).toBe(0);
    expect(r.penaltiesByCode['PBFT_BAD_PARENT'] ?? 0).toBeGreaterThan(0); // the twin was noticed
  });

  it('checkpoints keep the log bounded: the low watermark follows execution', () => {
    const r = run({ nodes: 4, seed: 4, params: { batchIntervalMs: 20, checkpointInterval: 4, watermarkWindow: 8 } });
    expect(r.summary.safety_violations).toBe(0);
    for (const node of r.perNode) {
      const t = node.status!.telemetry;
      expect(t['executed']! - t['lowWatermark']!).toBeLessThanOrEqual(8);
      expect(t['lowWatermark']!).toBeGreaterThan(0);
      expect(t['instances']!).toBeLessThanOrEqual(8);
    }
  });

  it('crash and restart of a replica: it catches up and agrees, and the run replays identically', () => {
    const input = { nodes: 4, seed: 9, faults: { crashes: [{ node: 2, atMs: 1000, restartAtMs: 2500 }] } };
    const r = run(input);
    expect(r.summary.safety_violations).toBe(0);
    expect(r.summary.acked_not_final).toBe(0);
    expect(r.perNode[2]!.crashes).toBe(1);
    expect(r.perNode[2]!.status!.height).toBe(r.perNode[0]!.status!.height);
    expect(run(input).summary.trace_hash).toBe(r.summary.trace_hash);
  });

  it('crash and restart of the primary: a view change, then the restarted replica rejoins', () => {
    const r = run({ nodes: 4, seed: 6, faults: { crashes: [{ node: 0, atMs: 1000, restartAtMs: 2500 }] } });
    expect(r.summary.safety_violations).toBe(0);
    expect(r.summary.acked_not_final).toBe(0);
    expect(r.perNode[0]!.status!.height).toBe(r.perNode[1]!.status!.height);
    expect(r.perNode[1]!.status!.telemetry['view']).toBeGreaterThanOrEqual(1);
  });
});

describe('pbft control runs beyond f', () => {
  it('f + 1 of 4 (an equivocating primary and an echoing backup): the agreement checker fires', () => {
    const r = run({ nodes: 4, seed: 1, byzantine: { nodes: [0, 1], behaviour: 'equivocate' } });
    expect(r.summary.violations_by_kind.agreement).toBeGreaterThan(0);
    expect(r.violations[0]!.slot).toBe('h:1');
  });

  it('f + 1 double-voting backups under a correct primary: echo voting alone gives nothing to disagree on', () => {
    const r = run({ nodes: 4, seed: 1, byzantine: { nodes: [1, 2], behaviour: 'double-vote' } });
    expect(r.summary.safety_violations).toBe(0);
  });
});
