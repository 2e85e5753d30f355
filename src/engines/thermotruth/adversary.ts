/**
 * ThermoTruth's Byzantine behaviours (engine `adversaries`; the simulator adds 'silent'). Each
 * runs the honest engine, so it takes part in the protocol, with a different proposal policy,
 * and knows the ground truth (the strongest attacker: it knows where the honest values lie).
 *
 *  - 'outlier': proposes outlierValue (default 1e6) in every component: huge, but finite and
 *    within maxAbs, so validation accepts it and the aggregate has to cope.
 *  - 'in-range-drag': proposes truth - dragSd * noiseSd per component (default 2 sd): inside
 *    the honest range, every Byzantine value pushed to the same side (towards the origin, which
 *    is also what the literal exp(-D ||s||) weighting rewards most).
 *  - 'split-world': different values for different leaders (truth + dragSd sd to even-indexed
 *    leaders, truth - dragSd sd to odd ones: two signed proposals per epoch, each with its PoW),
 *    and as leader two different valid batches (its block with and without the transfers) to
 *    the two halves of the other validators. Colluding replicas vote for both batches of a
 *    split-world leader (the twin is a deterministic function of the batch and the finalized
 *    state, so they compute it without talking). Within the fault bound neither batch reaches a
 *    quorum twice; beyond it the agreement checker must fire (the control run).
 * Every behaviour also mints `sybilsPerByzantine` identities per epoch proposing its value,
 * each at the cost of one PoW (mined one after another: one machine's hash power); without PoW
 * they are free. That is the Sybil model of the "without PoW" ablation.
 */
import { keyPairFromSeed, taggedHash, toHex, u32be } from '../../core/index.js';
import type { KeyPair } from '../../core/index.js';
import { proposeBlock } from '../../ledger/index.js';
import type { Effect, Engine, EngineContext, EngineInput, NodeIndex } from '../../protocol/index.js';
import { makeBatch, valueHash } from './batch.js';
import type { Batch } from './batch.js';
import { ThermoTruthEngine } from './engine.js';
import type { ProposalPolicy } from './engine.js';
import type { TtMessage } from './messages.js';
import { truthAt } from './observe.js';
import type { ThermoTruthParams } from './params.js';
import type { PowJob, PowResult } from './pow.js';
import { signVote } from './qc.js';
import type { Phase, QC } from './qc.js';
import { vectorFromBytes } from './vector.js';

type Out = Effect<TtMessage, PowJob>;
type TtEngine = Engine<TtMessage, PowJob, PowResult>;

function sybilKeys(ctx: EngineContext<ThermoTruthParams>): (j: number) => KeyPair {
  const keys = new Map<number, KeyPair>();
  return (j) => {
    let k = keys.get(j);
    if (k === undefined) {
      k = keyPairFromSeed(taggedHash('thermo/tt/sybil', u32be(ctx.self), u32be(j)));
      keys.set(j, k);
    }
    return k;
  };
}

function shifted(ctx: EngineContext<ThermoTruthParams>, epoch: number, sds: number): number[] {
  const p = ctx.params;
  return truthAt(p.truthSeed, epoch, p.dimension).map((x) => x + sds * p.noiseSd);
}

function policy(ctx: EngineContext<ThermoTruthParams>, value: (epoch: number, j: number) => readonly number[], variants: number): ProposalPolicy {
  const m = ctx.params.sybilsPerByzantine;
  return Object.freeze({
    vectors: (epoch: number) => Array.from({ length: variants }, (_, i) => value(epoch, i)),
    variantFor: (_epoch: number, leader: NodeIndex) => (variants === 1 ? 0 : leader % variants),
    sybils: (epoch: number) => Array.from({ length: m }, (_, j) => value(epoch, j % variants)),
    sybilKey: sybilKeys(ctx),
  });
}

export function outlierEngine(ctx: EngineContext<ThermoTruthParams>): TtEngine {
  const v = new Array<number>(ctx.params.dimension).fill(ctx.params.outlierValue);
  return new ThermoTruthEngine(ctx, policy(ctx, () => v, 1));
}

export function dragEngine(ctx: EngineContext<ThermoTruthParams>): TtEngine {
  return new ThermoTruthEngine(ctx, policy(ctx, (e) => shifted(ctx, e, -ctx.params.dragSd), 1));
}

/** The twin of a batch: the same proposals and aggregate, its block without transfers (timestamp + 1). */
export function twinBatch(engine: ThermoTruthEngine, batch: Batch): Batch {
  const h = batch.block.header;
  const block = proposeBlock(
    engine.finalizedState(),
    { height: h.height, parents: h.parents, timestamp: h.timestamp + 1, proposer: h.proposer, txs: [] },
    engine.rules,
  ).block;
  return makeBatch(batch.epoch, block, batch.proposals, vectorFromBytes(batch.aggregate));
}

export function splitWorldEngine(ctx: EngineContext<ThermoTruthParams>): TtEngine {
  const sd = ctx.params.dragSd;
  const inner = new ThermoTruthEngine(ctx, policy(ctx, (e, i) => shifted(ctx, e, i === 0 ? sd : -sd), 2));
  const others = ctx.validators.map((_, i) => i).filter((i) => i !== ctx.self);
  const cut = Math.ceil(others.length / 2);
  const lower = others.slice(0, cut);
  const upper = others.slice(cut);
  const chainId = ctx.chainId;
  /** Per value hex (of a batch this node saw or sent): its twin's value. Bounded to the current epoch. */
  let twinEpoch = -1;
  const twinOf = new Map<string, { readonly batch: Batch; readonly value: Uint8Array }>();
  /** As leader: twin batches it sent, and the votes collected for them: `${round}/${phase}` -> voter -> sig. */
  const sentTwins = new Map<string, { readonly round: number; readonly batch: Batch }>();
  const twinVotes = new Map<string, Map<number, Uint8Array>>();
  const twinQCSent = new Set<string>();

  function resetIfNewEpoch(): void {
    if (twinEpoch === inner.epoch) return;
    twinEpoch = inner.epoch;
    twinOf.clear();
    sentTwins.clear();
    twinVotes.clear();
    twinQCSent.clear();
  }

  function rememberTwin(batch: Batch): { readonly batch: Batch; readonly value: Uint8Array } {
    const hex = toHex(valueHash(chainId, batch));
    let t = twinOf.get(hex);
    if (t === undefined) {
      const tb = twinBatch(inner, batch);
      t = { batch: tb, value: valueHash(chainId, tb) };
      twinOf.set(hex, t);
    }
    return t;
  }

  function twinVote(round: number, phase: Phase, voter: number, signature: Uint8Array, out: Out[]): void {
    const key = `${round}/${phase}`;
    const twin = [...sentTwins.values()].find((t) => t.round === round);
    if (twin === undefined) return;
    let votes = twinVotes.get(key);
    if (votes === undefined) {
      votes = new Map();
      twinVotes.set(key, votes);
    }
    if (!votes.has(voter)) votes.set(voter, signature);
    if (votes.size < inner.quorum || twinQCSent.has(key)) return;
    twinQCSent.add(key);
    const value = valueHash(chainId, twin.batch);
    const qc: QC = Object.freeze({
      epoch: twin.batch.epoch,
      round,
      phase,
      value,
      votes: Object.freeze([...votes].sort((a, b) => a[0] - b[0]).map(([v, s]) => Object.freeze({ voter: v, signature: s }))),
    });
    for (const to of upper) out.push({ kind: 'send', to, message: phase === 1 ? { t: 'precommit', qc } : { t: 'commit', qc } });
    if (phase === 1) twinVote(round, 2, ctx.self, signVote(ctx.keyPair, chainId, twin.batch.epoch, round, 2, value), out);
  }

  function rewrite(e: Out, out: Out[]): void {
    if (e.kind === 'send' && e.message.t === 'vote') {
      // A colluding replica votes for the batch it got and for its twin.
      out.push(e);
      const m = e.message;
      const known = [...twinOf.entries()].find(([hex]) => hex === toHex(m.value));
      if (known !== undefined) {
        const tv = known[1].value;
        out.push({ kind: 'send', to: e.to, message: { ...m, value: tv, signature: signVote(ctx.keyPair, chainId, m.epoch, m.round, m.phase, tv) } });
      }
      return;
    }
    if (e.kind !== 'broadcast') {
      out.push(e);
      return;
    }
    const m = e.message;
    if (m.t === 'prepare' && m.justify === null) {
      const twin = rememberTwin(m.batch);
      sentTwins.set(toHex(twin.value), { round: m.round, batch: twin.batch });
      for (const to of lower) out.push({ kind: 'send', to, message: m });
      for (const to of upper) out.push({ kind: 'send', to, message: { t: 'prepare', round: m.round, batch: twin.batch, justify: null } });
      twinVote(m.round, 1, ctx.self, signVote(ctx.keyPair, chainId, m.batch.epoch, m.round, 1, twin.value), out);
      return;
    }
    if (m.t === 'precommit' || m.t === 'commit') {
      // The real batch's certificates only reach the lower half.
      for (const to of lower) out.push({ kind: 'send', to, message: m });
      return;
    }
    out.push(e);
  }

  return {
    handle(input: EngineInput<TtMessage, PowResult>): readonly Out[] {
      resetIfNewEpoch();
      const out: Out[] = [];
      if (input.kind === 'message') {
        const m = input.message;
        if (m.t === 'prepare' && m.batch.epoch === inner.epoch) rememberTwin(m.batch);
        if (m.t === 'vote' && m.epoch === inner.epoch && sentTwins.has(toHex(m.value))) {
          twinVote(m.round, m.phase, input.from, m.signature, out);
          return out;
        }
      }
      for (const e of inner.handle(input)) rewrite(e, out);
      // The leader's own twin votes for phase 2 follow its twin precommit (see twinVote).
      resetIfNewEpoch();
      return out;
    },
    status: () => inner.status(),
    finalizedState: () => inner.finalizedState(),
  };
}
