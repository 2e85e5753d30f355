/**
 * Generic message attacks (no engine implements them), played by Byzantine nodes through the
 * simulator's MessageTamper hook, on every copy they send, per recipient:
 *   withhold  the copy reaches only the nodes in `reach` (selective withholding; an empty
 *             reach withholds everything but keeps the node's engine running and voting);
 *   replay    with probability p the copy is replaced by an older message of the run (any
 *             Byzantine node's; a ring of the last 256), e.g. an old vote or proposal;
 *   corrupt   with probability p one byte of the encoding flips; if the bytes still decode
 *             the recipient gets that (semantically invalid) message, otherwise nothing (the
 *             runtime drops undecodable bytes before the engine, as the simulator models);
 *   oversize  with probability p the encoding grows by `bytes` of junk, same rule;
 *   flood     `copies` more copies follow each message, each a corrupted or replayed variant
 *             (a Sybil-style flood of distinct-looking messages; see RELIABILITY.md for why
 *             senders that are not validators cannot be expressed in the simulator).
 * All randomness comes from the tamper stream the simulator hands in (ctx.rng): deterministic.
 */
import type { MessageTamper, TamperContext } from '../adversary.js';
import type { AttackSpec } from './case.js';

export interface TamperCodec {
  readonly encode: (message: unknown) => Uint8Array;
  readonly decode: (bytes: Uint8Array) => unknown;
}

/** Counters of what the attacks did (for the verdict). */
export interface AttackCounters {
  withheld: number;
  replayed: number;
  corrupted: number;
  corruptRefused: number;
  oversized: number;
  oversizeRefused: number;
  flooded: number;
}

export const HISTORY = 256;

export function newCounters(): AttackCounters {
  return { withheld: 0, replayed: 0, corrupted: 0, corruptRefused: 0, oversized: 0, oversizeRefused: 0, flooded: 0 };
}

function tryDecode(codec: TamperCodec, bytes: Uint8Array): { ok: true; message: unknown } | { ok: false } {
  try {
    return { ok: true, message: codec.decode(bytes) };
  } catch {
    return { ok: false };
  }
}

function flipByte(codec: TamperCodec, ctx: TamperContext, message: unknown): unknown {
  const bytes = codec.encode(message).slice();
  if (bytes.length === 0) return null;
  const i = ctx.rng.nextInt(bytes.length);
  bytes[i] = bytes[i]! ^ (1 + ctx.rng.nextInt(255));
  const d = tryDecode(codec, bytes);
  return d.ok ? d.message : null;
}

function grow(codec: TamperCodec, ctx: TamperContext, message: unknown, extra: number): unknown {
  const bytes = codec.encode(message);
  const big = new Uint8Array(bytes.length + extra);
  big.set(bytes, 0);
  for (let i = bytes.length; i < big.length; i += 4) {
    const w = ctx.rng.nextU32();
    big[i] = w & 0xff;
    if (i + 1 < big.length) big[i + 1] = (w >>> 8) & 0xff;
    if (i + 2 < big.length) big[i + 2] = (w >>> 16) & 0xff;
    if (i + 3 < big.length) big[i + 3] = w >>> 24;
  }
  const d = tryDecode(codec, big);
  return d.ok ? d.message : null;
}

/** The tamper hook for `attacks`, or undefined when there are none. */
export function makeTamper(attacks: readonly AttackSpec[], codec: TamperCodec, counters: AttackCounters = newCounters()): MessageTamper | undefined {
  if (attacks.length === 0) return undefined;
  let reach: Set<number> | null = null;
  let replayP = 0;
  let corruptP = 0;
  let oversizeP = 0;
  let oversizeBytes = 0;
  let floodCopies = 0;
  for (const a of attacks) {
    if (a.kind === 'withhold') reach = new Set(a.reach);
    else if (a.kind === 'replay') replayP = a.p;
    else if (a.kind === 'corrupt') corruptP = a.p;
    else if (a.kind === 'oversize') {
      oversizeP = a.p;
      oversizeBytes = a.bytes;
    } else floodCopies = a.copies;
  }
  const history: unknown[] = [];
  let next = 0;
  const remember = (m: unknown): void => {
    if (history.length < HISTORY) history.push(m);
    else history[next] = m;
    next = (next + 1) % HISTORY;
  };
  return (ctx, message) => {
    if (reach !== null && !reach.has(ctx.to)) {
      counters.withheld++;
      return null;
    }
    let out: unknown = message;
    if (replayP > 0 && history.length > 0 && ctx.rng.nextBool(replayP)) {
      out = history[ctx.rng.nextInt(history.length)];
      counters.replayed++;
    }
    remember(message);
    if (out !== null && corruptP > 0 && ctx.rng.nextBool(corruptP)) {
      out = flipByte(codec, ctx, out);
      if (out === null) counters.corruptRefused++;
      else counters.corrupted++;
    }
    if (out !== null && oversizeP > 0 && ctx.rng.nextBool(oversizeP)) {
      out = grow(codec, ctx, out, oversizeBytes);
      if (out === null) counters.oversizeRefused++;
      else counters.oversized++;
    }
    for (let k = 0; k < floodCopies; k++) {
      const variant = k % 2 === 0 || history.length === 0 ? flipByte(codec, ctx, message) : history[ctx.rng.nextInt(history.length)];
      if (variant !== null) {
        ctx.also(variant);
        counters.flooded++;
      }
    }
    return out;
  };
}
