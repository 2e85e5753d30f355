/**
 * PBFT in the simulator: zero safety violations over seeds with up to f Byzantine replicas
 * (silent, equivocating, double-voting) and faults (loss, duplication, reordering, partitions,
 * crash and restart), liveness (acknowledged transfers are finalized), a view change that
 * really happens when the primary is silent, checkpoints that bound the log, and the control run
 * beyond f where the agreement checker must fire.
 */
import { describe, expect, it } from 'vitest';
import { bftSeedSweep, runBft } from '../../support/bft-sim.js';
import type { ScenarioInput, SimResult } from '../../../src/sim/index.js';

function run(input: Omit<ScenarioInput, 'engine'>): SimResult {
  return runBft('pbft', input);
}

describe('pbft in the simulator, f Byzantine replicas', () => {
  bftSeedSweep('pbft');

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
