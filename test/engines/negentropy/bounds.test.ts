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

  it('asks again for missing parents every retryMs, the sender first then the next validators (not itself), maxAsks times, then drops the orphan', () => {
    const pool = new OrphanPool(10, 10);
    pool.add('a', b, 2, ['p', 'q'], 0);
    expect([...pool.retry(999, 1000, 4, 4, 3)]).toEqual([]);
    // Second ask: the validator after 2 is 3, this node, so 0; then 1, then the sender again.
    expect([...pool.retry(1000, 1000, 4, 4, 3)]).toEqual([[0, ['p', 'q']]]);
    expect([...pool.retry(2000, 1000, 4, 4, 3)]).toEqual([[1, ['p', 'q']]]);
    expect([...pool.retry(3000, 1000, 4, 4, 3)]).toEqual([[2, ['p', 'q']]]);
    // Four asks made (maxAsks = 4): the next due time drops it.
    expect([...pool.retry(4000, 1000, 4, 4, 3)]).toEqual([]);
    expect(pool.has('a')).toBe(false);
    expect(pool.size).toBe(0);
  });

  it('groups the parents asked of one validator into one request, without repeats', () => {
    const pool = new OrphanPool(10, 10);
    pool.add('a', b, 1, ['p'], 0);
    pool.add('c', b, 1, ['p', 'r'], 0);
    expect([...pool.retry(500, 500, 8, 4, 0)]).toEqual([[2, ['p', 'r']]]);
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
