/**
 * Running a scenario: resolve the engine, build the simulation, run it, return the result.
 * `ScenarioConfig` and its defaults live in config.ts (re-exported here).
 */
import type { ErasedEngineDefinition } from '../protocol/index.js';
import { findEngine } from '../engines/index.js';
import type { MessageTamper } from './adversary.js';
import type { ScenarioConfig, ScenarioInput } from './config.js';
import { makeScenario } from './config.js';
import { replayCommand } from './replay.js';
import type { SimResult } from './result.js';
import { Simulation } from './simulator.js';

export type { ScenarioConfig, ScenarioInput } from './config.js';
export { makeScenario, DEFAULT_SCENARIO } from './config.js';

export interface RunOptions {
  /** Engine lookup; default: the registry in src/engines/index.ts (engines and fixtures). */
  readonly resolve?: (name: string) => ErasedEngineDefinition;
  /** Message-level tampering by Byzantine nodes (not expressible on the command line). */
  readonly tamper?: MessageTamper;
  /** Observer of new finalized entries at honest nodes (node, virtual ms); the swarm's liveness check. */
  readonly onFinalize?: (node: number, atMs: number) => void;
  /** Early end once settled (see SimulationOptions.settled); the swarm's runs use it. */
  readonly settled?: (nowMs: number) => boolean;
  /** Wall clock for `wallMs` only (never enters the run); default performance.now. */
  readonly wallClock?: () => number;
}

/** Runs one scenario to completion. Same config, same result (wallMs aside). */
export function runScenario(config: ScenarioConfig | ScenarioInput, options: RunOptions = {}): SimResult {
  // makeScenario fills defaults of a partial config and validates (a complete one is unchanged).
  const c = makeScenario(config);
  const definition = (options.resolve ?? findEngine)(c.engine);
  const replay = replayCommand(c, options.tamper === undefined ? undefined : 'plus a programmatic message tamper hook');
  const sim = new Simulation(c, definition, {
    replay,
    ...(options.tamper !== undefined ? { tamper: options.tamper } : {}),
    ...(options.onFinalize !== undefined ? { onFinalize: options.onFinalize } : {}),
    ...(options.settled !== undefined ? { settled: options.settled } : {}),
  });
  return sim.run(options.wallClock ?? (() => performance.now()));
}
