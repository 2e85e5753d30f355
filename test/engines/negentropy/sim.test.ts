/**
 * The engine in the simulator: safety sweeps (a small set; bench/negentropy.bench.ts runs 200
 * seeds per configuration), the control runs that must make the checker fire, partitions, a
 * node that syncs from a super-block, and a light-client proof from a simulated node.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/index.js';
import { devAddress, proveAccount } from '../../../src/ledger/index.js';
import { verifyBalance } from '../../../src/engines/negentropy/index.js';
import { runNegentropy } from './sim-harness.js';

const N = 20;
const FAST = { attackIntervalMs: 500, superBlockTxs: 16, superBlockMaxDelayMs: 500, superBlockAttemptMs: 1000 };
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
// Whole simulations: about 10 s each on an idle 2-core machine, several times that when the
// machine is shared; the default 60 s limit made a passing sweep fail under load.
const SIM_TIMEOUT_MS = 300_000;

describe('safety sweep (n = 20, split-world double spends)', () => {
  it.each([
    [0, 'silent'],
    [0.1, 'split-world'],
    [0.2, 'split-world'],
  ])('Byzantine %s (%s): zero violations over the seeds, transfers finalize', (fraction, behaviour) => {
    for (const seed of SEEDS) {
      const { result } = runNegentropy({ nodes: N, seed, durationS: 2.5, drainS: 2.5, load: { tps: 8 }, byzantine: { fraction, behaviour }, params: FAST });
      const s = result.summary;
      expect(s.safety_violations, result.replay).toBe(0);
      expect(s.engine_errors, result.replay).toBe(0);
      expect(s.finalized, result.replay).toBeGreaterThan(0);
      expect(s.acked_not_final, result.replay).toBe(0);
    }
  }, SIM_TIMEOUT_MS);

  it.each(['flip', 'sample-poison'])('20 %% Byzantine (%s): zero violations', (behaviour) => {
    for (const seed of SEEDS.slice(0, 3)) {
      const { result } = runNegentropy({ nodes: N, seed, durationS: 2.5, drainS: 2.5, load: { tps: 8 }, byzantine: { fraction: 0.2, behaviour }, params: FAST });
      expect(result.summary.safety_violations, result.replay).toBe(0);
    }
  }, SIM_TIMEOUT_MS);
});

describe('control runs: the checker fires', () => {
  // 75 %: 15 of the 19 peers every poll samples at n = 20 are Byzantine, alpha_eff = 15, so
  // split-world's echo of each querier's own preference makes every poll succeed for it. Below
  // that (60-65 %) the echo needs same-side honest answers in 20 polls in a row, and the
  // per-slot annealing (conflict-set.ts) makes those preferences jitter: the bench measures
  // how often agreement breaks at 60 % and 70 % (docs/protocols/negentropy.md, section 5).
  it('beyond the tolerated fraction: 75 % split-world breaks agreement', () => {
    const { result } = runNegentropy({ nodes: N, seed: 1, durationS: 4, drainS: 1, load: { tps: 4 }, byzantine: { fraction: 0.75, behaviour: 'split-world' }, params: FAST });
    expect(result.summary.violations_by_kind.agreement).toBeGreaterThan(0);
    expect(result.replay).toContain('--engine negentropy');
  }, SIM_TIMEOUT_MS);

  it("the design's literal rule (final when T < T_c) breaks agreement at 10 % split-world", () => {
    const { result } = runNegentropy({ nodes: N, seed: 1, durationS: 3, drainS: 1, load: { tps: 4 }, byzantine: { fraction: 0.1, behaviour: 'split-world' }, params: { ...FAST, finalRule: 'temperature' } });
    expect(result.summary.violations_by_kind.agreement).toBeGreaterThan(0);
  }, SIM_TIMEOUT_MS);
});

describe('partition', () => {
  it('the minority decides nothing and heats up; after the heal all honest nodes converge, nothing acknowledged is lost', () => {
    const minority = [16, 17, 18, 19];
    const { result, decisions, temperatures, engines } = runNegentropy({
      nodes: N,
      seed: 5,
      durationS: 7,
      drainS: 6,
      load: { tps: 8 },
      params: FAST,
      faults: { partitions: [{ atMs: 2000, healAtMs: 5000, groups: [minority] }] },
    });
    const s = result.summary;
    expect(s.safety_violations, result.replay).toBe(0);
    for (const node of minority) {
      const during = (decisions.get(node) ?? []).filter((d) => d.t >= 2100 && d.t < 5000);
      expect(during, `node ${node}`).toEqual([]);
      const temps = temperatures.get(node)!;
      const before = temps.filter((x) => x.t < 2000).at(-1)!.v;
      const late = temps.filter((x) => x.t < 5000).at(-1)!.v;
      expect(late, `node ${node}`).toBeGreaterThan(before);
    }
    expect(s.acked_not_final, result.replay).toBe(0);
    const tips = [...engines.values()].map((e) => [e.status().height, e.status().stateRoot]);
    expect(new Set(tips.map((t) => JSON.stringify(t))).size).toBe(1);
  }, SIM_TIMEOUT_MS);
});

describe('super-block sync and light clients', () => {
  it('a node that starts empty long after the others syncs from the newest super-block to the same state root', () => {
    const { result, engines, decisions } = runNegentropy({
      nodes: N,
      seed: 2,
      durationS: 6,
      drainS: 6,
      load: { tps: 8 },
      params: FAST,
      faults: { crashes: [{ node: 19, atMs: 1, restartAtMs: 5000 }, { node: 18, atMs: 2500, restartAtMs: 3500 }] },
    });
    expect(result.summary.safety_violations, result.replay).toBe(0);
    const full = engines.get(0)!;
    for (const node of [18, 19]) {
      const e = engines.get(node)!;
      expect(e.latestSuperBlock().index, `node ${node}`).toBe(full.latestSuperBlock().index);
      expect(toHex(e.finalizedState().root)).toBe(toHex(full.finalizedState().root));
    }
    expect(full.latestSuperBlock().index).toBeGreaterThan(3);
    // Node 19 was down from 1 ms to 5 s. A node executes a super-block from its cut only if it
    // decided every transfer in it itself (validateCandidate); node 19 decided fewer transfers
    // than its super-blocks executed, so it took the others' state from a snapshot checked
    // against the header chain (a jump), not by replaying history.
    const own = (decisions.get(19) ?? []).filter((d) => d.slot.startsWith('cs:')).length;
    expect(own).toBeLessThan(engines.get(19)!.latestSuperBlock().count);
  }, SIM_TIMEOUT_MS);

  it("a light client verifies a balance from a simulated node's headers and proof alone", () => {
    const { engines } = runNegentropy({ nodes: 8, seed: 4, durationS: 3, drainS: 2, load: { tps: 8, accounts: 16 }, params: FAST });
    const node = engines.get(0)!;
    const [genesisSb, ...headers] = node.superBlocks(0);
    const who = devAddress(3);
    const proof = proveAccount(node.finalizedState(), who);
    const r = verifyBalance({ index: 0, hash: genesisSb!.hash }, headers.map((h) => h.header), who, proof, (a) => node.latestSuperBlock() && validatorKey(a));
    expect(r.index).toBe(node.latestSuperBlock().index);
    expect(r.account).toEqual(node.finalizedState().account(who));
  }, SIM_TIMEOUT_MS);
});

import { validatorKeyPair } from '../../../src/sim/index.js';
function validatorKey(address: string): Uint8Array | undefined {
  for (let i = 0; i < 64; i++) if (toHex(validatorKeyPair(i).publicKey) === address) return validatorKeyPair(i).publicKey;
  return undefined;
}
