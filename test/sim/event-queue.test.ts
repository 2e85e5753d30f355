import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, SimError } from '../../src/sim/index.js';
import type { Scheduled } from '../../src/sim/index.js';

class Item implements Scheduled {
  seq = 0;
  constructor(
    public time: number,
    readonly id: number,
  ) {}
}

describe('EventQueue', () => {
  it('pops in time order, ties in insertion order (property: equals a stable sort by time)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue<Item>();
        times.forEach((t, id) => q.push(new Item(t, id)));
        const popped: number[] = [];
        for (let it = q.pop(); it !== undefined; it = q.pop()) popped.push(it.id);
        const expected = times.map((t, id) => ({ t, id })).sort((a, b) => a.t - b.t || a.id - b.id).map((x) => x.id);
        expect(popped).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('interleaved pushes and pops match a sorted-list model', () => {
    const op = fc.oneof(fc.record({ push: fc.double({ min: 0, max: 50, noNaN: true }) }), fc.constant({ pop: true as const }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new EventQueue<Item>();
        const model: Item[] = [];
        let id = 0;
        for (const o of ops) {
          if ('push' in o) {
            const item = new Item(o.push, id++);
            q.push(item);
            model.push(item);
          } else {
            model.sort((a, b) => a.time - b.time || a.seq - b.seq);
            const want = model.shift();
            expect(q.pop()).toBe(want);
          }
          expect(q.size).toBe(model.length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('peek does not remove; empty queue pops undefined', () => {
    const q = new EventQueue<Item>();
    expect(q.pop()).toBeUndefined();
    q.push(new Item(5, 1));
    q.push(new Item(3, 2));
    expect(q.peek()?.id).toBe(2);
    expect(q.size).toBe(2);
    expect(q.pushed).toBe(2);
  });

  it('refuses a push beyond its capacity with a typed error (at N ok, N + 1 refused)', () => {
    const q = new EventQueue<Item>(3);
    for (let i = 0; i < 3; i++) q.push(new Item(i, i));
    let caught: unknown;
    try {
      q.push(new Item(9, 9));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SimError);
    expect((caught as SimError).type).toEqual({ code: 'SIM_QUEUE_FULL', max: 3 });
    expect(q.size).toBe(3);
  });
});
