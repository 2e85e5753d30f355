/**
 * Which engines the claims bench can run: the registry (src/engines/index.ts), plus ThermoTruth
 * by its own definition in case the registry does not list it yet. A name that resolves to
 * nothing is reported as "engine not available" and left out.
 */
import { ENGINES } from '../../engines/index.js';
import { thermotruthDefinition } from '../../engines/thermotruth/index.js';
import { eraseDefinition } from '../../protocol/index.js';
import type { ErasedEngineDefinition } from '../../protocol/index.js';

export function engineLookup(name: string): ErasedEngineDefinition | undefined {
  const registered = ENGINES.get(name);
  if (registered !== undefined) return registered;
  return name === 'thermotruth' ? eraseDefinition(thermotruthDefinition) : undefined;
}
