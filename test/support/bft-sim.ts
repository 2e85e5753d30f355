/**
 * The simulator sweep the leader-based BFT baselines (pbft, hotstuff) share: up to f Byzantine
 * replicas playing each behaviour in turn, one of four fault mixes per seed (none; loss,
 * duplication and reordering; a crash and restart; a partition of node 0 with clock skew), and
 * the assertions every such run must meet (no safety violation, no engine error, every
 * acknowledged transfer finalized).
 */
import { expect, it } from 'vitest';
import { maxFaulty } from '../../src/protocol/index.js';
import { runScenario } from '../../src/sim/index.js';
import type { ScenarioInput, SimResult } from '../../src/sim/index.js';

export const BFT_BEHAVIOURS = ['silent', 'equivocate', 'double-vote'] as const;
export const BFT_LOAD = { tps: 20, accounts: 64 };

export function faultsFor(kind: number, n: number): ScenarioInput['faults'] {
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

/** A 4 s run with an 8 s drain under BFT_LOAD, batches every 100 ms. */
export function runBft(engine: 'pbft' | 'hotstuff', input: Omit<ScenarioInput, 'engine'>): SimResult {
  return runScenario({ engine, durationS: 4, drainS: 8, load: BFT_LOAD, params: { batchIntervalMs: 100 }, ...input });
}

/** What a failed assertion prints: the replay command, the first violations and engine errors. */
export function report(r: SimResult): string {
  return `${r.replay}\n${JSON.stringify(r.violations.slice(0, 3))}\n${JSON.stringify(r.engineErrors.slice(0, 3))}`;
}

/** Declares the sweep: for n in {4, 7}, 20 seeds with f Byzantine replicas and the fault mixes. */
export function bftSeedSweep(engine: 'pbft' | 'hotstuff'): void {
  for (const n of [4, 7]) {
    it(`n = ${n}: 20 seeds, no safety violation, every acknowledged transfer finalized`, () => {
      const f = maxFaulty(n);
      for (let seed = 1; seed <= 20; seed++) {
        const behaviour = BFT_BEHAVIOURS[seed % 3]!;
        const r = runBft(engine, { nodes: n, seed, byzantine: { fraction: f / n, behaviour }, faults: faultsFor(seed, n) });
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
}
