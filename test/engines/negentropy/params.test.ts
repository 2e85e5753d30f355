import { describe, expect, it } from 'vitest';
import { isThermoError } from '../../../src/core/index.js';
import { DEFAULT_NEGENTROPY_PARAMS, parseNegentropyParams } from '../../../src/engines/negentropy/index.js';

describe('parameters', () => {
  it('defaults: k = 20, alpha = 15, betaC = 20, Snowball rule', () => {
    const p = parseNegentropyParams(null);
    expect(p).toBe(DEFAULT_NEGENTROPY_PARAMS);
    expect([p.k, p.alpha, p.betaC, p.finalRule]).toEqual([20, 15, 20, 'snowball']);
    expect(parseNegentropyParams({ finalRule: 'temperature', prune: false }).finalRule).toBe('temperature');
  });

  it.each([
    [{ k: 0 }, 'k'],
    [{ alpha: 10 }, 'alpha'], // not more than k / 2
    [{ alpha: 21 }, 'alpha'],
    [{ betaC: 1.5 }, 'betaC'],
    [{ finalRule: 'vote' }, 'finalRule'],
    [{ prune: 'yes' }, 'prune'],
    [{ tInit: 0.01 }, 'tInit'], // below tMin
    [{ finalRule: 'temperature', tCritical: 0.6 }, 'tCritical'],
    [{ entropyLow: 0.9 }, 'entropyLow'],
    [{ weightCap: 0.5 }, 'weightCap'],
    [{ parentsPerVertex: 20 }, 'parentsPerVertex'],
    [{ nope: 1 }, 'nope'],
    ['x', '(root)'],
  ])('rejects %j with NEG_BAD_PARAMS naming %s', (raw, field) => {
    try {
      parseNegentropyParams(raw);
      expect.unreachable();
    } catch (err) {
      expect(isThermoError(err, 'NEG_BAD_PARAMS')).toBe(true);
      expect((err as { type: { field: string } }).type.field).toBe(field);
    }
  });
});
