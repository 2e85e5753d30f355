/**
 * Engine handler fuzzing (issue 8 item 5). Every registered engine, as validator 1 of 4, replays
 * the inputs validator 1 got in a short simulation of the same chain (so it makes progress and
 * finalizes), with random inputs dropped and random messages injected from random peers: valid
 * messages captured from the run attributed to another sender, and messages decoded from mutated
 * valid bytes (whatever the codec accepts is something a peer can send). Properties after every
 * input:
 *  - handle() never throws (a bad message may cost its sender a `penalize`, nothing more);
 *  - status() answers; its finalized count never goes back and equals the finalize effects seen;
 *  - finalize effects carry seq 0, 1, 2, ... without gaps, each transaction at most once;
 *  - every send / broadcast it emits encodes with its own codec; send and penalize name a
 *    validator index; penalize weights are positive.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZED_ENGINES } from './support/corpus.js';
import { mutationArb } from './support/fuzz.js';
import { N, runPlan, stats } from './support/handler-run.js';
import type { Plan } from './support/handler-run.js';

const RUNS = Number(process.env['THERMO_FUZZ_HANDLER_RUNS'] ?? 15);
const FINALIZING: ReadonlySet<string> = new Set(['reference', 'pbft', 'hotstuff', 'negentropy']);

const planArb: fc.Arbitrary<Plan> = fc.record({
  injections: fc.array(
    fc.record({ at: fc.nat(), from: fc.nat(N - 2), pick: fc.nat(), mutations: fc.oneof(fc.constant([]), fc.array(mutationArb, { minLength: 1, maxLength: 3 })) }),
    { minLength: 5, maxLength: 60 },
  ),
  drops: fc.array(fc.nat(), { maxLength: 8 }),
});

describe('engine handlers: the simulated run of validator 1 with drops and injected messages', () => {
  for (const name of FUZZED_ENGINES) {
    it(`${name}: the unmodified replay runs clean`, () => {
      expect(runPlan(name, { injections: [], drops: [] })).toBeNull();
      // Coherence (PoW, k-deep) and ThermoTruth (PoW jobs whose results the replay carries for the
      // simulated node's own job ids) finalize nothing in a 3 s replay; the others must.
      if (FINALIZING.has(name)) expect(stats.get(name)!.finalized, 'the replay finalizes (the fuzz reaches deep states)').toBeGreaterThan(0);
    });
    it(`${name}: never throws, keeps its finalized log consistent, emits encodable messages`, () => {
      fc.assert(
        fc.property(planArb, (plan) => {
          const verdict = runPlan(name, plan);
          if (verdict !== null) throw new Error(`${name}: ${verdict}`);
        }),
        { numRuns: RUNS, seed: 87 },
      );
      const st = stats.get(name)!;
      process.stdout.write(`handler-fuzz ${name}: ${JSON.stringify(st)}\n`);
      expect(st.mutated).toBeGreaterThan(0);
      expect(st.injected - st.mutated).toBeGreaterThan(0);
    }, 180_000);
  }
});
