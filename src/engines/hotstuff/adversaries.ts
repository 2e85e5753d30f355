/**
 * Byzantine behaviours of HotStuff replicas, for the simulator's `--behaviour` (the generic
 * 'silent' is built into the simulator). Each wraps an honest engine and rewrites what it sends.
 *
 *  - 'equivocate': as a leader, sends its real block to the lower half of the other replicas
 *    (by index) and a conflicting twin (same view, parent and QC; no transfers, timestamp + 1)
 *    to the upper half, and votes for both. With at most f such replicas neither block can
 *    gather a quorum alone unless correct replicas vote for it, and correct replicas vote once
 *    per height: safety holds and the pacemaker moves on.
 *  - 'double-vote': votes for every proposal it receives, conflicting ones included (it ignores
 *    the one-vote-per-height rule), and after a crash it restarts with amnesia: it forgets its
 *    votes, lock and chain (its durable records are ignored). Beyond f, with a partition that
 *    shows each correct replica a different world, this is what makes two correct replicas
 *    commit different blocks at the same height (the control run of the agreement checker).
 */
import { toHex } from '../../core/index.js';
import { blockHash, proposeBlock } from '../../ledger/index.js';
import type { Block, ChainRules } from '../../ledger/index.js';
import type { Effect, Engine, EngineContext, EngineInput } from '../../protocol/index.js';
import { HotStuffEngine } from './engine.js';
import { HotStuffError } from './errors.js';
import type { HsMessage } from './messages.js';
import { blockMeta, signVote } from './messages.js';
import type { HotStuffParams } from './params.js';

type Out = Effect<HsMessage>;

function halves(ctx: EngineContext<HotStuffParams>): { readonly lower: readonly number[]; readonly upper: readonly number[] } {
  const others = ctx.validators.map((_, i) => i).filter((i) => i !== ctx.self);
  const cut = Math.ceil(others.length / 2);
  return { lower: others.slice(0, cut), upper: others.slice(cut) };
}

export function equivocatingEngine(ctx: EngineContext<HotStuffParams>): Engine<HsMessage> {
  const inner = new HotStuffEngine(ctx);
  const { lower, upper } = halves(ctx);
  const rules: ChainRules = { chainId: ctx.chainId, blockReward: 0n, maxTxsPerBlock: ctx.params.maxTxsPerBlock };

  function twinOf(block: Block): Block | null {
    const parentState = inner.stateOf(toHex(block.header.parents[0]!));
    if (parentState === undefined) return null;
    const h = block.header;
    return proposeBlock(
      parentState,
      { height: h.height, parents: h.parents, timestamp: h.timestamp + 1, proposer: h.proposer, txs: [], consensus: h.consensus },
      rules,
    ).block;
  }

  function rewrite(e: Out, out: Out[]): void {
    if (e.kind !== 'broadcast' || e.message.t !== 'proposal') {
      out.push(e);
      return;
    }
    const block = e.message.block;
    const twin = twinOf(block);
    if (twin === null) {
      out.push(e);
      return;
    }
    for (const to of lower) out.push({ kind: 'send', to, message: e.message });
    for (const to of upper) out.push({ kind: 'send', to, message: { t: 'proposal', block: twin } });
    const view = blockMeta(twin).view;
    const next = inner.leader(view + 1);
    if (next !== ctx.self) {
      const hash = blockHash(twin);
      out.push({ kind: 'send', to: next, message: { t: 'vote', view, hash, signature: signVote(ctx.keyPair, ctx.chainId, view, hash) } });
    }
  }

  return {
    handle(input: EngineInput<HsMessage>): readonly Out[] {
      const out: Out[] = [];
      for (const e of inner.handle(input)) rewrite(e, out);
      return out;
    },
    status: () => inner.status(),
    finalizedState: () => inner.finalizedState(),
  };
}

export function doubleVotingEngine(ctx: EngineContext<HotStuffParams>): Engine<HsMessage> {
  // Amnesia: whatever it persisted before a crash is ignored.
  const inner = new HotStuffEngine({ ...ctx, restored: new Map() });
  /** Blocks already voted for by this wrapper (bounded: the newest few hundred). */
  const voted = new Set<string>();

  function extraVote(input: EngineInput<HsMessage>, out: Out[]): void {
    if (input.kind !== 'message' || input.message.t !== 'proposal') return;
    const block = input.message.block;
    let view: number;
    try {
      view = blockMeta(block).view;
    } catch (err) {
      if (err instanceof HotStuffError) return;
      throw err;
    }
    if (input.from !== inner.leader(view)) return;
    const hash = blockHash(block);
    const key = toHex(hash);
    if (voted.has(key)) return;
    voted.add(key);
    if (voted.size > 512) voted.delete(voted.values().next().value!);
    const next = inner.leader(view + 1);
    if (next === ctx.self) return;
    out.push({ kind: 'send', to: next, message: { t: 'vote', view, hash, signature: signVote(ctx.keyPair, ctx.chainId, view, hash) } });
  }

  return {
    handle(input: EngineInput<HsMessage>): readonly Out[] {
      const out: Out[] = [...inner.handle(input)];
      // Its honest self may already have voted for this block: a second identical vote is a
      // harmless duplicate. For a conflicting block at the same height it is a double vote.
      extraVote(input, out);
      return out;
    },
    status: () => inner.status(),
    finalizedState: () => inner.finalizedState(),
  };
}
