/**
 * The engine driven directly (no simulator): the leader refuses bad proposals with their codes,
 * flags the proposer and prepares a batch without them; a replica refuses to vote for a batch
 * that holds rejected input or whose aggregate does not recompute to the same bits.
 */
import { describe, expect, it } from 'vitest';
import { proposeBlock } from '../../../src/ledger/index.js';
import type { Effect } from '../../../src/protocol/index.js';
import {
  ThermoTruthEngine,
  computeAggregate,
  genesisBlockHash,
  leaderOf,
  makeBatch,
  searchPow,
  vectorFromBytes,
} from '../../../src/engines/thermotruth/index.js';
import type { Batch, PowJob, Proposal, TtMessage } from '../../../src/engines/thermotruth/index.js';
import { CHAIN, GENESIS, GOOD, N, PARAMS, VALIDATORS, badPow, badSignature, body, context, mined } from './helpers.js';

type Out = Effect<TtMessage, PowJob>;

/** Starts `self` and completes its PoW job, returning the engine and everything it emitted. */
function started(self: number): { engine: ThermoTruthEngine; out: Out[] } {
  const engine = new ThermoTruthEngine(context(self));
  const out: Out[] = [...engine.handle({ kind: 'start', now: 0 })];
  const job = out.find((e): e is Extract<Out, { kind: 'job' }> => e.kind === 'job');
  expect(job).toBeDefined();
  out.push(...engine.handle({ kind: 'job-done', now: 1, jobId: job!.jobId, result: searchPow(job!.job) }));
  return { engine, out };
}

function proposalMsg(p: Proposal): TtMessage {
  return { t: 'proposal', round: 0, proposal: p, txs: [], highQC: null };
}

const vec = (i: number): number[] => GOOD.map((x) => x + i / 64);

describe('leader: bad proposals are refused, flagged and left out of the aggregate', () => {
  const LEADER = leaderOf(1, 0, N);
  expect(LEADER).toBe(1);
  const bad: [string, (i: number) => Proposal, string][] = [
    ['bad PoW', (i) => badPow(body(i, vec(i))), 'TT_BAD_POW'],
    ['bad signature', (i) => badSignature(mined(body(i, vec(i)))), 'TT_BAD_SIGNATURE'],
    ['wrong dimension', (i) => mined(body(i, vec(i).slice(2))), 'TT_WRONG_DIMENSION'],
    ['NaN', (i) => mined(body(i, [Number.NaN, ...vec(i).slice(1)])), 'TT_NAN'],
    ['Infinity', (i) => mined(body(i, [Number.POSITIVE_INFINITY, ...vec(i).slice(1)])), 'TT_INFINITE'],
    ['oversized', (i) => mined(body(i, new Array<number>(257).fill(0.5))), 'TT_OVERSIZED'],
  ];
  for (const [name, make, code] of bad) {
    it(`${name}: penalize(${code}) and the prepared batch holds validators 0, 1, 2 only`, () => {
      const { engine, out } = started(LEADER);
      // The leader's own proposal went to itself: nothing was sent yet.
      expect(out.filter((e) => e.kind === 'send' || e.kind === 'broadcast')).toEqual([]);
      const refused = engine.handle({ kind: 'message', now: 5, from: 3, message: proposalMsg(make(3)) });
      expect(refused).toContainEqual({ kind: 'penalize', peer: 3, code, weight: 2 });
      expect(refused.some((e) => e.kind === 'broadcast')).toBe(false);
      engine.handle({ kind: 'message', now: 6, from: 0, message: proposalMsg(mined(body(0, vec(0)))) });
      const effects = engine.handle({ kind: 'message', now: 7, from: 2, message: proposalMsg(mined(body(2, vec(2)))) });
      const prepare = effects.find((e) => e.kind === 'broadcast' && e.message.t === 'prepare');
      expect(prepare).toBeDefined();
      if (prepare?.kind !== 'broadcast' || prepare.message.t !== 'prepare') return;
      const batch = prepare.message.batch;
      expect(batch.proposals.map((p) => p.proposer)).toEqual([0, 1, 2]);
      // The aggregate is the one of exactly those vectors.
      const again = computeAggregate(batch.proposals.map((p) => vectorFromBytes(p.vector)), engine.aggregateConfig);
      expect(vectorFromBytes(batch.aggregate)).toEqual(again.aggregate);
    });
  }

  it('a validator cannot relay another validator\'s proposal', () => {
    const { engine } = started(LEADER);
    const effects = engine.handle({ kind: 'message', now: 5, from: 3, message: proposalMsg(mined(body(0, vec(0)))) });
    expect(effects).toContainEqual({ kind: 'penalize', peer: 3, code: 'TT_RELAYED_PROPOSAL', weight: 1 });
  });

  it('a second, different proposal from the same validator is equivocation', () => {
    const { engine } = started(LEADER);
    engine.handle({ kind: 'message', now: 5, from: 3, message: proposalMsg(mined(body(3, vec(3)))) });
    const effects = engine.handle({ kind: 'message', now: 6, from: 3, message: proposalMsg(mined(body(3, vec(4)))) });
    expect(effects).toContainEqual({ kind: 'penalize', peer: 3, code: 'TT_EQUIVOCATION', weight: 10 });
  });
});

describe('replica: no vote for a batch built from rejected input', () => {
  const leader = 1;
  function batchOf(proposals: Proposal[], aggregate?: readonly number[]): Batch {
    const block = proposeBlock(
      GENESIS,
      { height: 1, parents: [genesisBlockHash(CHAIN, GENESIS)], timestamp: 10, proposer: VALIDATORS[leader]!, txs: [] },
      { chainId: CHAIN, blockReward: BigInt(PARAMS.blockReward), maxTxsPerBlock: PARAMS.maxTxsPerBlock },
    ).block;
    const sorted = [...proposals].sort((a, b) => a.proposer - b.proposer);
    const vectors = sorted.map((p) => vectorFromBytes(p.vector));
    const agg = aggregate ?? computeAggregate(vectors, { rule: PARAMS.rule, dimension: 8, healTemperature: PARAMS.healTemperature, healRadius: PARAMS.healRadius, trim: 1 }).aggregate;
    return makeBatch(1, block, sorted, agg);
  }
  const votesOf = (effects: readonly Out[]): Out[] => effects.filter((e) => e.kind === 'send' && e.message.t === 'vote');

  it('a valid batch gets a phase-1 vote sent to the leader', () => {
    const { engine } = started(2);
    const batch = batchOf([0, 1, 3].map((i) => mined(body(i, vec(i)))));
    const effects = engine.handle({ kind: 'message', now: 20, from: leader, message: { t: 'prepare', round: 0, batch, justify: null } });
    expect(votesOf(effects)).toHaveLength(1);
    expect(effects.some((e) => e.kind === 'persist' && e.key === 'votes/1' && e.sync)).toBe(true);
  });

  it('a batch holding a NaN proposal: no vote; the leader and the proposer are flagged', () => {
    const { engine } = started(2);
    const batch = batchOf([mined(body(0, vec(0))), mined(body(1, vec(1))), mined(body(3, [Number.NaN, ...vec(3).slice(1)]))], vec(0));
    const effects = engine.handle({ kind: 'message', now: 20, from: leader, message: { t: 'prepare', round: 0, batch, justify: null } });
    expect(votesOf(effects)).toEqual([]);
    expect(effects).toContainEqual({ kind: 'penalize', peer: leader, code: 'TT_BAD_BATCH', weight: 5 });
    expect(effects).toContainEqual({ kind: 'penalize', peer: 3, code: 'TT_NAN', weight: 2 });
  });

  it('an aggregate that does not recompute to the same bits: no vote, TT_AGGREGATE_MISMATCH', () => {
    const proposals = [0, 1, 3].map((i) => mined(body(i, vec(i))));
    const good = batchOf(proposals);
    const agg = vectorFromBytes(good.aggregate);
    agg[0] = agg[0]! + 2 ** -40; // one bit off is enough
    const effects = started(2).engine.handle({ kind: 'message', now: 20, from: leader, message: { t: 'prepare', round: 0, batch: batchOf(proposals, agg), justify: null } });
    expect(votesOf(effects)).toEqual([]);
    expect(effects).toContainEqual({ kind: 'penalize', peer: leader, code: 'TT_AGGREGATE_MISMATCH', weight: 5 });
  });

  it('too few validator proposals (n - f = 3 needed): no vote', () => {
    const batch = batchOf([0, 1].map((i) => mined(body(i, vec(i)))));
    const effects = started(2).engine.handle({ kind: 'message', now: 20, from: leader, message: { t: 'prepare', round: 0, batch, justify: null } });
    expect(votesOf(effects)).toEqual([]);
  });

  it('a prepare from a validator that does not lead the round: no vote, TT_NOT_LEADER', () => {
    const batch = batchOf([0, 1, 3].map((i) => mined(body(i, vec(i)))));
    const effects = started(2).engine.handle({ kind: 'message', now: 20, from: 3, message: { t: 'prepare', round: 0, batch, justify: null } });
    expect(votesOf(effects)).toEqual([]);
    expect(effects).toContainEqual({ kind: 'penalize', peer: 3, code: 'TT_NOT_LEADER', weight: 5 });
  });
});
