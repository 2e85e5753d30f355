/**
 * Executor semantics with a fake engine and a store whose writes complete when the test says:
 * acknowledgements and outbound messages only after the durable write, unsynced acks wait for
 * the next synced write, timers replace, queue bounds at N and N+1, engine failures are fatal.
 */
import { describe, expect, it } from 'vitest';
import { devKeyPair, signTransfer, devAddress, transferIdHex, LedgerState } from '../../src/ledger/index.js';
import type { Transfer } from '../../src/ledger/index.js';
import type { Effect, EngineInput, ErasedEngine, FinalizedEntry, MessageCodec } from '../../src/protocol/index.js';
import { ManualClock, MonotonicClock, Runtime, RuntimeError, TimerTable } from '../../src/node/runtime/index.js';
import type { RuntimeHooks, SubmitOutcome } from '../../src/node/runtime/index.js';
import type { StoreBatch } from '../../src/node/store/index.js';

type Msg = string;
const codec: MessageCodec<unknown> = {
  encode: (m) => new TextEncoder().encode(String(m)),
  decode: (b) => new TextDecoder().decode(b),
};

class FakeEngine implements ErasedEngine {
  inputs: EngineInput<unknown, unknown>[] = [];
  script: (input: EngineInput<unknown, unknown>) => Effect<unknown, unknown>[] = () => [];
  handle(input: EngineInput<unknown, unknown>): readonly Effect<unknown, unknown>[] {
    this.inputs.push(input);
    return this.script(input);
  }
  status() {
    return { finalized: 0, height: 0, telemetry: {} };
  }
  finalizedState() {
    return LedgerState.EMPTY;
  }
}

class ControlledStore {
  batches: StoreBatch[] = [];
  private resolvers: (() => void)[] = [];
  write(batch: StoreBatch): Promise<void> {
    this.batches.push(batch);
    return new Promise((resolve) => this.resolvers.push(resolve));
  }
  /** Completes the oldest outstanding write. */
  complete(): void {
    this.resolvers.shift()?.();
  }
  get outstanding(): number {
    return this.resolvers.length;
  }
}

interface Recorded {
  sent: { to: number; msg: Msg }[];
  broadcasts: Msg[];
  finalized: FinalizedEntry[];
  fatal: RuntimeError[];
  penalties: { peer: number; code: string }[];
}

function hooks(): RuntimeHooks & { rec: Recorded } {
  const rec: Recorded = { sent: [], broadcasts: [], finalized: [], fatal: [], penalties: [] };
  return {
    rec,
    send: (to, bytes) => rec.sent.push({ to, msg: new TextDecoder().decode(bytes) }),
    broadcast: (bytes) => rec.broadcasts.push(new TextDecoder().decode(bytes)),
    penalize: (peer, code) => rec.penalties.push({ peer, code }),
    finalized: (e) => rec.finalized.push(e),
    fatal: (e) => rec.fatal.push(e),
  };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tx(nonce: number): Transfer {
  return signTransfer(devKeyPair(0), { chainId: 'test', to: devAddress(1), amount: 1n, nonce });
}

function setup(opts: { pipeline?: boolean; limits?: Record<string, number> } = {}) {
  const engine = new FakeEngine();
  const store = new ControlledStore();
  const h = hooks();
  const rt = new Runtime({ engine, codec, self: 0, store, clock: new ManualClock(1000), hooks: h, pipeline: opts.pipeline, limits: opts.limits });
  return { engine, store, h, rt };
}

describe('runtime executor', () => {
  it('acknowledges a transaction and sends its messages only after the persist is durable', async () => {
    const { engine, store, h, rt } = setup();
    engine.script = (i) => (i.kind === 'transaction' ? [
      { kind: 'persist', key: `tx/${transferIdHex(i.tx)}`, value: new Uint8Array([1]), sync: true, ack: [transferIdHex(i.tx)] },
      { kind: 'broadcast', message: 'fwd' },
    ] : []);
    let outcome: SubmitOutcome | undefined;
    void rt.submit(tx(0)).then((o) => (outcome = o));
    await tick(5);
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]!.accepted).toEqual([transferIdHex(tx(0))]);
    expect(outcome).toBeUndefined();
    expect(h.rec.broadcasts).toEqual([]);
    store.complete();
    await tick(1);
    expect(outcome).toEqual({ kind: 'accepted', txId: transferIdHex(tx(0)) });
    expect(h.rec.broadcasts).toEqual(['fwd']);
  });

  it('holds a later input\'s messages behind an earlier durable write (pipelined)', async () => {
    const { engine, store, h, rt } = setup();
    engine.script = (i) => {
      if (i.kind === 'message' && i.message === 'vote') return [{ kind: 'persist', key: 'v', value: new Uint8Array(1), sync: true }, { kind: 'broadcast', message: 'vote' }];
      if (i.kind === 'message' && i.message === 'again') return [{ kind: 'broadcast', message: 'again' }];
      return [];
    };
    rt.deliver(1, 'vote');
    rt.deliver(1, 'again');
    await tick(5);
    expect(engine.inputs).toHaveLength(2); // pipelined: the second input was handled
    expect(h.rec.broadcasts).toEqual([]); // but nothing left before the write is durable
    store.complete();
    await tick(1);
    expect(h.rec.broadcasts).toEqual(['vote', 'again']);
  });

  it('with pipeline off, does not deliver the next input before the sync write is durable', async () => {
    const { engine, store, rt } = setup({ pipeline: false });
    engine.script = () => [{ kind: 'persist', key: 'k', value: new Uint8Array(1), sync: true }];
    rt.deliver(1, 'a');
    rt.deliver(1, 'b');
    await tick(5);
    expect(engine.inputs).toHaveLength(1);
    store.complete();
    await tick(5);
    expect(engine.inputs).toHaveLength(2);
    store.complete();
  });

  it('an ack on an unsynced persist waits for the next synced write', async () => {
    const { engine, store, rt } = setup();
    engine.script = (i) => {
      if (i.kind === 'transaction') return [{ kind: 'persist', key: 't', value: new Uint8Array(1), sync: false, ack: [transferIdHex(i.tx)] }];
      if (i.kind === 'message') return [{ kind: 'persist', key: 's', value: new Uint8Array(1), sync: true }];
      return [];
    };
    let outcome: SubmitOutcome | undefined;
    void rt.submit(tx(0)).then((o) => (outcome = o));
    await tick(5);
    expect(store.batches[0]!.accepted).toEqual([]);
    store.complete();
    await tick(5);
    expect(outcome).toBeUndefined();
    rt.deliver(2, 'sync now');
    await tick(5);
    expect(store.batches[1]!.accepted).toEqual([transferIdHex(tx(0))]);
    store.complete();
    await tick(1);
    expect(outcome?.kind).toBe('accepted');
  });

  it('answers a rejection at once, without a write', async () => {
    const { engine, store, rt } = setup();
    engine.script = (i) => (i.kind === 'transaction' ? [{ kind: 'tx-rejected', txId: transferIdHex(i.tx), code: 'MEMPOOL_NONCE_STALE' }] : []);
    const outcome = await rt.submit(tx(0));
    expect(outcome).toEqual({ kind: 'rejected', txId: transferIdHex(tx(0)), code: 'MEMPOOL_NONCE_STALE' });
    expect(store.batches).toHaveLength(0);
  });

  it('publishes a finalization only once it is durable, and writes it in the same batch', async () => {
    const { engine, store, h, rt } = setup();
    const entry: FinalizedEntry = { seq: 0, slot: 'h:1', value: 'ab', txIds: ['x'], height: 1 };
    engine.script = (i) => (i.kind === 'message' ? [{ kind: 'persist', key: 'block/1', value: new Uint8Array(3), sync: true }, { kind: 'finalize', entry }] : []);
    rt.deliver(1, 'go');
    await tick(5);
    expect(store.batches[0]!.finalized).toEqual([entry]);
    expect(h.rec.finalized).toEqual([]);
    store.complete();
    await tick(1);
    expect(h.rec.finalized).toEqual([entry]);
  });

  it('refuses the transaction past the queue bound (N accepted, N+1 busy)', async () => {
    const { rt } = setup({ limits: { maxQueuedTransactions: 3 } });
    const outcomes = [0, 1, 2, 3].map((n) => rt.submit(tx(n)));
    const fourth = await outcomes[3]!;
    expect(fourth).toMatchObject({ kind: 'busy', code: 'RUNTIME_QUEUE_FULL' });
    await rt.stop();
  });

  it('drops peer messages past the message bound (N queued, N+1 dropped)', () => {
    const { rt } = setup({ limits: { maxQueuedMessages: 2 } });
    expect(rt.deliver(1, 'a')).toBe(true);
    expect(rt.deliver(1, 'b')).toBe(true);
    expect(rt.deliver(1, 'c')).toBe(false);
    expect(rt.stats.droppedMessages).toBe(1);
  });

  it('drops peer messages past the byte bound (N bytes queued, N+1 dropped)', () => {
    const { rt } = setup({ limits: { maxQueuedMessageBytes: 100 } });
    expect(rt.deliver(1, 'a', 60)).toBe(true);
    expect(rt.deliver(1, 'b', 40)).toBe(true); // exactly N bytes
    expect(rt.deliver(1, 'c', 1)).toBe(false); // N + 1
    expect(rt.queuedMessageBytes).toBe(100);
  });

  it('takes one message larger than the byte budget when nothing else waits', () => {
    const { rt } = setup({ limits: { maxQueuedMessageBytes: 100 } });
    expect(rt.deliver(1, 'huge', 500)).toBe(true);
    expect(rt.deliver(1, 'more', 1)).toBe(false);
  });

  it('refuses submissions past the pending-ack bound', async () => {
    const { rt } = setup({ limits: { maxPendingSubmissions: 2 } });
    void rt.submit(tx(0));
    void rt.submit(tx(1));
    expect(await rt.submit(tx(2))).toMatchObject({ kind: 'busy', code: 'RUNTIME_TOO_MANY_PENDING' });
    await rt.stop();
  });

  it('stops with a fatal error when the engine throws', async () => {
    const { engine, h, rt } = setup();
    engine.script = () => {
      throw new Error('boom');
    };
    rt.deliver(1, 'x');
    await tick(5);
    expect(h.rec.fatal).toHaveLength(1);
    expect(h.rec.fatal[0]!.code).toBe('RUNTIME_ENGINE_FAILED');
    expect(rt.deliver(1, 'y')).toBe(false);
  });

  it('stamps inputs with a non-decreasing now', async () => {
    const { engine, rt } = setup();
    rt.start();
    rt.deliver(1, 'a');
    await tick(5);
    const nows = engine.inputs.map((i) => i.now);
    expect(nows).toEqual([...nows].sort((a, b) => a - b));
  });
});

describe('timers', () => {
  it('replace: a timer set twice fires once, at the second setting', async () => {
    const fired: string[] = [];
    const clock = new MonotonicClock(Date.now());
    const t = new TimerTable(clock, (name, gen) => {
      if (t.consume(name, gen)) fired.push(name);
    });
    t.set('a', clock.now() + 5);
    t.set('a', clock.now() + 15);
    await tick(40);
    expect(fired).toEqual(['a']);
  });

  it('a fired timer that was re-set before delivery is stale', async () => {
    const clock = new MonotonicClock(Date.now());
    const queued: { name: string; gen: number }[] = [];
    const t = new TimerTable(clock, (name, gen) => queued.push({ name, gen }));
    t.set('a', clock.now() + 1);
    await tick(20);
    expect(queued).toHaveLength(1);
    t.set('a', 1000); // the engine re-armed it while the fire was still queued
    expect(t.consume('a', queued[0]!.gen)).toBe(false);
    t.clear();
  });

  it('bounds the number of pending timers (N set, N+1 throws)', () => {
    const t = new TimerTable(new ManualClock(0), () => undefined, 2);
    t.set('a', 1e6);
    t.set('b', 1e6);
    t.set('a', 2e6); // replacing is not a new timer
    expect(() => t.set('c', 1e6)).toThrow(RuntimeError);
    t.clear();
  });

  it('a cancelled timer never fires', async () => {
    const fired: string[] = [];
    const t = new TimerTable(new ManualClock(0), (name) => fired.push(name));
    t.set('a', 5);
    t.cancel('a');
    await tick(20);
    expect(fired).toEqual([]);
  });
});
