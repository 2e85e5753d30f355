/**
 * The engine in the simulator (src/sim) on the SimBlock region latency matrix: blocks are
 * finalized near the configured interval with zero invariant violations, on several seeds. The
 * 100-node, 20-seed acceptance run is bench/coherence-sim.bench.ts (too slow for the suite).
 */
import { describe, expect, it } from 'vitest';
import { eraseDefinition } from '../../../src/protocol/index.js';
import { runScenario } from '../../../src/sim/index.js';
import type { ScenarioInput } from '../../../src/sim/index.js';
import { coherenceDefinition } from '../../../src/engines/coherence/index.js';

const resolve = () => eraseDefinition(coherenceDefinition);
const NODES = 12;

function scenario(seed: number, extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    engine: 'coherence',
    nodes: NODES,
    seed,
    durationS: 150,
    drainS: 80,
    latency: { kind: 'regions', assign: 'bitcoin-2019', jitter: 'pareto' },
    params: { networkHashPower: NODES, targetIntervalMs: 10_000, confirmations: 4 },
    load: { tps: 2, clientTimeoutMs: 200_000 },
    ...extra,
  } as ScenarioInput;
}

describe('coherence in the simulator', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: ${NODES} nodes, region latencies: finalizes blocks, zero violations`, () => {
      const r = runScenario(scenario(seed), { resolve });
      expect(r.summary.safety_violations).toBe(0);
      expect(r.summary.engine_errors).toBe(0);
      expect(r.summary.penalties).toBe(0);
      const heights = r.perNode.map((n) => n.status?.telemetry['finalizedHeight'] ?? 0);
      const minFinal = Math.min(...heights);
      // 230 s of simulated time at a 10 s target: about 23 blocks, 4 of them unconfirmed.
      expect(minFinal).toBeGreaterThanOrEqual(8);
      expect(minFinal).toBeLessThanOrEqual(40);
      // Liveness: every acknowledged transfer is in a block (no node's mempool holds one); those
      // in the last k blocks are not final yet when the run stops.
      for (const n of r.perNode) expect(n.status?.telemetry['mempool']).toBe(0);
      expect(r.summary.acked_not_final).toBeLessThan(r.summary.acked / 2);
    });
  }

  it('runs with a selfish miner holding a third of the hash power (no engine errors)', () => {
    const hashPower = Array.from({ length: NODES }, (_, i) => (i === 0 ? (NODES - 1) / 2 : 1));
    const r = runScenario(
      scenario(4, {
        hashPower,
        byzantine: { nodes: [0], behaviour: 'selfish' },
        params: { networkHashPower: NODES - 1 + (NODES - 1) / 2, targetIntervalMs: 10_000, confirmations: 4 },
      }),
      { resolve },
    );
    expect(r.summary.engine_errors).toBe(0);
    expect(r.perNode[0]!.status?.telemetry['mined']).toBeGreaterThan(0);
  });
});
