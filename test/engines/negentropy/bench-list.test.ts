import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/core/index.js';
import { BENCH_AFTER_MISSES, BENCH_MS, BenchList } from '../../../src/engines/negentropy/bench-list.js';
import { PeerWeights } from '../../../src/engines/negentropy/weights.js';

const B = { weightFloor: 0.5, weightCap: 2 };

describe('bench list (peers that stopped answering leave the samples for a while)', () => {
  it('benches a peer after BENCH_AFTER_MISSES consecutive misses in timed-out polls; an answer resets the count', () => {
    const w = new PeerWeights(11, 0, B);
    const bench = new BenchList(w, 11, 0.2);
    expect(BENCH_AFTER_MISSES).toBe(3);
    bench.missed(4, 0);
    bench.missed(4, 0);
    bench.answered(4);
    bench.missed(4, 0);
    bench.missed(4, 0);
    expect(w.isBenched(4)).toBe(false);
    bench.missed(4, 100);
    expect(w.isBenched(4)).toBe(true);
    expect(w.units(4)).toBe(0);
    expect(bench.size).toBe(1);
  });

  it('a benched peer is never sampled, and returns at its weight after BENCH_MS', () => {
    const w = new PeerWeights(5, 0, B);
    const bench = new BenchList(w, 5, 0.5);
    for (let i = 0; i < 3; i++) bench.missed(2, 1000);
    const rng = Prng.fromSeed(9);
    for (let i = 0; i < 50; i++) expect(w.sample(3, rng)).not.toContain(2);
    bench.release(1000 + BENCH_MS - 1);
    expect(w.isBenched(2)).toBe(true);
    bench.release(1000 + BENCH_MS);
    expect(w.isBenched(2)).toBe(false);
    expect(w.units(2)).toBe(256);
    expect(bench.size).toBe(0);
  });

  it('benches at most floor(maxFraction x (n - 1)) peers at once: N accepted, N + 1 refused', () => {
    const w = new PeerWeights(31, 0, B);
    const bench = new BenchList(w, 31, 0.2);
    expect(bench.max).toBe(6);
    for (let peer = 1; peer <= 7; peer++) for (let i = 0; i < 3; i++) bench.missed(peer, 0);
    expect(bench.size).toBe(6);
    expect(w.isBenched(6)).toBe(true);
    expect(w.isBenched(7)).toBe(false);
  });

  it('records made while benched count once the peer is back', () => {
    const w = new PeerWeights(5, 0, B);
    const bench = new BenchList(w, 5, 0.5);
    for (let i = 0; i < 3; i++) bench.missed(3, 0);
    w.record(3, true);
    w.record(3, true);
    expect(w.units(3)).toBe(0);
    bench.release(BENCH_MS);
    expect(w.units(3)).toBe(512);
  });
});
