/**
 * The read-only epoch view (what the node's GET /epoch shows): four engines wired by hand, epoch
 * 1 finalized; the view holds at least n - f proposals with their distances from the aggregate,
 * names the committing leader, is the same on every replica, and leaves the engine's status
 * unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/protocol/index.js';
import { ThermoTruthEngine, leaderOf, searchPow } from '../../../src/engines/thermotruth/index.js';
import type { PowJob, TtMessage } from '../../../src/engines/thermotruth/index.js';
import { N, PARAMS, context } from './helpers.js';

type Out = Effect<TtMessage, PowJob>;

/** Runs four engines with instant delivery and inline PoW until every one finalized epoch `upTo`. */
function network(upTo: number, params = PARAMS): ThermoTruthEngine[] {
  const engines = Array.from({ length: N }, (_, i) => new ThermoTruthEngine(context(i, params)));
  const queue: { to: number; from: number; out: Out }[] = [];
  let now = 0;
  const push = (from: number, effects: readonly Out[]): void => {
    for (const e of effects) queue.push({ to: from, from, out: e });
  };
  engines.forEach((e, i) => push(i, e.handle({ kind: 'start', now })));
  for (let steps = 0; steps < 200_000 && queue.length > 0 && engines.some((e) => e.status().finalized < upTo); steps++) {
    const { to: self, out } = queue.shift()!;
    now += 1;
    if (out.kind === 'job') push(self, engines[self]!.handle({ kind: 'job-done', now, jobId: out.jobId, result: searchPow(out.job) }));
    else if (out.kind === 'send') push(out.to, engines[out.to]!.handle({ kind: 'message', now, from: self, message: out.message }));
    else if (out.kind === 'broadcast') {
      for (let j = 0; j < N; j++) if (j !== self) push(j, engines[j]!.handle({ kind: 'message', now, from: self, message: out.message }));
    }
  }
  return engines;
}

describe('thermotruth: epochView', () => {
  it('shows a finalized epoch: proposals, aggregate, leader, flags; unknown epochs are undefined; no state changes', () => {
    const engines = network(1);
    for (const e of engines) expect(e.status().finalized).toBeGreaterThanOrEqual(1);
    const e0 = engines[0]!;
    const before = JSON.stringify(e0.status());
    const v = e0.epochView(1);
    expect(v).toBeDefined();
    expect(JSON.stringify(e0.status())).toBe(before);
    expect(v!.epoch).toBe(1);
    expect(v!.leader).toBe(leaderOf(1, v!.round, N));
    expect(v!.aggregate).toHaveLength(PARAMS.dimension);
    // n - f = 3 proposals at least, each with its vector and its distance from the aggregate.
    expect(v!.proposals.length).toBeGreaterThanOrEqual(3);
    for (const p of v!.proposals) {
      expect(p.vector).toHaveLength(PARAMS.dimension);
      const d = Math.sqrt(p.vector.reduce((s, x, i) => s + (x - v!.aggregate[i]!) ** 2, 0));
      expect(p.distance).toBeCloseTo(d, 9);
    }
    // Every replica shows the same epoch (the value is agreed).
    for (const e of engines) expect(e.epochView(1)).toEqual(v);
    expect(e0.epochView(0)).toBeUndefined();
    expect(e0.epochView(e0.status().finalized + 1)).toBeUndefined();
  });
});
