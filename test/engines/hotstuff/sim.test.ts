/**
 * HotStuff in the simulator: zero safety violations over seeds with up to f Byzantine replicas
 * (silent, equivocating, double-voting) and faults (loss, duplication, reordering, partitions,
 * crash and restart), liveness (acknowledged transfers are finalized), progress past a silent
 * leader, and the control run beyond f where the agreement checker must fire.
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
  return runScenario({ engine: 'hotstuff', durationS: 4, drainS: 8, load: LOAD, params: { batchIntervalMs: 100 }, ...input });
}

function report(r: SimResult): string {
  return `${r.replay}\n${JSON.stringify(r.violations.slice(0, 3))}\n${JSON.stringify(r.engineErrors.slice(0, 3))}`;
}

describe('hotstuff in the simulator, f Byzantine replicas', () => {
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

  it('a silent leader: views time out, later leaders carry on, and everything is finalized', () => {
    const r = run({ nodes: 4, seed: 5, byzantine: { nodes: [1], behaviour: 'silent' } });
    expect(r.summary.safety_violations).toBe(0);
    expect(r.summary.acked_not_final).toBe(0);
    for (const node of r.perNode.filter((x) => x.honest)) {
      const t = node.status!.telemetry;
      // Every fourth view is the silent leader's: more views than blocks.
      expect(t['view']!).toBeGreaterThan(node.status!.height + 4);
      expect(node.finalizedEntries).toBeGreaterThan(5);
    }
  });

  it('crash and restart of a replica: it catches up and agrees, and the run replays identically', () => {
    const input = { nodes: 4, seed: 9, faults: { crashes: [{ node: 2, atMs: 1000, restartAtMs: 2500 }] } };
    const r = run(input);
    expect(r.summary.safety_violations).toBe(0);
    expect(r.summary.acked_not_final).toBe(0);
    const entries = r.perNode.map((x) => x.finalizedEntries);
    expect(Math.min(...entries)).toBeGreaterThan(0);
    expect(r.perNode[2]!.crashes).toBe(1);
    expect(r.perNode[2]!.status!.height).toBe(r.perNode[0]!.status!.height);
    expect(run(input).summary.trace_hash).toBe(r.summary.trace_hash);
  });
});

describe('hotstuff control runs beyond f', () => {
  // Two double-voting replicas of four (f + 1), with amnesia across a crash, and the two correct
  // replicas shown different worlds: first {0, 1, 2} with 3 cut off, then {0, 1, 3} with 2 cut
  // off. Each world has a quorum (3) of which one correct replica: quorum intersection is gone.
  const faults = {
    partitions: [
      { atMs: 0, healAtMs: 3000, groups: [[3]] },
      { atMs: 3000, healAtMs: null, groups: [[2]] },
    ],
    crashes: [
      { node: 0, atMs: 3000, restartAtMs: 3100 },
      { node: 1, atMs: 3000, restartAtMs: 3100 },
    ],
  };

  it('f + 1 double-voting replicas: the agreement checker fires', () => {
    const r = runScenario({ engine: 'hotstuff', nodes: 4, seed: 1, durationS: 8, drainS: 2, load: LOAD, byzantine: { nodes: [0, 1], behaviour: 'double-vote' }, faults });
    expect(r.summary.violations_by_kind.agreement).toBeGreaterThan(0);
    expect(r.violations[0]!.kind).toBe('agreement');
  });

  it('the same schedule with f double-voting replicas stays safe', () => {
    const r = runScenario({ engine: 'hotstuff', nodes: 4, seed: 1, durationS: 8, drainS: 2, load: LOAD, byzantine: { nodes: [0], behaviour: 'double-vote' }, faults });
    expect(r.summary.safety_violations).toBe(0);
  });
});
