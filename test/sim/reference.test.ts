/**
 * The safety invariants over many seeds with the reference engine (a fixture: fixed leader,
 * quorum votes), and the control runs that must break them, so we know the checkers can fail.
 */
import { describe, expect, it } from 'vitest';
import { maxFaulty } from '../../src/protocol/index.js';
import { runScenario } from '../../src/sim/index.js';
import type { ScenarioInput, SimResult } from '../../src/sim/index.js';

function expectSafe(r: SimResult): void {
  // On failure the message carries the command that replays the run.
  expect(r.summary.safety_violations, `violations ${JSON.stringify(r.violations.slice(0, 3))}\nreplay: ${r.replay}`).toBe(0);
  expect(r.summary.engine_errors, `engine errors ${JSON.stringify(r.engineErrors.slice(0, 3))}\nreplay: ${r.replay}`).toBe(0);
}

describe('reference engine: safety over many seeds', () => {
  const SIZES = [4, 5, 7];
  for (let seed = 1; seed <= 20; seed++) {
    const n = SIZES[seed % SIZES.length]!;
    const f = maxFaulty(n);
    const behaviour = seed % 2 === 0 ? 'silent' : 'equivocate';
    it(`seed ${seed}: n=${n}, ${f} ${behaviour} Byzantine, loss/duplication/reordering/skew${seed % 4 === 1 ? ', a crash and restart' : ''}`, () => {
      const input: ScenarioInput = {
        engine: 'reference',
        nodes: n,
        seed,
        durationS: 3,
        drainS: 2,
        // f Byzantine nodes drawn by the seed: sometimes the leader, sometimes not.
        byzantine: { fraction: f / n, behaviour },
        load: { tps: 40 },
        faults: {
          loss: 0.05,
          duplicate: 0.02,
          reorder: 0.05,
          reorderMaxMs: 150,
          clockSkewMs: 100,
          crashes: seed % 4 === 1 ? [{ node: n - 1, atMs: 1000, restartAtMs: 2000 }] : [],
        },
      };
      const r = runScenario(input);
      expectSafe(r);
      expect(r.summary.byzantine).toBe(f);
      expect(r.summary.submitted).toBeGreaterThan(0);
    });
  }
});

describe('reference engine: liveness when the leader is honest', () => {
  it('all honest, no faults: every acknowledged transaction is final everywhere after the drain', () => {
    const r = runScenario({ engine: 'reference', nodes: 4, seed: 7, durationS: 3, drainS: 2, load: { tps: 50 } });
    expectSafe(r);
    expect(r.summary.acked).toBe(r.summary.submitted);
    expect(r.summary.acked_not_final).toBe(0);
    expect(r.summary.finalized).toBe(r.summary.submitted);
    // Forward (<= 50 ms) + block interval (<= 200 ms) + proposal and votes (2 x 50 ms) + jitter.
    expect(r.summary.latency_p50_ms!).toBeGreaterThan(100);
    expect(r.summary.latency_p99_ms!).toBeLessThan(450);
  });

  it('one silent replica plus one crashed-and-restarted replica (f = 2 faults of 7) and 2% loss: live, and the restarted node catches up', () => {
    const r = runScenario({
      engine: 'reference',
      nodes: 7,
      seed: 3,
      durationS: 4,
      drainS: 4,
      byzantine: { fraction: 0, nodes: [6], behaviour: 'silent' },
      load: { tps: 40 },
      faults: { loss: 0.02, crashes: [{ node: 2, atMs: 1000, restartAtMs: 2500 }] },
    });
    expectSafe(r);
    expect(r.summary.acked_not_final).toBe(0);
    const leader = r.perNode[0]!;
    const restarted = r.perNode[2]!;
    expect(restarted.crashes).toBe(1);
    expect(restarted.up).toBe(true);
    expect(restarted.status?.height).toBe(leader.status?.height);
    expect(restarted.status?.stateRoot).toBe(leader.status?.stateRoot);
  });

  it('a silent leader stops progress but breaks nothing (no view change, by design)', () => {
    const r = runScenario({ engine: 'reference', nodes: 4, seed: 1, durationS: 2, drainS: 1, byzantine: { fraction: 0, nodes: [0], behaviour: 'silent' } });
    expectSafe(r);
    expect(r.summary.finalized).toBe(0);
    expect(r.summary.acked_not_final).toBe(r.summary.acked);
  });
});

describe('control runs: the checkers must fire', () => {
  it('reference-broken with an equivocating leader: the agreement checker reports the slot', () => {
    const r = runScenario({
      engine: 'reference-broken',
      nodes: 4,
      seed: 1,
      durationS: 2,
      drainS: 1,
      byzantine: { fraction: 0, nodes: [0], behaviour: 'equivocate' },
    });
    expect(r.summary.safety_violations).toBeGreaterThan(0);
    expect(r.summary.violations_by_kind.agreement).toBeGreaterThan(0);
    const agreement = r.violations.find((v) => v.kind === 'agreement')!;
    expect(agreement.slot).toBe('h:1');
    expect(agreement.node).not.toBe(0);
    // Different blocks at one height also means different state roots there.
    expect(r.summary.violations_by_kind['state-root']).toBeGreaterThan(0);
    expect(r.replay).toBe('npx thermo sim --engine reference-broken --nodes 4 --seed 1 --duration 2 --drain 1 --byzantine-nodes 0 --behaviour equivocate');
  });

  it('reference (correct) beyond its fault bound: 2 equivocating of 4 (leader + replica) split the honest nodes', () => {
    const r = runScenario({
      engine: 'reference',
      nodes: 4,
      seed: 1,
      durationS: 2,
      drainS: 1,
      byzantine: { fraction: 0, nodes: [0, 1], behaviour: 'equivocate' },
    });
    expect(r.summary.byzantine).toBeGreaterThan(maxFaulty(4));
    expect(r.summary.violations_by_kind.agreement).toBeGreaterThan(0);
    expect(r.violations.find((v) => v.kind === 'agreement')!.slot).toBe('h:1');
  });

  it('reference (correct) with the same equivocating leader but within the bound: safe', () => {
    const r = runScenario({
      engine: 'reference',
      nodes: 4,
      seed: 1,
      durationS: 2,
      drainS: 1,
      byzantine: { fraction: 0, nodes: [0], behaviour: 'equivocate' },
    });
    expectSafe(r);
    expect(r.summary.penalties).toBeGreaterThanOrEqual(0);
  });
});
