/** Runs the negentropy engine in the simulator and records what honest nodes decided and when. */
import { eraseDefinition } from '../../../src/protocol/index.js';
import type { EngineContext, EngineDefinition } from '../../../src/protocol/index.js';
import { runScenario } from '../../../src/sim/index.js';
import type { ScenarioInput, SimResult } from '../../../src/sim/index.js';
import { NegentropyEngine, negentropyDefinition } from '../../../src/engines/negentropy/index.js';
import type { NegMessage, NegentropyParams } from '../../../src/engines/negentropy/index.js';

export interface Observed {
  readonly result: SimResult;
  /** Per honest node: times (ms) and slots of its finalize effects. */
  readonly decisions: Map<number, { t: number; slot: string }[]>;
  /** Per honest node: its temperature gauge over time. */
  readonly temperatures: Map<number, { t: number; v: number }[]>;
  /** The latest engine of each honest node. */
  readonly engines: Map<number, NegentropyEngine>;
}

export function runNegentropy(input: Omit<ScenarioInput, 'engine'>): Observed {
  const decisions = new Map<number, { t: number; slot: string }[]>();
  const temperatures = new Map<number, { t: number; v: number }[]>();
  const engines = new Map<number, NegentropyEngine>();
  const definition: EngineDefinition<NegMessage, NegentropyParams> = {
    ...negentropyDefinition,
    create: (ctx: EngineContext<NegentropyParams>) => {
      const engine = new NegentropyEngine(ctx);
      engines.set(ctx.self, engine);
      return {
        handle(input) {
          const out = engine.handle(input);
          for (const e of out) {
            if (e.kind === 'finalize') {
              const list = decisions.get(ctx.self) ?? [];
              list.push({ t: input.now, slot: e.entry.slot });
              decisions.set(ctx.self, list);
            } else if (e.kind === 'metric' && e.name === 'temperature') {
              const list = temperatures.get(ctx.self) ?? [];
              list.push({ t: input.now, v: e.value });
              temperatures.set(ctx.self, list);
            }
          }
          return out;
        },
        status: () => engine.status(),
        finalizedState: () => engine.finalizedState(),
      };
    },
  };
  const erased = eraseDefinition(definition);
  const result = runScenario({ costModel: 'zero', ...input, engine: 'negentropy' }, { resolve: () => erased });
  return { result, decisions, temperatures, engines };
}
