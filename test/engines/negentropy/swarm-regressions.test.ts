/**
 * Regressions the swarm (src/sim/fuzz, docs/RELIABILITY.md, issue 8) found in the negentropy
 * engine. Safety held in all of them.
 *
 * 1. Lost queries failed polls. A query or reply lost on the link counted as a failed answer at
 *    the poll's 1.5 s timeout; with few peers (alpha of 2 sampled peers is both) one lost copy
 *    failed the poll and reset the slot's count of consecutive successful polls (betaC = 20), so
 *    at a few percent loss finality took tens of seconds and at 20-25 % loss never came (every
 *    n = 4 seed with that loss stalled, no Byzantine node needed). Now the query goes again to
 *    a peer that has not answered once its retransmission timeout passed (max(pollResendMs =
 *    250 ms, 1.5 x its smoothed round trip)), until the poll's timeout
 *    (src/engines/negentropy/polls.ts); a peer still answers a poll once.
 * 2. Missing parents were asked for once. A vertex whose parents were unknown waited in the
 *    orphan pool after one want-ids to its sender; when that or its answer was lost, the node
 *    never accepted the vertex and, at n = 4 where every poll needs every peer, its conflict
 *    sets never decided (seed 6: 25 % loss, one node finalized nothing for 30 s). Now the
 *    request is repeated every pollTimeoutMs, to the next validator each time, 8 times at most
 *    (src/engines/negentropy/orphans.ts).
 * 3. Silent validators at the bound wasted sample places. With six of n = 30 silent, a poll of
 *    k = 20 fails whenever all six are drawn (about one in twelve), and a node whose weights had
 *    no record yet needed minutes for 20 consecutive successes (seed 34: one honest node
 *    finalized nothing for 30 s, no other fault needed). Now peers that missed three timed-out
 *    polls in a row sit out of samples for 10 s, at most 20 % of the validators at once
 *    (src/engines/negentropy/bench-list.ts).
 */
import { describe, expect, it } from 'vitest';
import type { FuzzCase } from '../../../src/sim/fuzz/index.js';
import { decodeCase, drawCase, runCase } from '../../../src/sim/fuzz/index.js';
import { expectRecovered } from '../../support/swarm-verdict.js';

// Seed 168, shrunk: n = 3, nobody Byzantine, 2.9 % loss, 1 transfer/s for 4 s.
const LOSSY_TRIO = decodeCase(
  'eyJ2IjoxLCJlbmdpbmUiOiJuZWdlbnRyb3B5Iiwic2VlZCI6MTY4LCJub2RlcyI6MywiYnl6YW50aW5lIjpbXSwiYmVoYXZpb3VyIjoic2lsZW50IiwiYXR0YWNrcyI6W10sImxvc3MiOjAuMDI5LCJkdXBsaWNhdGUiOjAsInJlb3JkZXIiOjAsInJlb3JkZXJNYXhNcyI6MCwicGFydGl0aW9ucyI6W10sImNyYXNoZXMiOltdLCJza2V3cyI6WzAsMCwwXSwiZHVyYXRpb25TIjo0LCJkcmFpblMiOjMwLCJ0cHMiOjEsInBhcmFtcyI6eyJhdHRhY2tJbnRlcnZhbE1zIjo1MDB9LCJsaXZlbmVzc01zIjozMDAwMH0',
);

function withoutResends(c: FuzzCase): FuzzCase {
  const params = (c.params ?? {}) as Record<string, unknown>;
  return { ...c, params: { ...params, pollResendMs: 0 } };
}

describe('negentropy: swarm regressions', () => {
  it('a few percent loss no longer delays finality past the liveness window (n = 3)', () => {
    expectRecovered(runCase(LOSSY_TRIO), 3);
  });

  it('the same case without query re-sends still stalls (the fix is what recovers it)', () => {
    const v = runCase(withoutResends(LOSSY_TRIO));
    expect(v.safetyViolations).toBe(0);
    expect(v.failure).toBe('liveness');
  });

  it('25 % loss with two crash-restarts at n = 4 (drawn seed 26) finalizes every acknowledged transfer', () => {
    const c = drawCase('negentropy', 26);
    expect([c.nodes, c.loss, c.crashes.length]).toEqual([4, 0.255, 2]);
    expectRecovered(runCase(c), 24);
  });

  it('six silent validators of n = 30 (drawn seed 34): every honest node finalizes', () => {
    const c = drawCase('negentropy', 34);
    expect([c.nodes, c.byzantine.length, c.behaviour]).toEqual([30, 6, 'silent']);
    expectRecovered(runCase(c), 27);
  });

  it('25 % loss and a split at n = 4 (drawn seed 6): orphans ask again and every node finalizes', () => {
    const c = drawCase('negentropy', 6);
    expect([c.nodes, c.loss, c.partitions.length]).toEqual([4, 0.246, 1]);
    expectRecovered(runCase(c), 38);
  });
});
