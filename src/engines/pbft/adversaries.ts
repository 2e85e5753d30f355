/**
 * Byzantine behaviours of PBFT replicas, for the simulator's `--behaviour` (the generic
 * 'silent' is built into the simulator). Each wraps an honest engine and rewrites its traffic.
 *
 * Both use echo voting: the replica never volunteers its own PREPARE, COMMIT or CHECKPOINT;
 * instead it answers every such message from replica j, if j really signed it, with a signed
 * message of the same kind for the same (view, seq, digest), sent to j alone. (Echoing forged
 * votes too gains the attack nothing and, between two Byzantine replicas whose traffic is also
 * flooded with corrupted copies, fed on itself: every corrupted copy is a new vote to echo,
 * and each echo is flooded again, so swarm seed 178 grew without bound.) It agrees with everyone, so every
 * partition of the correct replicas sees it on its side.
 *  - 'equivocate': additionally, as primary, sends its real pre-prepare to the lower half of
 *    the other replicas (by index) and a conflicting twin (same parent, no transfers,
 *    timestamp + 1, its own signature) to the upper half.
 *  - 'double-vote': echo voting plus its honest self's votes (so a correct replica may hear a
 *    vote for one digest from it and a different one later), and amnesia after a crash: it
 *    restarts ignoring its durable records.
 * With at most f such replicas quorum intersection holds: a correct replica needs quorum - f
 * correct votes for a digest, and two digests cannot both get them. With f + 1 (n = 4, an
 * equivocating primary and one echoing backup) each half of the correct replicas commits its
 * own block: the control run of the agreement checker.
 */
import { toHex } from '../../core/index.js';
import { blockHash, proposeBlock } from '../../ledger/index.js';
import type { Block, ChainRules } from '../../ledger/index.js';
import type { Effect, Engine, EngineContext, EngineInput } from '../../protocol/index.js';
import { PbftEngine } from './engine.js';
import type { PbftMessage } from './messages.js';
import { signVote, verifyVote } from './messages.js';
import type { PbftParams } from './params.js';

type Out = Effect<PbftMessage>;

const VOTES = new Set(['prepare', 'commit', 'checkpoint']);
const MAX_ECHOED = 4096;

function halves(ctx: EngineContext<PbftParams>): { readonly lower: readonly number[]; readonly upper: readonly number[] } {
  const others = ctx.validators.map((_, i) => i).filter((i) => i !== ctx.self);
  const cut = Math.ceil(others.length / 2);
  return { lower: others.slice(0, cut), upper: others.slice(cut) };
}

/** Echo voting: a vote of the same kind for whatever each peer votes for, to that peer only. */
function echo(ctx: EngineContext<PbftParams>, inner: PbftEngine, echoed: Set<string>, input: EngineInput<PbftMessage>, out: Out[]): void {
  if (input.kind !== 'message') return;
  const m = input.message;
  if (m.t !== 'prepare' && m.t !== 'commit' && m.t !== 'checkpoint') return;
  const view = m.t === 'checkpoint' ? 0 : m.view;
  if (m.t === 'prepare' && inner.primary(view) === ctx.self) return; // a primary's prepare counts for nothing
  const key = `${m.t}:${view}:${m.seq}:${toHex(m.digest)}:${input.from}`;
  if (echoed.has(key)) return;
  const signer = ctx.validators[input.from];
  if (signer === undefined || !verifyVote(signer, m.t, ctx.chainId, view, m.seq, m.digest, m.signature)) return;
  echoed.add(key);
  if (echoed.size > MAX_ECHOED) echoed.delete(echoed.values().next().value!);
  const signature = signVote(ctx.keyPair, m.t, ctx.chainId, view, m.seq, m.digest);
  const message: PbftMessage =
    m.t === 'checkpoint' ? { t: 'checkpoint', seq: m.seq, digest: m.digest, signature } : { t: m.t, view, seq: m.seq, digest: m.digest, signature };
  out.push({ kind: 'send', to: input.from, message });
}

export function equivocatingEngine(ctx: EngineContext<PbftParams>): Engine<PbftMessage> {
  const inner = new PbftEngine(ctx);
  const { lower, upper } = halves(ctx);
  const rules: ChainRules = { chainId: ctx.chainId, blockReward: 0n, maxTxsPerBlock: ctx.params.maxTxsPerBlock };
  const echoed = new Set<string>();

  function twinOf(block: Block): Block | null {
    const parentState = inner.stateOf(toHex(block.header.parents[0]!));
    if (parentState === undefined) return null;
    const h = block.header;
    return proposeBlock(parentState, { height: h.height, parents: h.parents, timestamp: h.timestamp + 1, proposer: h.proposer, txs: [], consensus: h.consensus }, rules).block;
  }

  function rewrite(e: Out, out: Out[]): void {
    if (e.kind !== 'broadcast') {
      out.push(e);
      return;
    }
    const m = e.message;
    if (VOTES.has(m.t)) return; // echo voting only
    if (m.t !== 'pre-prepare') {
      out.push(e);
      return;
    }
    const twin = twinOf(m.block);
    if (twin === null) {
      out.push(e);
      return;
    }
    const signature = signVote(ctx.keyPair, 'pre-prepare', ctx.chainId, m.view, m.seq, blockHash(twin));
    for (const to of lower) out.push({ kind: 'send', to, message: m });
    for (const to of upper) out.push({ kind: 'send', to, message: { t: 'pre-prepare', view: m.view, seq: m.seq, block: twin, signature } });
  }

  return {
    handle(input: EngineInput<PbftMessage>): readonly Out[] {
      const out: Out[] = [];
      for (const e of inner.handle(input)) rewrite(e, out);
      echo(ctx, inner, echoed, input, out);
      return out;
    },
    status: () => inner.status(),
    finalizedState: () => inner.finalizedState(),
  };
}

export function doubleVotingEngine(ctx: EngineContext<PbftParams>): Engine<PbftMessage> {
  // Amnesia: whatever it persisted before a crash is ignored.
  const inner = new PbftEngine({ ...ctx, restored: new Map() });
  const echoed = new Set<string>();
  return {
    handle(input: EngineInput<PbftMessage>): readonly Out[] {
      const out: Out[] = [...inner.handle(input)];
      echo(ctx, inner, echoed, input, out);
      return out;
    },
    status: () => inner.status(),
    finalizedState: () => inner.finalizedState(),
  };
}
