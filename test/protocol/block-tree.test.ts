import { describe, expect, it } from 'vitest';
import { BlockTree } from '../../src/protocol/block-tree.js';
import { isThermoError } from '../../src/core/errors.js';

function tree(): BlockTree<string> {
  // g - a1 - a2 - a3          (work 1 each)
  //   \ b1 - b2               (work 2 each: heavier with fewer blocks)
  const t = new BlockTree<string>({ id: 'g', height: 0, work: 0n, block: 'g' });
  t.add('a1', 'g', 1, 1n, 'a1');
  t.add('a2', 'a1', 2, 1n, 'a2');
  t.add('a3', 'a2', 3, 1n, 'a3');
  return t;
}

describe('BlockTree', () => {
  it('follows the most cumulative work, not the longest chain', () => {
    const t = tree();
    expect(t.head.id).toBe('a3');
    expect(t.add('b1', 'g', 1, 2n, 'b1')).toBe(false);
    expect(t.add('b2', 'b1', 2, 2n, 'b2')).toBe(true); // 4 > 3
    expect(t.head.id).toBe('b2');
    expect(t.head.totalWork).toBe(4n);
  });

  it('keeps the first-seen head on equal work', () => {
    const t = tree();
    t.add('c1', 'g', 1, 3n, 'c1'); // total 3 = a3's total 3
    expect(t.head.id).toBe('a3');
  });

  it('computes reorg paths through the common ancestor', () => {
    const t = tree();
    t.add('b1', 'g', 1, 2n, 'b1');
    t.add('b2', 'b1', 2, 2n, 'b2');
    expect(t.reorgPath('a3', 'b2')).toEqual({ revert: ['a3', 'a2', 'a1'], apply: ['b1', 'b2'], commonAncestor: 'g' });
    expect(t.reorgPath('a1', 'a3')).toEqual({ revert: [], apply: ['a2', 'a3'], commonAncestor: 'a1' });
  });

  it('answers ancestry and chains', () => {
    const t = tree();
    expect(t.ancestorAt('a3', 1)?.id).toBe('a1');
    expect(t.isAncestor('a1', 'a3')).toBe(true);
    expect(t.isAncestor('a3', 'a1')).toBe(false);
    expect(t.chainTo('a3').map((b) => b.id)).toEqual(['a1', 'a2', 'a3']);
    expect(t.tips().map((b) => b.id)).toEqual(['a3']);
  });

  it('rejects unknown parents, wrong heights and overflow with typed errors', () => {
    const t = new BlockTree<string>({ id: 'g', height: 0, work: 0n, block: 'g' }, 2);
    const codeOf = (fn: () => void): string | undefined => {
      try {
        fn();
      } catch (err) {
        return isThermoError(err) ? err.code : 'untyped';
      }
      return undefined;
    };
    expect(codeOf(() => t.add('x', 'nope', 1, 1n, 'x'))).toBe('PROTOCOL_UNKNOWN_PARENT');
    expect(codeOf(() => t.add('x', 'g', 2, 1n, 'x'))).toBe('PROTOCOL_BAD_HEIGHT');
    expect(codeOf(() => t.add('x', 'g', 1, 1n, 'x'))).toBeUndefined(); // size 2 = max: accepted
    expect(codeOf(() => t.add('y', 'x', 2, 1n, 'y'))).toBe('PROTOCOL_TREE_FULL'); // N+1 rejected
    expect(t.size).toBe(2);
  });

  it('prunes everything that does not descend from the new root', () => {
    const t = tree();
    t.add('b1', 'g', 1, 1n, 'b1');
    t.pruneTo('a2');
    expect(t.root.id).toBe('a2');
    expect(t.has('b1')).toBe(false);
    expect(t.has('a1')).toBe(false);
    expect(t.has('a3')).toBe(true);
    expect(t.chainTo('a3').map((b) => b.id)).toEqual(['a3']);
  });

  it('refuses to finalize a block off the head chain', () => {
    const t = tree();
    t.add('b1', 'g', 1, 1n, 'b1');
    expect(() => t.pruneTo('b1')).toThrow();
    expect(t.root.id).toBe('g');
  });
});
