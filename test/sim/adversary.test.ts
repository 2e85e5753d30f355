/**
 * Byzantine nodes (silent, the engine's own behaviours, the message tamper hook), undecodable
 * messages, and the reference fixture's wire codec (typed errors on malformed input).
 */
import { describe, expect, it } from 'vitest';
import { Prng, encode } from '../../src/core/index.js';
import { RefError, decodeRefMessage, encodeRefMessage, signVote, verifyVote } from '../../src/engines/reference/index.js';
import { devKeyPair, genesisState, devAllocations, proposeBlock } from '../../src/ledger/index.js';
import { eraseDefinition, maxFaulty } from '../../src/protocol/index.js';
import type { EngineDefinition } from '../../src/protocol/index.js';
import { SimError, chooseByzantine, runScenario } from '../../src/sim/index.js';
import type { MessageTamper, SimResult } from '../../src/sim/index.js';
import { decodeProbe, encodeProbe, gauge, probeDefinition } from './probe.js';
import type { ProbeMessage, ProbeScript } from './probe.js';

/** Every node broadcasts its index at start; receivers record what they got from whom. */
const announce: ProbeScript = (ctx, input) => {
  if (input.kind === 'start') return [{ kind: 'broadcast', message: { seq: ctx.self, pad: 0 } }];
  if (input.kind === 'message') return [{ kind: 'metric', name: `from_${input.from}`, value: input.message.seq }];
  return [];
};

function withAdversary(script: ProbeScript, lying: ProbeScript): EngineDefinition<ProbeMessage, unknown> {
  const base = probeDefinition(script) as unknown as EngineDefinition<ProbeMessage, unknown>;
  return {
    ...base,
    adversaries: {
      liar: (ctx) => ({ handle: (input) => lying(ctx, input), status: () => ({ finalized: 0, height: 0, telemetry: {} }), finalizedState: () => ctx.genesis }),
    },
  };
}

function run(definition: EngineDefinition<ProbeMessage, unknown>, byzantine: readonly number[], behaviour: string, tamper?: MessageTamper): SimResult {
  return runScenario(
    { engine: 'probe', nodes: 4, durationS: 1, drainS: 0, costModel: 'zero', latency: { kind: 'fixed', rttMs: 100, jitterMs: 0 }, load: { tps: 0 }, byzantine: { fraction: 0, nodes: byzantine, behaviour } },
    { resolve: () => eraseDefinition(definition), ...(tamper !== undefined ? { tamper } : {}) },
  );
}

describe('Byzantine behaviours', () => {
  it("'silent' sends nothing and is never judged", () => {
    const r = run(withAdversary(announce, announce), [2], 'silent');
    expect(gauge(r, 'from_2', 0)).toBeNull();
    expect(gauge(r, 'from_1', 0)).toBe(1);
    expect(r.perNode[2]!.msgsOut).toBe(0);
    expect(r.perNode[2]!.honest).toBe(false);
  });

  it("runs the engine definition's named behaviour", () => {
    const liar: ProbeScript = (ctx, input) => (input.kind === 'start' ? [{ kind: 'broadcast', message: { seq: 100 + ctx.self, pad: 0 } }] : []);
    const r = run(withAdversary(announce, liar), [3], 'liar');
    expect(gauge(r, 'from_3', 0)).toBe(103);
  });

  it('refuses a behaviour the engine does not know, naming the known ones', () => {
    expect(() => run(withAdversary(announce, announce), [3], 'teleport')).toThrow(
      expect.objectContaining({ type: { code: 'SIM_UNKNOWN_ADVERSARY', engine: 'probe', behaviour: 'teleport', known: 'silent, liar' } }),
    );
  });

  it('the tamper hook sees each copy a Byzantine node sends, per recipient, and may replace or drop it', () => {
    const r = run(withAdversary(announce, announce), [1], 'liar', (ctx, message) => {
      if (ctx.to === 2) return null; // dropped
      if (ctx.to === 3) return { seq: 42, pad: 0 }; // replaced
      return message;
    });
    expect(gauge(r, 'from_1', 0)).toBe(1);
    expect(gauge(r, 'from_1', 2)).toBeNull();
    expect(gauge(r, 'from_1', 3)).toBe(42);
    expect(r.replay).toContain('# plus a programmatic message tamper hook');
  });

  it('chooseByzantine: floor(fraction * n) nodes, reproducible per seed, explicit indices win', () => {
    const a = chooseByzantine(10, 0.33, Prng.fromSeed(1).derive('byzantine'));
    expect(a.filter(Boolean)).toHaveLength(3);
    expect(chooseByzantine(10, 0.33, Prng.fromSeed(1).derive('byzantine'))).toEqual(a);
    expect(chooseByzantine(4, 0.9, Prng.fromSeed(2), [0, 3])).toEqual([true, false, false, true]);
  });
});

describe('undecodable messages', () => {
  it('are dropped and the sender is penalized (SIM_UNDECODABLE_MESSAGE)', () => {
    const definition: EngineDefinition<ProbeMessage, unknown> = {
      ...(probeDefinition(announce) as unknown as EngineDefinition<ProbeMessage, unknown>),
      codec: {
        encode: encodeProbe,
        decode: (bytes) => {
          const m = decodeProbe(bytes);
          if (m.seq === 1) throw new SimError({ code: 'SIM_BAD_CONFIG', field: 'probe', reason: 'seq 1 is not decodable' });
          return m;
        },
      },
      faultBound: maxFaulty,
    };
    const r = run(definition, [], 'silent');
    expect(r.summary.dropped.decode).toBe(1);
    expect(r.penaltiesByCode).toEqual({ SIM_UNDECODABLE_MESSAGE: 1 });
    expect(r.perNode[1]!.penaltiesReceived).toBe(1);
    expect(gauge(r, 'from_1', 0)).toBeNull();
    expect(gauge(r, 'from_2', 0)).toBe(2);
  });
});

describe('reference fixture wire codec', () => {
  const genesis = genesisState(devAllocations(4, 1000n));
  const proposer = devKeyPair(99);
  const block = proposeBlock(genesis, { height: 1, parents: [new Uint8Array(32)], timestamp: 5, proposer: proposer.publicKey, txs: [] }, { chainId: 'thermo-sim', blockReward: 1n }).block;

  it('round-trips every message kind', () => {
    const sig = signVote(proposer, 'thermo-sim', 1, new Uint8Array(32).fill(3));
    expect(verifyVote(proposer.publicKey, 'thermo-sim', 1, new Uint8Array(32).fill(3), sig)).toBe(true);
    expect(verifyVote(proposer.publicKey, 'thermo-sim', 2, new Uint8Array(32).fill(3), sig)).toBe(false);
    const messages = [
      { t: 'proposal', block },
      { t: 'vote', height: 1, hash: new Uint8Array(32).fill(3), signature: sig },
      { t: 'sync-request', fromHeight: 7 },
      { t: 'sync-block', block, cert: [{ voter: 2, signature: sig }] },
    ] as const;
    for (const m of messages) {
      const bytes = encodeRefMessage(m);
      expect(encodeRefMessage(decodeRefMessage(bytes))).toEqual(bytes);
    }
  });

  it('malformed input throws a typed REF_MALFORMED, never anything else', () => {
    const bad = [encode([9, 1]), encode([2, 1, new Uint8Array(31), new Uint8Array(64)]), encode([3]), encode('x'), Uint8Array.of(0xff), encode([1, new Uint8Array(5)])];
    for (const bytes of bad) {
      let caught: unknown;
      try {
        decodeRefMessage(bytes);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RefError);
      expect((caught as RefError).type.code).toBe('REF_MALFORMED');
    }
  });
});
