/**
 * The round pacemaker (src/engines/thermotruth/timeouts.ts): a node whose round timer fires says
 * so to all and stays; f + 1 timeouts for a round make a node join them; q move it to the next
 * round; a node past a round (by timeouts or not) answers a lagging node's timeout with its own, and
 * answers are not answered.
 * n = 4: f = 1, q = 3.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../../src/core/index.js';
import type { Effect } from '../../../src/protocol/index.js';
import { ThermoTruthEngine, decodeTtMessage, encodeTtMessage, searchPow } from '../../../src/engines/thermotruth/index.js';
import type { PowJob, TtMessage } from '../../../src/engines/thermotruth/index.js';
import { RoundTimeouts } from '../../../src/engines/thermotruth/timeouts.js';
import { context } from './helpers.js';

type Out = Effect<TtMessage, PowJob>;

function started(self: number): ThermoTruthEngine {
  const engine = new ThermoTruthEngine(context(self));
  const out = engine.handle({ kind: 'start', now: 0 });
  const job = out.find((e): e is Extract<Out, { kind: 'job' }> => e.kind === 'job')!;
  engine.handle({ kind: 'job-done', now: 1, jobId: job.jobId, result: searchPow(job.job) });
  return engine;
}

const timeout = (round: number, answer = false): TtMessage => ({ t: 'timeout', epoch: 1, round, answer });
const roundOf = (e: ThermoTruthEngine): unknown => e.status().telemetry['round'];
const timeoutsIn = (out: readonly Out[]): { kind: string; to?: number; round: number; answer: boolean }[] =>
  out.flatMap((e) =>
    (e.kind === 'broadcast' || e.kind === 'send') && e.message.t === 'timeout'
      ? [{ kind: e.kind, ...(e.kind === 'send' ? { to: e.to } : {}), round: e.message.round, answer: e.message.answer }]
      : [],
  );

describe('RoundTimeouts', () => {
  it('counts distinct senders per round inside [current, current + lookahead], forgets rounds left behind', () => {
    const t = new RoundTimeouts(2);
    expect(t.record(1, 0, 0)).toBe(1);
    expect(t.record(1, 0, 0)).toBe(1);
    expect(t.record(2, 0, 0)).toBe(2);
    expect(t.record(3, 2, 0)).toBe(1);
    expect(t.record(3, 3, 0)).toBe(0); // beyond the lookahead
    expect(t.record(4, 1, 1)).toBe(1);
    expect(t.count(0)).toBe(0); // round 0 forgotten once the node is in round 1
    expect(t.record(4, 0, 1)).toBe(0);
    expect(t.markSent(1)).toBe(true);
    expect(t.markSent(1)).toBe(false);
    expect(t.hasSent(1)).toBe(true);
    expect(t.hasSent(0)).toBe(false);
  });
});

describe('thermotruth pacemaker (n = 4, f = 1, q = 3)', () => {
  it('the round timer sends timeout(r) to all and the node stays in r; q timeouts move it to r + 1', () => {
    const e = started(0);
    const fired = e.handle({ kind: 'timer', now: 5000, timer: 'round' });
    expect(timeoutsIn(fired)).toEqual([{ kind: 'broadcast', round: 0, answer: false }]);
    expect(roundOf(e)).toBe(0);
    e.handle({ kind: 'message', now: 5001, from: 1, message: timeout(0) });
    expect(roundOf(e)).toBe(0);
    const moved = e.handle({ kind: 'message', now: 5002, from: 2, message: timeout(0) });
    expect(roundOf(e)).toBe(1);
    expect(moved.some((o) => o.kind === 'metric' && o.name === 'round' && o.value === 1)).toBe(true);
  });

  it('f + 1 timeouts for a round make a node that has not timed out send its own (and with it q)', () => {
    const e = started(0);
    expect(timeoutsIn(e.handle({ kind: 'message', now: 10, from: 1, message: timeout(0) }))).toEqual([]);
    const joined = e.handle({ kind: 'message', now: 11, from: 2, message: timeout(0) });
    expect(timeoutsIn(joined)).toEqual([{ kind: 'broadcast', round: 0, answer: false }]);
    expect(roundOf(e)).toBe(1);
  });

  it('a lagging node\'s timeout is answered once with ours, marked as an answer; answers are not answered', () => {
    const e = started(0);
    e.handle({ kind: 'timer', now: 5000, timer: 'round' });
    e.handle({ kind: 'message', now: 5001, from: 1, message: timeout(0) });
    e.handle({ kind: 'message', now: 5002, from: 2, message: timeout(0) });
    expect(roundOf(e)).toBe(1);
    expect(timeoutsIn(e.handle({ kind: 'message', now: 6000, from: 3, message: timeout(0) }))).toEqual([{ kind: 'send', to: 3, round: 0, answer: true }]);
    expect(timeoutsIn(e.handle({ kind: 'message', now: 6001, from: 3, message: timeout(0, true) }))).toEqual([]);
  });

  it('a node that left a round without timing out of it still answers a lagging node\'s timeout for it (seed 793)', () => {
    const e = started(0);
    // q timeouts for round 1 move the node from round 0 to round 2: it never sent timeout(0).
    e.handle({ kind: 'message', now: 10, from: 1, message: timeout(1) });
    e.handle({ kind: 'message', now: 11, from: 2, message: timeout(1) });
    expect(roundOf(e)).toBe(2);
    // Node 3 is still in round 0: round 0 is over for this node too, so it answers.
    expect(timeoutsIn(e.handle({ kind: 'message', now: 20, from: 3, message: timeout(0) }))).toEqual([{ kind: 'send', to: 3, round: 0, answer: true }]);
    expect(timeoutsIn(e.handle({ kind: 'message', now: 21, from: 3, message: timeout(0, true) }))).toEqual([]);
  });

  it('one Byzantine timeout for a later round moves nobody', () => {
    const e = started(0);
    const out = e.handle({ kind: 'message', now: 10, from: 3, message: timeout(5) });
    expect(timeoutsIn(out)).toEqual([]);
    expect(roundOf(e)).toBe(0);
  });

  it('the wire form [9, epoch, round, answer] round-trips; an answer flag other than 0 or 1 is malformed', () => {
    for (const m of [timeout(3), timeout(0, true)]) expect(decodeTtMessage(encodeTtMessage(m))).toEqual(m);
    expect(() => decodeTtMessage(encode([9, 1, 0, 2]))).toThrow(/timeout.answer/);
    expect(() => decodeTtMessage(encode([9, 1, 0]))).toThrow(/expected 4 items/);
  });
});
