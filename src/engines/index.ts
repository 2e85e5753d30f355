/**
 * The engine registry: name -> definition, with type parameters erased (eraseDefinition), as
 * the simulator, the node and the CLI look engines up.
 * Owns: ENGINES (what `thermo sim --engine` and the node offer) and FIXTURE_ENGINES (test
 * fixtures that are runnable by name, so a replay command of a control run works, but are not
 * listed as engines).
 * Does not own: any engine's code (one folder per engine under src/engines/).
 * Adding an engine: import its definition and add one line to ENGINES.
 */
import { ThermoError } from '../core/index.js';
import { eraseDefinition } from '../protocol/index.js';
import type { ErasedEngineDefinition } from '../protocol/index.js';
import { referenceBrokenDefinition, referenceDefinition } from './reference/index.js';

export const ENGINES: ReadonlyMap<string, ErasedEngineDefinition> = new Map<string, ErasedEngineDefinition>([
  ['reference', eraseDefinition(referenceDefinition)],
]);

export const FIXTURE_ENGINES: ReadonlyMap<string, ErasedEngineDefinition> = new Map<string, ErasedEngineDefinition>([
  ['reference-broken', eraseDefinition(referenceBrokenDefinition)],
]);

export type EngineRegistryErrorType = { code: 'ENGINE_UNKNOWN'; engine: string; known: string };

/** The definition named `name` (engines first, then fixtures); throws ENGINE_UNKNOWN. */
export function findEngine(name: string): ErasedEngineDefinition {
  const d = ENGINES.get(name) ?? FIXTURE_ENGINES.get(name);
  if (d === undefined) throw new EngineRegistryError({ code: 'ENGINE_UNKNOWN', engine: name, known: [...ENGINES.keys()].join(', ') });
  return d;
}

export class EngineRegistryError extends ThermoError<EngineRegistryErrorType> {}
