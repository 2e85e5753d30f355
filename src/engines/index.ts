/**
 * The engine registry: name -> definition, with type parameters erased (`eraseDefinition`), as
 * the simulator, the node and the CLI look engines up.
 * Owns: ENGINES (what `thermo sim --engine NAME` and the node can run), findEngine.
 * Does not own: any engine's code (one folder per engine under src/engines/).
 * Adding an engine: import its definition and add ONE line to ENGINES.
 *
 * 'reference' and 'reference-broken' are test fixtures (src/engines/reference/index.ts), not
 * designs Thermo measures. They are registered by name so that the replay command printed by a
 * control run (`reference-broken` with an equivocating leader) runs as printed.
 */
import { ThermoError } from '../core/index.js';
import { eraseDefinition } from '../protocol/index.js';
import type { ErasedEngineDefinition } from '../protocol/index.js';
import { referenceBrokenDefinition, referenceDefinition } from './reference/index.js';
import { coherenceDefinition } from './coherence/index.js';
import { thermotruthDefinition } from './thermotruth/index.js';
import { pbftDefinition } from './pbft/index.js';
import { hotstuffDefinition } from './hotstuff/index.js';
import { negentropyDefinition } from './negentropy/index.js';

export const ENGINES: ReadonlyMap<string, ErasedEngineDefinition> = new Map<string, ErasedEngineDefinition>([
  ['reference', eraseDefinition(referenceDefinition)],
  ['reference-broken', eraseDefinition(referenceBrokenDefinition)],
  ['coherence', eraseDefinition(coherenceDefinition)],
  ['thermotruth', eraseDefinition(thermotruthDefinition)],
  ['pbft', eraseDefinition(pbftDefinition)],
  ['hotstuff', eraseDefinition(hotstuffDefinition)],
  ['negentropy', eraseDefinition(negentropyDefinition)],
]);

/** Registered names that are test fixtures (listed apart by `thermo sim --list`). */
export const FIXTURE_ENGINE_NAMES: ReadonlySet<string> = new Set(['reference', 'reference-broken']);

export type EngineRegistryErrorType = { code: 'ENGINE_UNKNOWN'; engine: string; known: string };

export class EngineRegistryError extends ThermoError<EngineRegistryErrorType> {}

/** The definition registered as `name`; throws ENGINE_UNKNOWN with the known names. */
export function findEngine(name: string): ErasedEngineDefinition {
  const d = ENGINES.get(name);
  if (d === undefined) throw new EngineRegistryError({ code: 'ENGINE_UNKNOWN', engine: name, known: [...ENGINES.keys()].join(', ') });
  return d;
}
