/**
 * The engine through its sans-I/O contract: bad blocks are penalised and change nothing; fork
 * choice by most work with reorgs and state rollback; orphans; finality at k confirmations with
 * the supply invariant; restart from persisted records; phase gossip; mining jobs.
 */
import { describe, expect, it } from 'vitest';
import { f64be, toHex } from '../../../src/core/index.js';
import { devKeyPair, headerHash, makeBlock, makeHeader } from '../../../src/ledger/index.js';
import type { Block } from '../../../src/ledger/index.js';
import { CoherenceEngine, blockMessage, coherenceDefinition, mine, readSeal, replay, sealPreimage, seedFor, sharedKernel } from '../../../src/engines/coherence/index.js';
import type { ChainEntry, CoherenceMessage, MiningJob, MiningResult } from '../../../src/engines/coherence/index.js';
import type { Effect } from '../../../src/protocol/index.js';
import { contextFor, genesisOf, mineOn, testParams, transfer } from './helpers.js';

type Out = readonly Effect<CoherenceMessage, MiningJob>[];

const p = testParams({ confirmations: 3, relayFanout: 2 });
const genesis = genesisOf(p);
const NOW = 10_000_000;

function node(self = 0, n = 4, params = p, restored: ReadonlyMap<string, Uint8Array> = new Map()): { engine: CoherenceEngine; start: Out } {
  const engine = new CoherenceEngine(contextFor(self, n, params, restored));
  return { engine, start: engine.handle({ kind: 'start', now: NOW }) };
}

function deliver(engine: CoherenceEngine, block: Block, from = 1, now = NOW): Out {
  return engine.handle({ kind: 'message', now, from, message: blockMessage(block) });
}

function chain(parent: ChainEntry, length: number, proposer: number, txs: Block['txs'][] = []): ChainEntry[] {
  const out: ChainEntry[] = [];
  let cur = parent;
  for (let i = 0; i < length; i++) {
    cur = mineOn(cur, p, { proposer, txs: txs[i] ?? [] }).entry;
    out.push(cur);
  }
  return out;
}

const penalties = (out: Out) => out.filter((e) => e.kind === 'penalize').map((e) => (e.kind === 'penalize' ? e.code : ''));

describe('mining jobs', () => {
  it('start emits a job on the genesis head; its result becomes the new head and is broadcast', () => {
    const { engine, start } = node();
    const job = start.find((e) => e.kind === 'job');
    expect(job?.kind).toBe('job');
    if (job?.kind !== 'job') return;
    expect(job.job.template.height).toBe(1);
    const result: MiningResult = mine({ ...job.job, maxAttempts: 100_000 });
    const out = engine.handle({ kind: 'job-done', now: NOW + 5, jobId: job.jobId, result });
    expect(engine.headEntry().height).toBe(1);
    expect(out.some((e) => e.kind === 'broadcast' && e.message.t === 'block')).toBe(true);
    expect(out.some((e) => e.kind === 'job')).toBe(true); // mining continues on the new head
  });

  it('the simulator shortcut returns a valid block whose timestamp is start + the drawn time', () => {
    const { start } = node();
    const job = start.find((e) => e.kind === 'job');
    if (job?.kind !== 'job') throw new Error('no job');
    const sim = coherenceDefinition.jobs!.simulate!(job.job, 1, contextFor(0, 1, p).rng);
    expect(sim.durationMs).toBeGreaterThan(0);
    const header = sim.result.header!;
    expect(header.timestamp).toBe(job.job.template.timestamp + Math.floor(sim.durationMs));
    const fresh = node(1).engine;
    const out = deliver(fresh, makeBlock(header, []), 0, header.timestamp);
    expect(penalties(out)).toEqual([]);
    expect(fresh.headEntry().hashHex).toBe(toHex(headerHash(header)));
    expect(fresh.headEntry().height).toBe(1);
  });

  it('a hash-power-0 miner never finishes; a doubled hash power halves the mean simulated time', () => {
    const { start } = node();
    const job = start.find((e) => e.kind === 'job');
    if (job?.kind !== 'job') throw new Error('no job');
    const rng = contextFor(0, 1, p).rng;
    expect(coherenceDefinition.jobs!.simulate!(job.job, 0, rng).durationMs).toBeGreaterThan(1e12);
    const mean = (h: number) => {
      let s = 0;
      for (let i = 0; i < 2000; i++) s += coherenceDefinition.jobs!.simulate!(job.job, h, rng).durationMs;
      return s / 2000;
    };
    const ratio = mean(1) / mean(2);
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });
});

describe('bad input: typed rejection, peer penalised, chain unchanged', () => {
  const good = mineOn(genesis, p, { timestamp: NOW - 1000 }).block;
  const seal = readSeal(good.header.consensus);
  const tamper = (change: Record<string, unknown>): Block =>
    makeBlock(makeHeader({ ...good.header, consensus: { ...good.header.consensus, ...change } as Block['header']['consensus'] }), good.txs);
  const rBits = new DataView(new ArrayBuffer(8));
  rBits.setFloat64(0, seal.r);
  rBits.setUint32(4, rBits.getUint32(4) ^ 1);
  const cases: readonly [string, Block][] = [
    ['COHERENCE_T_NOT_FIRST', tamper({ t: seal.t + 1 })],
    ['COHERENCE_BAD_T', tamper({ t: seal.t - 1 })],
    ['COHERENCE_BAD_R', tamper({ r: f64be(rBits.getFloat64(0)) })],
    ['COHERENCE_BAD_DIGEST', tamper({ digest: new Uint8Array(32) })],
    ['COHERENCE_BAD_TARGET', tamper({ target: new Uint8Array(32).fill(0x0f) })],
    ['COHERENCE_TIME_TOO_OLD', mineOn(genesis, p, { timestamp: 0 }).block],
    ['COHERENCE_TIME_TOO_FAR', mineOn(genesis, p, { timestamp: NOW + p.maxFutureMs + 1 }).block],
    ['COHERENCE_MALFORMED', tamper({ extra: 0 })],
  ];
  for (const [codeName, block] of cases) {
    it(`${codeName}`, () => {
      const { engine } = node();
      const chainView = () => {
        const st = engine.status();
        return { finalized: st.finalized, height: st.height, stateRoot: st.stateRoot, head: engine.headEntry().hashHex, tree: st.telemetry['treeBlocks'] };
      };
      const before = chainView();
      const out = deliver(engine, block, 2);
      expect(penalties(out)).toEqual([codeName]);
      const pen = out.find((e) => e.kind === 'penalize');
      expect(pen?.kind === 'penalize' && pen.peer).toBe(2);
      expect(chainView()).toEqual(before);
      expect(engine.status().telemetry['rejected']).toBe(1);
      // The good block is still accepted afterwards.
      expect(penalties(deliver(engine, good, 3))).toEqual([]);
      expect(engine.headEntry().height).toBe(1);
    });
  }

  it('COHERENCE_BODY_TOO_LARGE: a block above the chain maxBlockBytes', () => {
    const small = testParams({ confirmations: 3, maxBlockBytes: 1024 });
    const big = mineOn(genesisOf(small), small, { txs: Array.from({ length: 8 }, (_, i) => transfer(i, i + 1, 0)), timestamp: NOW - 1000 }).block;
    const { engine } = node(0, 4, small);
    expect(penalties(deliver(engine, big, 1))).toEqual(['COHERENCE_BODY_TOO_LARGE']);
    expect(engine.headEntry().height).toBe(0);
  });

  it('a duplicate block is ignored without a penalty', () => {
    const { engine } = node();
    deliver(engine, good, 1);
    expect(penalties(deliver(engine, good, 2))).toEqual([]);
    expect(engine.headEntry().height).toBe(1);
  });
});

describe('fork choice, reorgs and state rollback', () => {
  it('switches to the branch with more work; balances equal a fresh apply of the winning chain', () => {
    const a = chain(genesis, 2, 1, [[transfer(0, 5, 0, 100n)]]);
    const b = chain(genesis, 3, 2, [[transfer(1, 6, 0, 7n)]]);
    const { engine } = node(0);
    for (const e of a) deliver(engine, e.block!);
    expect(engine.headEntry().hashHex).toBe(a[1]!.hashHex);
    expect(engine.headEntry().state.balanceOf(devKeyPair(5).publicKey)).toBe(1_000_100n);
    const out: Effect<CoherenceMessage, MiningJob>[] = [];
    for (const e of b) out.push(...deliver(engine, e.block!));
    const head = engine.headEntry();
    expect(head.hashHex).toBe(b[2]!.hashHex);
    // The state is the winning chain's, computed by a fresh apply in mineOn (proposeBlock).
    expect(toHex(head.state.root)).toBe(toHex(b[2]!.state.root));
    expect(head.state.balanceOf(devKeyPair(5).publicKey)).toBe(1_000_000n);
    expect(head.state.balanceOf(devKeyPair(6).publicKey)).toBe(1_000_007n);
    expect(head.state.balanceOf(devKeyPair(1001).publicKey)).toBe(0n);
    expect(head.state.balanceOf(devKeyPair(1002).publicKey)).toBe(3n * p.blockReward);
    expect(out.some((e) => e.kind === 'metric' && e.name === 'reorg_depth' && e.value === 2)).toBe(true);
    // The transfer of the abandoned branch is back in the mempool: the next job includes it.
    expect(engine.status().telemetry['mempool']).toBe(1);
    const job = [...out].reverse().find((e) => e.kind === 'job');
    expect(job?.kind === 'job' && job.job.template.txRoot).not.toEqual(b[2]!.block!.header.txRoot);
  });

  it('equal work: the block seen first stays the head', () => {
    const x = chain(genesis, 1, 1)[0]!;
    const y = chain(genesis, 1, 2)[0]!;
    const { engine } = node(0);
    deliver(engine, x.block!);
    deliver(engine, y.block!);
    expect(engine.headEntry().hashHex).toBe(x.hashHex);
  });
});

describe('orphans', () => {
  it('a child before its parent: the parent is requested from the sender, then both connect', () => {
    const [b1, b2] = chain(genesis, 2, 1);
    const { engine } = node(0);
    const out = deliver(engine, b2!.block!, 3);
    expect(out.find((e) => e.kind === 'send')).toEqual({ kind: 'send', to: 3, message: { t: 'get-block', hash: b1!.hash } });
    expect(engine.status().telemetry['orphans']).toBe(1);
    deliver(engine, b1!.block!, 3);
    expect(engine.headEntry().hashHex).toBe(b2!.hashHex);
    expect(engine.status().telemetry['orphans']).toBe(0);
  });

  it('the pool holds orphanPoolMax blocks; one more is refused without a penalty', () => {
    const small = testParams({ confirmations: 3, orphanPoolMax: 2 });
    const tips = [1, 2, 3].map((proposer) => chain(genesis, 2, proposer)[1]!);
    const { engine } = node(0, 4, small);
    // From three different peers: each within its own share (one of the two places).
    const outs = tips.map((t, i) => deliver(engine, t.block!, 1 + i));
    expect(outs.map((o) => o.filter((e) => e.kind === 'send' && e.message.t === 'get-block').length)).toEqual([1, 1, 0]);
    expect(outs[2]!.some((e) => e.kind === 'metric' && e.name === 'orphans_refused')).toBe(true);
    expect(penalties(outs[2]!)).toEqual([]);
    expect(engine.status().telemetry['orphans']).toBe(2);
  });

  it('one sender holds at most orphanPoolMax / 8 orphans (N), the next is refused without a penalty (N + 1); others still get in', () => {
    const params = testParams({ confirmations: 3, orphanPoolMax: 16 });
    const tips = [1, 2, 3, 1].map((proposer, i) => chain(genesis, 2 + i, proposer)[1 + i]!);
    const { engine } = node(0, 4, params);
    const fromOne = tips.slice(0, 3).map((t) => deliver(engine, t.block!, 1));
    expect(fromOne.map((o) => o.some((e) => e.kind === 'metric' && e.name === 'orphans_refused'))).toEqual([false, false, true]);
    expect(penalties(fromOne[2]!)).toEqual([]);
    expect(engine.status().telemetry['orphans']).toBe(2);
    deliver(engine, tips[3]!.block!, 2);
    expect(engine.status().telemetry['orphans']).toBe(3);
  });

  it('answers get-block for blocks it holds', () => {
    const [b1] = chain(genesis, 1, 1);
    const { engine } = node(0);
    deliver(engine, b1!.block!);
    const out = engine.handle({ kind: 'message', now: NOW, from: 2, message: { t: 'get-block', hash: b1!.hash } });
    expect(out).toEqual([{ kind: 'send', to: 2, message: blockMessage(b1!.block!) }]);
  });
});

describe('finality at k confirmations, persistence and restart', () => {
  it('finalizes the block k deep with supply and minted, persists it, and a restart continues the log', () => {
    const blocks = chain(genesis, 5, 1, [[transfer(0, 1, 0)]]);
    const { engine } = node(0);
    const out: Effect<CoherenceMessage, MiningJob>[] = [];
    for (const e of blocks) out.push(...deliver(engine, e.block!));
    const fin = out.filter((e) => e.kind === 'finalize').map((e) => (e.kind === 'finalize' ? e.entry : null))!;
    expect(fin.map((e) => e!.slot)).toEqual(['h:1', 'h:2']);
    expect(fin[0]).toMatchObject({ seq: 0, value: blocks[0]!.hashHex, height: 1, minted: p.blockReward, supply: genesis.state.supply + p.blockReward });
    expect(fin[0]!.txIds.length).toBe(1);
    expect(fin[1]).toMatchObject({ seq: 1, minted: 2n * p.blockReward });
    // Restart from the durable records.
    const records = new Map<string, Uint8Array>();
    for (const e of out) if (e.kind === 'persist' && e.value !== null) records.set(e.key, e.value);
    expect([...records.keys()].filter((k) => k.startsWith('final/'))).toEqual(['final/1', 'final/2']);
    const again = node(0, 4, p, records).engine;
    expect(again.status().finalized).toBe(2);
    expect(toHex(again.finalizedState().root)).toBe(toHex(blocks[1]!.state.root));
    const more = [...blocks.slice(2), ...chain(blocks[4]!, 2, 1)];
    const out2: Effect<CoherenceMessage, MiningJob>[] = [];
    for (const e of more) out2.push(...deliver(again, e.block!));
    const fin2 = out2.filter((e) => e.kind === 'finalize').map((e) => (e.kind === 'finalize' ? e.entry.seq : -1));
    expect(fin2).toEqual([2, 3]);
  });

  it('a block forking below the finalized block is never adopted (and not penalised)', () => {
    const main = chain(genesis, 5, 1);
    const side = chain(genesis, 1, 2)[0]!;
    const { engine } = node(0);
    for (const e of main) deliver(engine, e.block!);
    const out = deliver(engine, side.block!, 3);
    expect(penalties(out)).toEqual([]);
    expect(engine.headEntry().hashHex).toBe(main[4]!.hashHex);
  });

  it('acknowledges a client transfer only through a synced persist, and gossips it', () => {
    const { engine } = node(0);
    const tx = transfer(0, 1, 0);
    const out = engine.handle({ kind: 'transaction', now: NOW, tx });
    const persist = out.find((e) => e.kind === 'persist');
    expect(persist).toMatchObject({ kind: 'persist', sync: true });
    expect(persist?.kind === 'persist' && persist.ack?.length).toBe(1);
    expect(out.some((e) => e.kind === 'broadcast' && e.message.t === 'tx')).toBe(true);
  });
});

describe('phase gossip', () => {
  it('caches verified phases; refuses and penalises tampered ones', () => {
    const [b1] = chain(genesis, 1, 1);
    const { engine } = node(0);
    deliver(engine, b1!.block!);
    const seal = readSeal(b1!.block!.header.consensus);
    const k = sharedKernel(63);
    k.run(seedFor(sealPreimage(b1!.block!.header), seal.nonce), seal.t);
    const phases = Float64Array.from(k.phases);
    const bad = Float64Array.from(phases);
    bad[0] = bad[0]! === 0 ? 1e-3 : bad[0]! / 2;
    const out1 = engine.handle({ kind: 'message', now: NOW, from: 2, message: { t: 'phases', hash: b1!.hash, phases: bad } });
    expect(penalties(out1)).toEqual(['COHERENCE_BAD_PHASES']);
    expect(engine.cachedPhases(b1!.hashHex)).toBeUndefined();
    const out2 = engine.handle({ kind: 'message', now: NOW, from: 2, message: { t: 'phases', hash: b1!.hash, phases } });
    expect(penalties(out2)).toEqual([]);
    expect(engine.cachedPhases(b1!.hashHex)).toEqual(phases);
    expect(replay(seedFor(sealPreimage(b1!.block!.header), seal.nonce), 63, seal.t).digest).toEqual(seal.digest);
  });
});
