/**
 * The effect executor: drives one engine on real time (the node's counterpart of the
 * simulator's run loop). It keeps every guarantee of src/protocol/engine.ts:
 *
 *  - One input at a time, in time order: inputs wait in a bounded FIFO (queue.ts) and are
 *    stamped with a monotonic `now` when delivered.
 *  - `persist` with `sync: true` is durable before anything that depends on it is visible.
 *    Each input's writes (its persists, its finalized entries, the acknowledgements they back)
 *    go to the store as ONE atomic batch. Everything the input makes visible outside the
 *    process (sends, broadcasts, acknowledgements, finalization events, the API's view of the
 *    state) waits in an outbox until every sync batch issued up to that input is on disk.
 *
 *    By default the next input is delivered while the previous batch is still being synced
 *    (pipelining, `pipeline: true`): lmdb then commits many inputs in one fsync. That is
 *    indistinguishable from the contract's literal "durable before the next input" to every
 *    observer: nothing of the later input leaves the process before the earlier write is
 *    durable, and a crash loses the later inputs' effects together with their writes (lmdb
 *    commits batches in order, so what survives is a prefix). `pipeline: false` waits for each
 *    sync batch before the next input (the literal reading; slower; used by tests to compare).
 *  - A client's transaction is acknowledged only when the persist listing it in `ack` is
 *    durable; `ack` on an unsynced persist waits for the next synced one (as in src/sim).
 *  - Timers are keyed by name with replace semantics (timers.ts); jobs run off the input path
 *    (jobs.ts) and come back as `job-done` inputs.
 *  - An engine that throws, or a store that fails, stops the executor (`fatal`): the node exits
 *    and restarts from its durable records rather than run on a state it cannot vouch for.
 */
import type { LedgerState, Transfer } from '../../ledger/index.js';
import { transferIdHex } from '../../ledger/index.js';
import type { EngineInput, EngineStatus, ErasedEngine, FinalizedEntry, MessageCodec, NodeIndex } from '../../protocol/index.js';
import type { StoreBatch } from '../store/index.js';
import { AckTable } from './acks.js';
import type { SubmitResult } from './acks.js';
import type { Clock } from './clock.js';
import { RuntimeError } from './errors.js';
import type { JobExecutor } from './jobs.js';
import { DEFAULT_QUEUE_LIMITS, InputQueue } from './queue.js';
import type { QueuedInput } from './queue.js';
import { DEFAULT_MAX_TIMERS, TimerTable } from './timers.js';

export interface RuntimeLimits {
  readonly maxQueuedMessages: number;
  /** Encoded bytes of queued peer messages. */
  readonly maxQueuedMessageBytes: number;
  readonly maxQueuedTransactions: number;
  /** Client submissions waiting for an answer at once. */
  readonly maxPendingSubmissions: number;
  readonly ackTimeoutMs: number;
  readonly maxTimers: number;
  /** Inputs handled per event-loop turn before yielding to I/O. */
  readonly drainBatch: number;
}

export const DEFAULT_RUNTIME_LIMITS: RuntimeLimits = Object.freeze({
  maxQueuedMessages: DEFAULT_QUEUE_LIMITS.maxMessages,
  maxQueuedMessageBytes: DEFAULT_QUEUE_LIMITS.maxMessageBytes,
  maxQueuedTransactions: DEFAULT_QUEUE_LIMITS.maxTransactions,
  maxPendingSubmissions: 20_000,
  ackTimeoutMs: 15_000,
  maxTimers: DEFAULT_MAX_TIMERS,
  drainBatch: 256,
});

/** Where the executor's effects go. The node wires these to libp2p, the API and metrics. */
export interface RuntimeHooks {
  /** An encoded engine message for one validator (after the writes it depends on are durable). */
  send(to: NodeIndex, bytes: Uint8Array): void;
  /** An encoded engine message for every other validator. */
  broadcast(bytes: Uint8Array): void;
  penalize(peer: NodeIndex, code: string, weight: number): void;
  /** A finalization, once durable (SSE, logs). */
  finalized(entry: FinalizedEntry): void;
  /** The executor stopped for good; the node must exit (and may restart from the store). */
  fatal(err: RuntimeError): void;
}

export interface RuntimeStore {
  write(batch: StoreBatch): Promise<void>;
}

export interface RuntimeOptions {
  readonly engine: ErasedEngine;
  readonly codec: MessageCodec<unknown>;
  readonly self: NodeIndex;
  readonly store: RuntimeStore;
  readonly clock: Clock;
  readonly hooks: RuntimeHooks;
  readonly jobs?: JobExecutor;
  readonly limits?: Partial<RuntimeLimits>;
  readonly pipeline?: boolean;
  /** Observes each batch's write-to-durable latency in seconds (a histogram). */
  readonly observeCommit?: (seconds: number) => void;
  /** Observes each accepted submission's submit-to-ack latency in seconds. */
  readonly observeAck?: (seconds: number) => void;
}

export type SubmitOutcome = SubmitResult | { readonly kind: 'busy'; readonly txId: string; readonly code: string };

/** What the API may show: the engine as of the last input whose writes are durable. */
export interface DurableView {
  readonly status: EngineStatus;
  readonly state: LedgerState;
}

export interface RuntimeStats {
  inputs: Record<QueuedInput['kind'], number>;
  effects: Record<string, number>;
  droppedMessages: number;
  refusedTransactions: number;
  staleTimers: number;
  batches: number;
  accepted: number;
  rejected: number;
  finalized: number;
  penalties: number;
}

interface OutboxItem {
  readonly dep: number;
  readonly action: () => void;
}

export class Runtime {
  private readonly engine: ErasedEngine;
  private readonly codec: MessageCodec<unknown>;
  private readonly self: NodeIndex;
  private readonly store: RuntimeStore;
  private readonly clock: Clock;
  private readonly hooks: RuntimeHooks;
  private readonly jobs: JobExecutor | undefined;
  private readonly limits: RuntimeLimits;
  private readonly pipeline: boolean;
  private readonly queue: InputQueue;
  private readonly timers: TimerTable;
  private readonly acks: AckTable;
  private readonly outbox: OutboxItem[] = [];
  private outboxHead = 0;
  /** Gauges from `metric` effects. */
  readonly gauges = new Map<string, number>();
  readonly stats: RuntimeStats = {
    inputs: { start: 0, message: 0, timer: 0, transaction: 0, 'job-done': 0 },
    effects: {},
    droppedMessages: 0,
    refusedTransactions: 0,
    staleTimers: 0,
    batches: 0,
    accepted: 0,
    rejected: 0,
    finalized: 0,
    penalties: 0,
  };
  private lastNow = Number.NEGATIVE_INFINITY;
  private writeSeq = 0;
  /** Seq of the latest batch others must wait for (it held a sync persist or a finalization). */
  private barrier = 0;
  private durableSeq = 0;
  private readonly resolved = new Set<number>();
  private lastWrite: Promise<void> = Promise.resolve();
  /** Ack ids from unsynced persists, waiting for the next synced batch. */
  private unbacked: string[] = [];
  private readonly submittedAt = new Map<string, number>();
  private draining = false;
  private scheduled = false;
  private stopped = false;
  private failed: RuntimeError | null = null;
  private view: DurableView;

  constructor(options: RuntimeOptions) {
    this.engine = options.engine;
    this.codec = options.codec;
    this.self = options.self;
    this.store = options.store;
    this.clock = options.clock;
    this.hooks = options.hooks;
    this.jobs = options.jobs;
    this.limits = { ...DEFAULT_RUNTIME_LIMITS, ...options.limits };
    this.pipeline = options.pipeline ?? true;
    this.queue = new InputQueue({
      maxMessages: this.limits.maxQueuedMessages,
      maxMessageBytes: this.limits.maxQueuedMessageBytes,
      maxTransactions: this.limits.maxQueuedTransactions,
    });
    this.timers = new TimerTable(this.clock, (timer, generation, at) => this.enqueue({ kind: 'timer', timer, generation, at }), this.limits.maxTimers);
    this.acks = new AckTable(this.limits.maxPendingSubmissions, this.limits.ackTimeoutMs);
    this.observeCommit = options.observeCommit;
    this.observeAck = options.observeAck;
    this.view = { status: this.engine.status(), state: this.engine.finalizedState() };
  }

  private readonly observeCommit: ((seconds: number) => void) | undefined;
  private readonly observeAck: ((seconds: number) => void) | undefined;

  // ---- inputs --------------------------------------------------------------------------------

  /** Delivers the `start` input (once, first). */
  start(): void {
    this.enqueue({ kind: 'start' });
  }

  /**
   * A decoded message from an authenticated validator, `bytes` its encoded size. False when
   * dropped (the queue is at its count or byte bound).
   */
  deliver(from: NodeIndex, message: unknown, bytes = 0): boolean {
    if (this.stopped) return false;
    if (!this.queue.push({ kind: 'message', from, message, bytes })) {
      this.stats.droppedMessages++;
      return false;
    }
    this.schedule();
    return true;
  }

  /** Submits a client transaction; resolves with the engine's answer (see acks.ts). */
  submit(tx: Transfer): Promise<SubmitOutcome> {
    const txId = transferIdHex(tx);
    if (this.stopped) return Promise.resolve({ kind: 'busy', txId, code: 'RUNTIME_STOPPED' });
    if (this.acks.has(txId)) return this.acks.wait(txId)!; // a concurrent retry shares the wait
    if (this.queue.queuedTransactions >= this.queue.limits.maxTransactions) {
      this.stats.refusedTransactions++;
      return Promise.resolve({ kind: 'busy', txId, code: 'RUNTIME_QUEUE_FULL' });
    }
    const wait = this.acks.wait(txId);
    if (wait === null) {
      this.stats.refusedTransactions++;
      return Promise.resolve({ kind: 'busy', txId, code: 'RUNTIME_TOO_MANY_PENDING' });
    }
    this.submittedAt.set(txId, performance.now());
    this.queue.push({ kind: 'transaction', tx, txId });
    this.schedule();
    return wait;
  }

  /**
   * A transaction that reached this node without a client waiting here (gossiped by a peer):
   * the engine handles it like a submission; nobody is answered. False when the queue is full.
   */
  offer(tx: Transfer): boolean {
    if (this.stopped || this.queue.queuedTransactions >= this.queue.limits.maxTransactions) return false;
    this.queue.push({ kind: 'transaction', tx, txId: transferIdHex(tx) });
    this.schedule();
    return true;
  }

  private enqueue(input: QueuedInput): void {
    if (this.stopped) return;
    this.queue.push(input);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.draining) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    if (this.stopped) return;
    this.draining = true;
    try {
      let n = 0;
      while (n < this.limits.drainBatch) {
        if (!this.pipeline && this.durableSeq < this.barrier) break; // resumed by onDurable
        const input = this.queue.shift();
        if (input === undefined) break;
        this.process(input);
        if (this.stopped) return;
        n++;
      }
      // Publish the engine's view once everything so far is durable.
      const snapshot: DurableView = { status: this.engine.status(), state: this.engine.finalizedState() };
      this.defer(() => {
        this.view = snapshot;
      });
    } finally {
      this.draining = false;
    }
    if (this.queue.length > 0 && (this.pipeline || this.durableSeq >= this.barrier)) this.schedule();
  }

  private stamp(input: QueuedInput): number {
    let now = this.clock.now();
    if (input.kind === 'timer' && input.at > now) now = input.at;
    if (now < this.lastNow) now = this.lastNow;
    this.lastNow = now;
    return now;
  }

  private toEngineInput(input: QueuedInput, now: number): EngineInput<unknown, unknown> | null {
    switch (input.kind) {
      case 'start':
        return { kind: 'start', now };
      case 'message':
        return { kind: 'message', now, from: input.from, message: input.message };
      case 'timer':
        if (!this.timers.consume(input.timer, input.generation)) {
          this.stats.staleTimers++;
          return null;
        }
        return { kind: 'timer', now, timer: input.timer };
      case 'transaction':
        return { kind: 'transaction', now, tx: input.tx };
      case 'job-done':
        return { kind: 'job-done', now, jobId: input.jobId, result: input.result };
    }
  }

  private process(input: QueuedInput): void {
    const now = this.stamp(input);
    const engineInput = this.toEngineInput(input, now);
    if (engineInput === null) return;
    this.stats.inputs[input.kind]++;
    let effects;
    try {
      effects = this.engine.handle(engineInput);
    } catch (err) {
      this.fail(new RuntimeError({ code: 'RUNTIME_ENGINE_FAILED', input: input.kind, reason: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
      return;
    }
    const records: { key: string; value: Uint8Array | null }[] = [];
    const finalized: FinalizedEntry[] = [];
    const visible: (() => void)[] = [];
    let sync = false;
    try {
      for (const e of effects) {
        this.stats.effects[e.kind] = (this.stats.effects[e.kind] ?? 0) + 1;
        switch (e.kind) {
          case 'send': {
            const bytes = this.codec.encode(e.message);
            if (e.to === this.self) visible.push(() => this.deliver(this.self, e.message));
            else visible.push(() => this.hooks.send(e.to, bytes));
            break;
          }
          case 'broadcast': {
            const bytes = this.codec.encode(e.message);
            visible.push(() => this.hooks.broadcast(bytes));
            break;
          }
          case 'set-timer':
            this.timers.set(e.timer, e.at);
            break;
          case 'cancel-timer':
            this.timers.cancel(e.timer);
            break;
          case 'persist':
            records.push({ key: e.key, value: e.value === null ? null : Uint8Array.from(e.value) });
            if (e.sync) sync = true;
            if (e.ack !== undefined) for (const id of e.ack) this.unbacked.push(id);
            break;
          case 'finalize':
            finalized.push(e.entry);
            this.stats.finalized++;
            visible.push(() => this.hooks.finalized(e.entry));
            break;
          case 'tx-rejected':
            this.stats.rejected++;
            this.submittedAt.delete(e.txId);
            this.acks.settle({ kind: 'rejected', txId: e.txId, code: e.code });
            break;
          case 'penalize':
            this.stats.penalties++;
            this.hooks.penalize(e.peer, e.code, e.weight);
            break;
          case 'metric':
            this.gauges.set(e.name, e.value);
            break;
          case 'job':
            this.startJob(e.jobId, e.job);
            break;
          case 'cancel-job':
            this.jobs?.cancel(e.jobId);
            break;
          case 'cost':
            break;
        }
      }
    } catch (err) {
      this.fail(new RuntimeError({ code: 'RUNTIME_ENGINE_FAILED', input: input.kind, reason: err instanceof Error ? err.message : String(err) }));
      return;
    }
    let accepted: string[] = [];
    if (sync && this.unbacked.length > 0) {
      accepted = this.unbacked;
      this.unbacked = [];
    }
    if (records.length > 0 || finalized.length > 0) this.writeBatch({ records, finalized, accepted }, sync || finalized.length > 0);
    for (const action of visible) this.defer(action);
    if (accepted.length > 0) {
      this.defer(() => {
        for (const txId of accepted) this.acknowledge(txId);
      });
    }
  }

  private acknowledge(txId: string): void {
    this.stats.accepted++;
    const t0 = this.submittedAt.get(txId);
    if (t0 !== undefined) {
      this.submittedAt.delete(txId);
      this.observeAck?.((performance.now() - t0) / 1000);
    }
    this.acks.settle({ kind: 'accepted', txId });
  }

  private writeBatch(batch: StoreBatch, isBarrier: boolean): void {
    const seq = ++this.writeSeq;
    if (isBarrier) this.barrier = seq;
    this.stats.batches++;
    const t0 = performance.now();
    const p = this.store.write(batch);
    this.lastWrite = p.then(
      () => {
        this.observeCommit?.((performance.now() - t0) / 1000);
        this.onDurable(seq);
      },
      (err: unknown) => this.fail(new RuntimeError({ code: 'RUNTIME_STORE_FAILED', reason: err instanceof Error ? err.message : String(err) })),
    );
  }

  private onDurable(seq: number): void {
    this.resolved.add(seq);
    while (this.resolved.has(this.durableSeq + 1)) {
      this.resolved.delete(this.durableSeq + 1);
      this.durableSeq++;
    }
    this.release();
    if (!this.pipeline && this.queue.length > 0) this.schedule();
  }

  /** Runs `action` now if nothing it depends on is still being written, else after. */
  private defer(action: () => void): void {
    if (this.outboxHead >= this.outbox.length && this.durableSeq >= this.barrier) {
      action();
      return;
    }
    this.outbox.push({ dep: this.barrier, action });
  }

  private release(): void {
    while (this.outboxHead < this.outbox.length && this.outbox[this.outboxHead]!.dep <= this.durableSeq) {
      const item = this.outbox[this.outboxHead]!;
      this.outboxHead++;
      if (this.stopped) continue;
      item.action();
    }
    if (this.outboxHead >= this.outbox.length) {
      this.outbox.length = 0;
      this.outboxHead = 0;
    } else if (this.outboxHead > 4096) {
      this.outbox.splice(0, this.outboxHead);
      this.outboxHead = 0;
    }
  }

  private startJob(jobId: string, job: unknown): void {
    if (this.jobs === undefined) {
      this.fail(new RuntimeError({ code: 'RUNTIME_ENGINE_FAILED', input: 'job', reason: 'engine emitted a job but the node has no job executor' }));
      return;
    }
    this.jobs.start(
      jobId,
      job,
      (result) => this.enqueue({ kind: 'job-done', jobId, result }),
      (err) => this.fail(new RuntimeError({ code: 'RUNTIME_ENGINE_FAILED', input: 'job', reason: err.message })),
    );
  }

  private fail(err: RuntimeError): void {
    if (this.failed !== null) return;
    this.failed = err;
    this.halt();
    this.hooks.fatal(err);
  }

  private halt(): void {
    this.stopped = true;
    this.timers.clear();
    this.queue.clear();
    this.acks.clear();
    void this.jobs?.stop();
  }

  // ---- views ---------------------------------------------------------------------------------

  /** The engine's status and finalized state as of the last durable input. */
  durableView(): DurableView {
    return this.view;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  get queuedMessageBytes(): number {
    return this.queue.queuedMessageBytes;
  }

  get pendingSubmissions(): number {
    return this.acks.size;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  get inFlightBatches(): number {
    return this.writeSeq - this.durableSeq;
  }

  get error(): RuntimeError | null {
    return this.failed;
  }

  /** Stops taking inputs and waits for the writes already issued. */
  async stop(): Promise<void> {
    if (!this.stopped) this.halt();
    await this.lastWrite.catch(() => undefined);
  }
}
