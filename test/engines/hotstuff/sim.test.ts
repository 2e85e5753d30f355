/**
 * HotStuff in the simulator: zero safety violations over seeds with up to f Byzantine replicas
 * (silent, equivocating, double-voting) and faults (loss, duplication, reordering, partitions,
 * crash and restart), liveness (acknowledged transfers are finalized), progress past a silent
 * leader, and the control run beyond f where the agreement checker must fire.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../src/sim/index.js';
import { BFT_LOAD, bftSeedSweep, runBft } from '../../support/bft-sim.js';
import type { ScenarioInput, SimResult } from '../../../src/sim/index.js';

function run(input: Omit<ScenarioInput, 'engine'>): SimResult {
  return runBft('hotstuff', input);
}

describe('hotstuff in the simulator, f Byzantine replicas', () => {
  bftSeedSweep('hotstuff');

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
    const r = runScenario({ engine: 'hotstuff', nodes: 4, seed: 1, durationS: 8, drainS: 2, load: BFT_LOAD, byzantine: { nodes: [0, 1], behaviour: 'double-vote' }, faults });
    expect(r.summary.violations_by_kind.agreement).toBeGreaterThan(0);
    expect(r.violations[0]!.kind).toBe('agreement');
  });

  it('the same schedule with f double-voting replicas stays safe', () => {
    const r = runScenario({ engine: 'hotstuff', nodes: 4, seed: 1, durationS: 8, drainS: 2, load: BFT_LOAD, byzantine: { nodes: [0], behaviour: 'double-vote' }, faults });
    expect(r.summary.safety_violations).toBe(0);
  });
});
