/**
 * Byzantine behaviours of the negentropy engine (the simulator runs them for the nodes it marks
 * Byzantine; 'silent' is the simulator's own). Each wraps an honest engine, so the attacker
 * sees what an honest node sees, and replaces what it answers to polls:
 *
 *   split-world     on a conflict set with two or more candidates, answers every querier with
 *                   the value that querier already prefers (the query names it): each honest
 *                   node is told that the network agrees with it. This is the attack that
 *                   sends different answers to different honest nodes. Uncontested sets are
 *                   answered honestly.
 *   flip            always answers the minority value: on a contested set the candidate with
 *                   the lowest Q in its own estimate, on an uncontested one "unknown" (a
 *                   missing answer, which also stalls uncontested decisions).
 *   sample-poison   answers honestly until it matters, to earn the maximum reliability weight
 *                   (weights.ts: weightCap), then on contested sets answers the value opposite
 *                   to the querier's preference.
 *
 * Conflicts: an attack needs conflict sets. Every behaviour also plays a double-spending
 * client: every attackIntervalMs it signs two different transfers with the same sender and
 * nonce from an accomplice client account and sends a vertex with one of them to the lower half
 * of the other validators and a vertex with the other to the upper half, so honest nodes start
 * split about 50/50. (Dev keys are public test keys, so the simulated attacker can sign for a
 * client account: this models a client colluding with the Byzantine validators.) The
 * accomplice account is client account (accounts - 1 - self mod accounts); its next double
 * spend waits until the previous pair's conflict set is decided at the attacker.
 */
import { toHex } from '../../core/index.js';
import type { KeyPair } from '../../core/index.js';
import { devKeyPair, signTransfer, transferIdHex } from '../../ledger/index.js';
import type { Transfer } from '../../ledger/index.js';
import type { Effect, Engine, EngineContext, EngineInput, NodeIndex } from '../../protocol/index.js';
import { NegentropyEngine } from './engine.js';
import { KEY_BYTES, SLOT_DIGEST_BYTES, VALUE_PREFIX_BYTES, bitmap, setBit } from './messages.js';
import type { NegMessage, OtherAnswer } from './messages.js';
import type { NegentropyParams } from './params.js';
import { csSlot, sameBytes, slotDigest } from './slots.js';
import { buildVertex } from './vertex.js';
import { fromHex } from '../../core/index.js';

type Out = Effect<NegMessage>;
export type Behaviour = 'split-world' | 'flip' | 'sample-poison';

export const ATTACK_TIMER = 'attack';
/** Client accounts searched for the accomplice's key (dev keys 0 .. this - 1). */
export const MAX_ACCOMPLICE_SEARCH = 4096;

/** The accomplice client account's key pair, or null when the genesis has no dev account. */
function accomplice(ctx: EngineContext<NegentropyParams>): KeyPair | null {
  const count = Math.min(ctx.genesis.accountCount, MAX_ACCOMPLICE_SEARCH);
  if (count === 0) return null;
  const kp = devKeyPair(count - 1 - (ctx.self % count));
  return ctx.genesis.balanceOf(kp.publicKey) > 1n ? kp : null;
}

export function byzantineEngine(ctx: EngineContext<NegentropyParams>, behaviour: Behaviour): Engine<NegMessage> {
  const inner = new NegentropyEngine(ctx);
  const n = ctx.validators.length;
  const others = ctx.validators.map((_, i) => i).filter((i) => i !== ctx.self);
  const cut = Math.ceil(others.length / 2);
  const lower = others.slice(0, cut);
  const upper = others.slice(cut);
  const accomplice_ = accomplice(ctx);
  const rng = ctx.rng.derive('negentropy/adversary');
  let nextNonce = -1;

  function answer(keys: Uint8Array, at: number): Uint8Array | null | 'same' {
    const sent = keys.subarray(at + SLOT_DIGEST_BYTES, at + KEY_BYTES);
    const view = inner.slotView(keys, at);
    const contested = view !== undefined && view.prefixes.length >= 2;
    const honest = (): Uint8Array | null => {
      const v = view?.decided ?? view?.preference ?? null;
      return v === null ? null : fromHex(v.slice(0, 2 * VALUE_PREFIX_BYTES));
    };
    switch (behaviour) {
      case 'split-world':
        return contested ? 'same' : honest();
      case 'flip': {
        if (!contested) return null;
        let min = 0;
        view.estimate.forEach((q, i) => {
          if (q < view.estimate[min]!) min = i;
        });
        return fromHex(view.prefixes[min]!);
      }
      case 'sample-poison': {
        if (!contested) return honest();
        const opposite = view.prefixes.find((p) => !sameBytes(fromHex(p), 0, sent));
        return opposite === undefined ? honest() : fromHex(opposite);
      }
    }
  }

  function reply(from: NodeIndex, poll: number, keys: Uint8Array, out: Out[]): void {
    const m = keys.length / KEY_BYTES;
    const agree = bitmap(m);
    const unknown = bitmap(m);
    const other: OtherAnswer[] = [];
    for (let i = 0; i < m; i++) {
      const at = i * KEY_BYTES;
      const a = answer(keys, at);
      if (a === 'same') setBit(agree, i);
      else if (a === null) setBit(unknown, i);
      else if (sameBytes(keys, at + SLOT_DIGEST_BYTES, a)) setBit(agree, i);
      else other.push({ index: i, value: a });
    }
    out.push({ kind: 'send', to: from, message: { t: 'reply', poll, agree, unknown, other, sb: inner.latestSuperBlock().index } });
  }

  function doubleSpend(now: number, out: Out[]): void {
    if (accomplice_ === null) return;
    const state = inner.finalizedState();
    const executed = state.nonceOf(accomplice_.publicKey);
    if (nextNonce < executed) nextNonce = executed;
    if (nextNonce > executed) {
      // Wait until the previous pair is decided here.
      const prev = inner.slotView(slotDigest(csSlot(accomplice_.publicKey, nextNonce - 1)));
      if (prev !== undefined && prev.decided === null) return;
    }
    const count = Math.min(ctx.genesis.accountCount, MAX_ACCOMPLICE_SEARCH);
    const payees = [rng.nextInt(count), rng.nextInt(count)].map((j) => devKeyPair(j).publicKey);
    const txs: Transfer[] = payees.map((to, j) =>
      signTransfer(accomplice_, { chainId: ctx.chainId, to: toHex(to) === toHex(accomplice_.publicKey) ? devKeyPair((j + 1) % count).publicKey : to, amount: BigInt(1 + j), nonce: nextNonce }),
    );
    if (transferIdHex(txs[0]!) === transferIdHex(txs[1]!)) return;
    // The smaller id goes to the lower half (any attacker uses the same rule).
    txs.sort((a, b) => (transferIdHex(a) < transferIdHex(b) ? -1 : 1));
    const place = inner.vertexPlace();
    const vertices = txs.map((tx) =>
      buildVertex(ctx.keyPair, {
        chainId: ctx.chainId,
        parents: place.parents,
        height: place.height,
        timestamp: Math.max(0, Math.floor(now)),
        superBlock: place.superBlock,
        superBlockRoot: place.root,
        txs: [tx],
      }),
    );
    for (const to of lower) out.push({ kind: 'send', to, message: { t: 'vertex', block: vertices[0]! } });
    for (const to of upper) out.push({ kind: 'send', to, message: { t: 'vertex', block: vertices[1]! } });
    // The attacker's own engine knows both candidates (so its views see the conflict).
    for (const e of inner.handle({ kind: 'message', now, from: ctx.self, message: { t: 'txs', txs } })) if (e.kind !== 'send' && e.kind !== 'broadcast') out.push(e);
    nextNonce++;
  }

  return {
    handle(input: EngineInput<NegMessage>): readonly Out[] {
      const out: Out[] = [];
      if (input.kind === 'message' && input.message.t === 'query') {
        reply(input.from, input.message.poll, input.message.keys, out);
        return out;
      }
      if (input.kind === 'timer' && input.timer === ATTACK_TIMER) {
        doubleSpend(input.now, out);
        out.push({ kind: 'set-timer', timer: ATTACK_TIMER, at: input.now + ctx.params.attackIntervalMs });
        return out;
      }
      for (const e of inner.handle(input)) out.push(e);
      if (input.kind === 'start' && ctx.params.attackIntervalMs > 0 && n > 2) {
        out.push({ kind: 'set-timer', timer: ATTACK_TIMER, at: input.now + ctx.params.attackIntervalMs });
      }
      return out;
    },
    status: () => inner.status(),
    finalizedState: () => inner.finalizedState(),
  };
}

export const ADVERSARIES = Object.freeze({
  'split-world': (ctx: EngineContext<NegentropyParams>) => byzantineEngine(ctx, 'split-world'),
  flip: (ctx: EngineContext<NegentropyParams>) => byzantineEngine(ctx, 'flip'),
  'sample-poison': (ctx: EngineContext<NegentropyParams>) => byzantineEngine(ctx, 'sample-poison'),
});
