import { describe, expect, it } from 'vitest';
import { PeerBudget } from '../../../src/engines/negentropy/budget.js';
import { BoundedMap } from '../../../src/engines/negentropy/bounded-map.js';
import { OrphanPool } from '../../../src/engines/negentropy/orphans.js';
import { genesisBlock } from './helpers.js';

describe('orphan pool', () => {
  const b = genesisBlock();
  it('holds maxOrphansPerPeer from one sender (N) and refuses the next (N + 1)', () => {
    const pool = new OrphanPool(10, 2);
    expect(pool.add('a', b, 1, ['p'])).toBe(true);
    expect(pool.add('b', b, 1, ['p'])).toBe(true);
    expect(pool.add('c', b, 1, ['p'])).toBe(false);
    expect(pool.add('c', b, 2, ['p'])).toBe(true);
    expect(pool.size).toBe(3);
  });

  it('holds maxOrphans in all (N); the next evicts the oldest', () => {
    const pool = new OrphanPool(2, 2);
    pool.add('a', b, 1, ['p']);
    pool.add('b', b, 2, ['q']);
    expect(pool.add('c', b, 3, ['r'])).toBe(true);
    expect(pool.size).toBe(2);
    expect(pool.has('a')).toBe(false);
    expect(pool.release('r').length).toBe(1);
    expect(pool.size).toBe(1);
  });
});

describe('per-peer request budget', () => {
  it('allows perSecond requests (N) in one instant and refuses the next (N + 1); refills with time', () => {
    const budget = new PeerBudget(3, 5);
    for (let i = 0; i < 5; i++) expect(budget.spend(1, 0)).toBe(true);
    expect(budget.spend(1, 0)).toBe(false);
    expect(budget.spend(2, 0)).toBe(true);
    expect(budget.spend(1, 200)).toBe(true); // 1 token back after 200 ms
    expect(budget.spend(1, 200)).toBe(false);
    expect(budget.spend(7, 0)).toBe(false);
  });
});

describe('bounded map', () => {
  it('keeps cap keys (N) and forgets the oldest at N + 1', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect([m.has('a'), m.get('b'), m.get('c'), m.size]).toEqual([false, 2, 3, 2]);
  });
});
