/**
 * ThermoTruth in the simulator: zero safety violations across seeds with f < n/3 Byzantine
 * nodes playing each behaviour (with loss, duplication, reordering, skew and a crash), the
 * control run beyond n/3 where the agreement checker must fire, view change on a silent leader,
 * and determinism (same seed, same trace).
 */
import { describe, expect, it } from 'vitest';
import { eraseDefinition, maxFaulty } from '../../../src/protocol/index.js';
import { findEngine } from '../../../src/engines/index.js';
import { runScenario } from '../../../src/sim/index.js';
import type { ScenarioInput, SimResult } from '../../../src/sim/index.js';
import { thermotruthDefinition } from '../../../src/engines/thermotruth/index.js';

const resolve = (name: string) => (name === 'thermotruth' ? eraseDefinition(thermotruthDefinition) : findEngine(name));
const run = (input: Omit<ScenarioInput, 'engine'>): SimResult =>
  runScenario({ engine: 'thermotruth', latency: { kind: 'fixed', rttMs: 50, jitterMs: 5 }, ...input }, { resolve });

function expectSafe(r: SimResult): void {
  expect(r.summary.safety_violations, `violations ${JSON.stringify(r.violations.slice(0, 2))}\nreplay: ${r.replay}`).toBe(0);
  expect(r.summary.engine_errors, `engine errors ${JSON.stringify(r.engineErrors.slice(0, 2))}\nreplay: ${r.replay}`).toBe(0);
}

function honestGauge(r: SimResult, name: string): number[] {
  return (r.gauges[name] ?? []).filter((v, i): v is number => v !== null && r.perNode[i]!.honest);
}

describe('thermotruth: safety over 20 seeds at f < n/3', () => {
  const SIZES = [4, 5, 7];
  const BEHAVIOURS = ['silent', 'outlier', 'in-range-drag', 'split-world'];
  for (let seed = 1; seed <= 20; seed++) {
    const n = SIZES[seed % SIZES.length]!;
    const f = maxFaulty(n);
    const behaviour = BEHAVIOURS[seed % BEHAVIOURS.length]!;
    const faulty = seed % 3 === 0;
    it(`seed ${seed}: n=${n}, ${f} ${behaviour}${faulty ? ', loss/dup/reorder/skew' : ''}${seed % 6 === 0 ? ', a crash and restart' : ''}${seed % 5 === 0 ? ', 3 Sybils each' : ''}`, () => {
      const r = run({
        nodes: n,
        seed,
        durationS: 2,
        // A split-world leader that withholds its commit from half the nodes costs them about a
        // second and a half of catch-up: the drain leaves room for it.
        drainS: 3,
        byzantine: { fraction: f / n, behaviour },
        load: { tps: 30 },
        params: { sybilsPerByzantine: seed % 5 === 0 ? 3 : 0, rule: (['boltzmann', 'dlpsw', 'literal'] as const)[seed % 3] },
        faults: faulty
          ? { loss: 0.03, duplicate: 0.02, reorder: 0.05, reorderMaxMs: 100, clockSkewMs: 50, crashes: seed % 6 === 0 ? [{ node: n - 1, atMs: 700, restartAtMs: 1300 }] : [] }
          : {},
      });
      expectSafe(r);
      expect(r.summary.byzantine).toBe(f);
      expect(r.summary.finalized_entries).toBeGreaterThan(0);
    });
  }
});

describe('thermotruth: control run beyond n/3', () => {
  it('two split-world nodes of 4 (f = 1) make honest nodes finalize different batches: the agreement checker fires', () => {
    const r = run({ nodes: 4, seed: 1, durationS: 3, drainS: 1, byzantine: { fraction: 0, nodes: [0, 1], behaviour: 'split-world' }, load: { tps: 20 } });
    expect(r.summary.violations_by_kind.agreement).toBeGreaterThan(0);
    expect(r.replay).toContain('thermotruth');
  });

  it('the same two nodes within the bound of a larger network (n = 7, f = 2) stay safe', () => {
    expectSafe(run({ nodes: 7, seed: 1, durationS: 3, drainS: 1, byzantine: { fraction: 0, nodes: [0, 1], behaviour: 'split-world' }, load: { tps: 20 } }));
  });
});

describe('thermotruth: view change and liveness', () => {
  it('a silent leader (validator 1 leads epoch 1) is replaced by a view change; every acknowledged transfer is final', () => {
    const r = run({ nodes: 4, seed: 3, durationS: 3, drainS: 3, byzantine: { fraction: 0, nodes: [1], behaviour: 'silent' }, load: { tps: 30 } });
    expectSafe(r);
    expect(Math.min(...honestGauge(r, 'tt_view_changes'))).toBeGreaterThanOrEqual(1);
    expect(r.summary.finalized_entries).toBeGreaterThan(3);
    expect(r.summary.acked_not_final).toBe(0);
    expect(r.summary.finalized).toBe(r.summary.submitted);
  });

  it('all honest: no view change, every transfer final, the aggregate error is below one honest spread', () => {
    const r = run({ nodes: 4, seed: 5, durationS: 3, drainS: 2, load: { tps: 40 } });
    expectSafe(r);
    expect(Math.max(...honestGauge(r, 'tt_view_changes'))).toBe(0);
    expect(r.summary.finalized).toBe(r.summary.submitted);
    for (const e of honestGauge(r, 'tt_error_mean')) expect(e).toBeLessThan(1);
  });

  it('outliers at 1e6 are healed away: error stays near the honest baseline', () => {
    const r = run({ nodes: 7, seed: 2, durationS: 3, drainS: 1, byzantine: { fraction: 2 / 7, behaviour: 'outlier' }, load: { tps: 10 } });
    expectSafe(r);
    expect(Math.min(...honestGauge(r, 'healed'))).toBeGreaterThanOrEqual(1);
    for (const e of honestGauge(r, 'tt_error_mean')) expect(e).toBeLessThan(1);
  });
});

describe('thermotruth: determinism', () => {
  it('same seed, same trace hash and the same finalized values', () => {
    const input = { nodes: 5, seed: 9, durationS: 2, drainS: 1, byzantine: { fraction: 0.2, behaviour: 'in-range-drag' }, load: { tps: 20 } };
    const a = run(input);
    const b = run(input);
    expect(b.summary.trace_hash).toBe(a.summary.trace_hash);
    expect(b.gauges['tt_error_mean']).toEqual(a.gauges['tt_error_mean']);
  });
});
