/** Validates unknown JSON against a typebox schema; returns the typed value or the first errors as text. */
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';

export function checkJson<S extends TSchema>(schema: S, value: unknown): { ok: true; value: Static<S> } | { ok: false; reason: string } {
  if (Value.Check(schema, value)) return { ok: true, value: value as Static<S> };
  const errors = Value.Errors(schema, value)
    .filter((e) => e.keyword !== 'boolean')
    .slice(0, 3)
    .map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message}`);
  return { ok: false, reason: errors.join('; ') || 'invalid' };
}
