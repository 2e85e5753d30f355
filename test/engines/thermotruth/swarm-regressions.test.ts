/**
 * Regressions the swarm (src/sim/fuzz, docs/RELIABILITY.md, issue 8) found in the ThermoTruth
 * engine. Safety held in all of them.
 *
 * 1. Retransmission waits grew with the losses. A node re-sent its vote or proposal after half a
 *    round timeout without progress, and the round timeout was 3x the last normal epoch: an
 *    epoch slowed by a lost message made the next wait longer, and so on (seed 70: n = 8, 23 %
 *    loss, three epochs in 36 s, nodes silent for 12 s at a time). Now the wait is half the
 *    epoch pace, and the pace is the shortest of the last 16 normal epochs (pace.ts).
 * 2. A start-up epoch with view changes set the timeout scale from its whole duration, timed-out
 *    rounds included (seed 38: n = 5, one silent, 30 % loss: a 48 s round timeout, and the silent
 *    leader of the next epoch was waited out for all of it). Now the finalizing round counts.
 * 3. Rounds drifted apart. Each node left a round on its own timer, and timers differ (each
 *    node's pace is its own measurement; a node that caught up by sync has none and uses the
 *    1 s floor), so one node raced through the rounds alone and a quorum never met in one round
 *    (seed 1: n = 10, three silent, 19 % loss). Now a round ends for everyone on q timeout
 *    messages (timeouts.ts), and an epoch learned by catch-up sets no pace.
 */
import { describe, expect, it } from 'vitest';
import { drawCase, runCase } from '../../../src/sim/fuzz/index.js';
import { expectRecovered } from '../../support/swarm-verdict.js';

describe('thermotruth: swarm regressions', () => {
  it('sustained 23 % loss with two crash-restarts at n = 8 (seed 70): every acknowledged transfer final', () => {
    const c = drawCase('thermotruth', 70);
    expect([c.nodes, c.loss, c.crashes.length]).toEqual([8, 0.233, 2]);
    expectRecovered(runCase(c), 22);
  });

  it('three silent of n = 10 at 19 % loss (seed 1): rounds stay together, every acknowledged transfer final', () => {
    const c = drawCase('thermotruth', 1);
    expect([c.nodes, c.byzantine.length, c.loss]).toEqual([10, 3, 0.193]);
    expectRecovered(runCase(c), 132);
  });

  it('30 % loss with a silent validator at n = 5 (seed 38): the next silent leader is timed out in time', () => {
    const c = drawCase('thermotruth', 38);
    expect([c.nodes, c.byzantine.length, c.loss]).toEqual([5, 1, 0.296]);
    expectRecovered(runCase(c), 71);
  });

  it('nodes left in a round the others left by a later round\'s messages get answers to their timeouts (seed 793)', () => {
    // Before the fix: stuck for good (150 s too). n = 16, five in-range-drag validators talking
    // only to eight nodes, 7.9 % loss, a split healed at 5.2 s. In epoch 2 five correct nodes
    // moved to round 1 on messages only they received and never sent timeout(0); the six
    // others stayed in round 0, asked with timeout(0) and got no answer (only nodes that had
    // sent timeout(0) answered): q = 11 never met in round 0, f + 1 = 6 never in round 1.
    expectRecovered(runCase(drawCase('thermotruth', 793)), 57);
  });
});
