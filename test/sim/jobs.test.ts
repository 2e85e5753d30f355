/** `job` effects (mining): simulated duration from the node's hash power, replace and cancel. */
import { describe, expect, it } from 'vitest';
import type { EngineDefinition } from '../../src/protocol/index.js';
import { eraseDefinition } from '../../src/protocol/index.js';
import { runScenario } from '../../src/sim/index.js';
import { gauge, probeDefinition } from './probe.js';
import type { ProbeMessage } from './probe.js';

type Job = { readonly work: number };
type JobResult = { readonly nonce: number };

/** Node starts job 'a' (work 100) and job 'b' (work 50); cancels 'b'; restarts 'a' with work 10 at 5 ms. */
function definition(): EngineDefinition<ProbeMessage, unknown, Job, JobResult> {
  const base = probeDefinition(() => []) as unknown as EngineDefinition<ProbeMessage, unknown, Job, JobResult>;
  return {
    ...base,
    create: (ctx) => ({
      handle: (input) => {
        switch (input.kind) {
          case 'start':
            return [
              { kind: 'job', jobId: 'a', job: { work: 100 } },
              { kind: 'job', jobId: 'b', job: { work: 50 } },
              { kind: 'set-timer', timer: 't', at: input.now + 5 },
            ];
          case 'timer':
            return ctx.self === 1
              ? [{ kind: 'cancel-job', jobId: 'b' }, { kind: 'job', jobId: 'a', job: { work: 10 } }]
              : [];
          case 'job-done':
            return [
              { kind: 'metric', name: `done_${input.jobId}`, value: input.now },
              { kind: 'metric', name: `nonce_${input.jobId}`, value: input.result.nonce },
            ];
          default:
            return [];
        }
      },
      status: () => ({ finalized: 0, height: 0, telemetry: {} }),
      finalizedState: () => ctx.genesis,
    }),
    jobs: {
      run: (job) => ({ nonce: job.work }),
      simulate: (job, hashPower, rng) => ({ result: { nonce: job.work + rng.nextInt(1) }, durationMs: job.work / hashPower }),
    },
  };
}

describe('jobs', () => {
  it('finish after work / hash power; a job with the same id replaces the old one; cancel-job cancels', () => {
    const r = runScenario(
      { engine: 'probe', nodes: 2, durationS: 1, drainS: 0, costModel: 'zero', load: { tps: 0 }, hashPower: [1, 4] },
      { resolve: () => eraseDefinition(definition()) },
    );
    expect(gauge(r, 'done_a', 0)).toBe(100);
    expect(gauge(r, 'done_b', 0)).toBe(50);
    expect(gauge(r, 'nonce_a', 0)).toBe(100);
    // Node 1 (4x hash power): 'b' cancelled at 5 ms, 'a' replaced at 5 ms by work 10 -> done at 5 + 2.5.
    expect(gauge(r, 'done_b', 1)).toBeNull();
    expect(gauge(r, 'done_a', 1)).toBe(7.5);
    expect(gauge(r, 'nonce_a', 1)).toBe(10);
  });
});
