/** The Eyal-Sirer selfish-mining state machine (Algorithm 1 of the 2014 paper). */
import { describe, expect, it } from 'vitest';
import { SelfishStrategy } from '../../../src/engines/coherence/index.js';
import type { ChainEntry } from '../../../src/engines/coherence/index.js';
import { genesisOf, testParams } from './helpers.js';

const genesis = genesisOf(testParams());
let counter = 0;
/** A stand-in entry: the strategy only reads height and hash. */
function child(parent: ChainEntry): ChainEntry {
  counter++;
  return { ...parent, height: parent.height + 1, hashHex: `${parent.hashHex.slice(0, 50)}-${counter}` };
}
const heights = (xs: readonly ChainEntry[]) => xs.map((x) => x.height);

describe('selfish mining strategy', () => {
  it('lead 1 then the public catches up: publish, race (state 0\')', () => {
    const s = new SelfishStrategy(genesis);
    const p1 = child(genesis);
    expect(s.onOwnBlock(p1)).toEqual([]);
    expect(s.lead).toBe(1);
    const h1 = child(genesis);
    expect(heights(s.onOthersBlock(h1))).toEqual([1]); // Δ = 1: publish the private block
    expect(s.miningParent).toBe(p1);
    // The pool wins the race with its next block: Δ = 0 and privateBranchLen = 2: publish all.
    const p2 = child(p1);
    expect(heights(s.onOwnBlock(p2))).toEqual([2]);
    expect(s.lead).toBe(0);
  });

  it('race lost: the public extends its own branch, the pool adopts it', () => {
    const s = new SelfishStrategy(genesis);
    const p1 = child(genesis);
    s.onOwnBlock(p1);
    const h1 = child(genesis);
    s.onOthersBlock(h1);
    const h2 = child(h1);
    expect(s.onOthersBlock(h2)).toEqual([]);
    expect(s.miningParent).toBe(h2);
    expect(s.lead).toBe(0);
  });

  it('lead 2: when the public finds one, publish everything (lead of one wins)', () => {
    const s = new SelfishStrategy(genesis);
    const p1 = child(genesis);
    const p2 = child(p1);
    s.onOwnBlock(p1);
    expect(s.onOwnBlock(p2)).toEqual([]);
    expect(heights(s.onOthersBlock(child(genesis)))).toEqual([1, 2]);
    expect(s.miningParent).toBe(p2);
  });

  it('lead > 2: each public block makes the pool reveal its first unpublished block', () => {
    const s = new SelfishStrategy(genesis);
    let tip = genesis;
    for (let i = 0; i < 4; i++) {
      tip = child(tip);
      s.onOwnBlock(tip);
    }
    expect(s.lead).toBe(4);
    const h1 = child(genesis);
    expect(heights(s.onOthersBlock(h1))).toEqual([1]);
    const h2 = child(h1);
    expect(heights(s.onOthersBlock(h2))).toEqual([2]);
    // Now Δ = 2 (private 4, public 2): the next public block makes it publish the rest.
    expect(heights(s.onOthersBlock(child(h2)))).toEqual([3, 4]);
    expect(s.miningParent).toBe(tip);
  });

  it('only published blocks are served to peers', () => {
    const s = new SelfishStrategy(genesis);
    const p1 = child(genesis);
    s.onOwnBlock(p1);
    expect(s.published.has(p1.hashHex)).toBe(false);
    s.onOthersBlock(child(genesis));
    expect(s.published.has(p1.hashHex)).toBe(true);
  });
});
