/**
 * The reference engine's Byzantine behaviour 'equivocate': runs the honest engine and rewrites
 * what it sends. The other validators are split into two halves (by index: the lower half
 * and the upper half).
 *  - As the leader: every proposal goes out as two different valid blocks for the same height
 *    (the real one to the lower half; a twin with no transfers and timestamp + 1 to the upper
 *    half), and the leader votes for each block in front of the half that received it.
 *  - As a replica: its vote goes to the lower half; the upper half gets a signed vote for the
 *    twin of the block it voted for (the twin is a deterministic function of the real block and
 *    the finalized state, so colluding Byzantine nodes compute the same one without talking),
 *    or for a garbage hash when it has not seen the block.
 * Within the fault bound (at most f Byzantine) the honest engine stays safe: neither block can
 * gather a quorum of honest-plus-Byzantine votes in both halves. Beyond it (for example the
 * leader and one replica of n = 4, when the honest nodes straddle the halves) both blocks reach
 * a quorum and the agreement checker must fire; with 'reference-broken' a lone equivocating
 * leader is enough. Both are the simulator's control runs.
 */
import { toHex } from '../../core/index.js';
import { blockHash, proposeBlock } from '../../ledger/index.js';
import type { Block, ChainRules } from '../../ledger/index.js';
import type { Effect, Engine, EngineContext, EngineInput } from '../../protocol/index.js';
import { ReferenceEngine } from './engine.js';
import type { ReferenceMode } from './engine.js';
import type { RefMessage } from './messages.js';
import { signVote } from './messages.js';
import type { ReferenceParams } from './params.js';

type Out = Effect<RefMessage>;

export function equivocatingEngine(ctx: EngineContext<ReferenceParams>, mode: ReferenceMode): Engine<RefMessage> {
  const inner = new ReferenceEngine(ctx, mode);
  const rules: ChainRules = { chainId: ctx.chainId, blockReward: BigInt(ctx.params.blockReward), maxTxsPerBlock: ctx.params.maxTxsPerBlock };
  const others = ctx.validators.map((_, i) => i).filter((i) => i !== ctx.self);
  const cut = Math.ceil(others.length / 2);
  const lower = others.slice(0, cut);
  const upper = others.slice(cut);
  /** Per height: the twin block the upper half sees. Bounded: only the latest few heights. */
  const twins = new Map<number, { readonly real: string; readonly twin: Block }>();
  /** Per height: the block this node proposed or received (what its vote is for). Bounded. */
  const seen = new Map<number, Block>();

  function remember(block: Block): void {
    const h = block.header.height;
    if (!seen.has(h)) seen.set(h, block);
    seen.delete(h - 16);
  }

  /** The state the current input started from (the broken variant finalizes inside `handle`). */
  let parentState = inner.finalizedState();
  let parentHeight = inner.status().height;

  function twinOf(block: Block): Block {
    const h = block.header.height;
    const realHex = toHex(blockHash(block));
    const known = twins.get(h);
    if (known !== undefined && known.real === realHex) return known.twin;
    const twin = proposeBlock(
      h === parentHeight + 1 ? parentState : inner.finalizedState(),
      { height: h, parents: block.header.parents, timestamp: block.header.timestamp + 1, proposer: block.header.proposer, txs: [] },
      rules,
    ).block;
    twins.set(h, { real: realHex, twin });
    twins.delete(h - 16);
    return twin;
  }

  function rewrite(e: Out, out: Out[]): void {
    if (e.kind !== 'broadcast') {
      out.push(e);
      return;
    }
    const m = e.message;
    if (m.t === 'proposal') {
      remember(m.block);
      const twin = twinOf(m.block);
      for (const to of lower) out.push({ kind: 'send', to, message: m });
      for (const to of upper) out.push({ kind: 'send', to, message: { t: 'proposal', block: twin } });
      return;
    }
    if (m.t === 'vote') {
      // The other half hears a vote for the twin of the block voted for (see the header).
      const block = seen.get(m.height);
      const otherHash =
        block !== undefined && toHex(blockHash(block)) === toHex(m.hash)
          ? blockHash(twinOf(block))
          : Uint8Array.from(m.hash, (b, i) => (i === 0 ? b ^ 0xff : b));
      const otherSig = signVote(ctx.keyPair, ctx.chainId, m.height, otherHash);
      for (const to of lower) out.push({ kind: 'send', to, message: m });
      for (const to of upper) out.push({ kind: 'send', to, message: { t: 'vote', height: m.height, hash: otherHash, signature: otherSig } });
      return;
    }
    out.push(e);
  }

  return {
    handle(input: EngineInput<RefMessage>): readonly Out[] {
      if (input.kind === 'message' && input.message.t === 'proposal') remember(input.message.block);
      const out: Out[] = [];
      parentState = inner.finalizedState();
      parentHeight = inner.status().height;
      for (const e of inner.handle(input)) rewrite(e, out);
      return out;
    },
    status: () => inner.status(),
    finalizedState: () => inner.finalizedState(),
  };
}
