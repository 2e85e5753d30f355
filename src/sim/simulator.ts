/**
 * The discrete-event simulation loop: drives n engines (src/protocol Engine contract) through
 * virtual time and executes their effects against the network, storage, fault, cost and
 * adversary models, checking the safety invariants as decisions are made.
 *
 * Execution rules (docs/SIMULATOR.md has the long form):
 *  - One event at a time, from the heap, in (time, insertion order). Everything random comes
 *    from named streams derived from the scenario seed, drawn in event order.
 *  - A node handles one input at a time. Handling starts when the input arrives, or when the
 *    node's CPU becomes free if it is still busy (inputs wait in a bounded FIFO inbox). The
 *    `cost` effects of a handling keep the CPU busy for the modelled time; all other effects of
 *    that handling happen when the work is done (messages leave, timers are armed, writes land,
 *    decisions become visible).
 *  - The engine sees its local time (global + skew); its timers are converted back.
 *  - Messages are encoded once per send/broadcast with the engine's codec (that length plus
 *    FRAMING_BYTES is what the network carries and what the byte counters count), decoded once
 *    (a message that does not decode is dropped and its sender penalised), and every recipient
 *    of a broadcast gets the same decoded, immutable object.
 */
import { Prng } from '../core/index.js';
import type { Effect, EngineContext, EngineInput, ErasedEngine, ErasedEngineDefinition, FinalizedEntry } from '../protocol/index.js';
import type { LedgerState, Transfer } from '../ledger/index.js';
import type { MessageTamper } from './adversary.js';
import { chooseByzantine, createByzantineEngine, checkBehaviour } from './adversary.js';
import { drawSkews, VirtualClock } from './clock.js';
import type { ScenarioConfig } from './config.js';
import { chargeUs, costTable } from './cost-model.js';
import type { CostTable } from './cost-model.js';
import { SimError } from './errors.js';
import { EventQueue } from './event-queue.js';
import type { Scheduled } from './event-queue.js';
import { partitionGroups } from './faults.js';
import { INVARIANT_KINDS, InvariantChecker } from './invariants.js';
import type { InvariantKind } from './invariants.js';
import { Gauges, summarize } from './metrics.js';
import { FRAMING_BYTES, NetworkModel } from './network.js';
import type { DropReason, EngineErrorReport, NodeReport, SimResult, SimSummary } from './result.js';
import { NodeStorage } from './storage.js';
import { fnv1a, fnv1aString, TraceHasher } from './trace.js';
import type { TxState } from './workload.js';
import { SIM_CHAIN_ID, simGenesis, validatorKeyPair, Workload } from './workload.js';

// Event kinds (numbers: they go into the trace hash and switch fast).
export const EV = Object.freeze({
  START: 1,
  DELIVER: 2,
  ARRIVE: 3,
  TIMER: 4,
  TX: 5,
  JOB: 6,
  READY: 7,
  CRASH: 8,
  RESTART: 9,
  PARTITION: 10,
  HEAL: 11,
  CLIENT: 12,
  CLIENT_TIMEOUT: 13,
  SAMPLE: 14,
});

// Effect-level trace records (folded when the effect executes, not as events).
const TR_SEND = 101;
const TR_FINALIZE = 102;
const TR_PERSIST = 103;
const TR_ERROR = 104;

/** One scheduled event. One class, one shape: the heap and the switch stay monomorphic. */
class SimEvent implements Scheduled {
  seq = 0;
  constructor(
    public time: number,
    readonly kind: number,
    readonly node: number,
    /** DELIVER/ARRIVE: sender; TIMER/JOB: token; TX: tx index; others 0. */
    readonly a: number,
    /** DELIVER/ARRIVE: wire bytes; TIMER: name hash; others 0. */
    readonly b: number,
    readonly ref: unknown,
  ) {}
}

interface JobRef {
  readonly jobId: string;
  readonly result: unknown;
}

class SimNode {
  engine: ErasedEngine | null = null;
  up = false;
  incarnation = 0;
  busyUntil = 0;
  readonly inbox: SimEvent[] = [];
  inboxHead = 0;
  readyAt = -1;
  readonly timers = new Map<string, number>();
  readonly jobs = new Map<string, number>();
  bytesOut = 0;
  bytesIn = 0;
  msgsOut = 0;
  msgsIn = 0;
  penaltiesReceived = 0;
  finalizedEntries = 0;
  crashes = 0;
  jobRng: Prng;
  constructor(
    readonly index: number,
    readonly honest: boolean,
    readonly skew: number,
    readonly storage: NodeStorage,
    readonly hashPower: number,
    rootRng: Prng,
  ) {
    this.jobRng = rootRng.derive(`jobs/${index}`);
  }
  get inboxSize(): number {
    return this.inbox.length - this.inboxHead;
  }
}

export interface SimulationOptions {
  readonly tamper?: MessageTamper;
  /** Called with the replay command; the result carries it too. */
  readonly replay: string;
  /** Observer of new finalized entries at honest nodes (node, virtual time); must not throw. */
  readonly onFinalize?: (node: number, atMs: number) => void;
  /**
   * Early end: at each whole simulated second after the measured duration, if this returns true
   * and every acknowledged transfer is final at every honest node that is up, the run ends there
   * (the rest of the drain is skipped). The swarm uses it; plain runs drain in full.
   */
  readonly settled?: (nowMs: number) => boolean;
}

export class Simulation {
  private readonly queue: EventQueue<SimEvent>;
  private readonly clock = new VirtualClock();
  private readonly trace = new TraceHasher();
  private readonly net: NetworkModel;
  private readonly nodes: SimNode[];
  private readonly invariants: InvariantChecker;
  private readonly workload: Workload;
  private readonly gauges: Gauges;
  private readonly costs: CostTable;
  private readonly genesis: LedgerState;
  private readonly validators: readonly Uint8Array[];
  private readonly params: unknown;
  private readonly rootRng: Prng;
  private readonly faultRng: Prng;
  private readonly tamperRng: Prng;
  private readonly honestCount: number;
  private readonly endMs: number;
  private readonly measuredEndMs: number;
  private readonly lossP: number;
  private readonly dupP: number;
  private readonly reorderP: number;
  private readonly reorderMaxMs: number;
  private readonly downloadCapped: boolean;
  private groups: Int32Array | null = null;
  /** The current partition is one-way: only copies from group 0 to other groups are dropped. */
  private oneWay = false;
  private tokenSeq = 0;
  private bytesOutMeasured = 0;
  private msgsOutMeasured = 0;
  private events = 0;
  private truncated = false;
  private settledEarly = false;
  private duplicated = 0;
  private penalties = 0;
  private readonly drops: Record<DropReason, number> = {
    loss: 0,
    partition: 0,
    crashed: 0,
    upload_overflow: 0,
    download_overflow: 0,
    inbox_overflow: 0,
    decode: 0,
  };
  private readonly penaltiesByCode = new Map<string, number>();
  private readonly engineErrors: EngineErrorReport[] = [];
  private engineErrorCount = 0;

  constructor(
    readonly config: ScenarioConfig,
    readonly definition: ErasedEngineDefinition,
    private readonly options: SimulationOptions,
  ) {
    const n = config.nodes;
    this.rootRng = Prng.fromSeed(config.seed);
    this.queue = new EventQueue<SimEvent>(config.limits.maxQueue);
    this.costs = costTable(config.costModel);
    this.params = config.params === null || config.params === undefined ? definition.defaultParams : definition.parseParams(config.params);
    checkBehaviour(definition, config.byzantine.behaviour);
    this.net = new NetworkModel(
      n,
      config.latency,
      config.bandwidth,
      this.rootRng.derive('network'),
      config.limits.maxBacklogMs,
      this.rootRng.derive('regions'),
    );
    this.downloadCapped = this.net.downloadCapped;
    const byzantine = chooseByzantine(n, config.byzantine.fraction, this.rootRng.derive('byzantine'), config.byzantine.nodes);
    const skews = drawSkews(n, config.faults.clockSkewMs, this.rootRng.derive('skew'), config.faults.skews);
    this.nodes = Array.from(
      { length: n },
      (_, i) => new SimNode(i, !byzantine[i], skews[i]!, new NodeStorage(i), config.hashPower?.[i] ?? 1, this.rootRng),
    );
    const honest = this.nodes.map((x) => x.honest);
    this.honestCount = honest.filter(Boolean).length;
    this.genesis = simGenesis(config.load.accounts);
    this.validators = Object.freeze(Array.from({ length: n }, (_, i) => validatorKeyPair(i).publicKey));
    this.invariants = new InvariantChecker(n, honest, this.genesis.supply);
    this.measuredEndMs = config.durationS * 1000;
    this.endMs = (config.durationS + config.drainS) * 1000;
    this.workload = new Workload(config.load, this.rootRng.derive('workload'), this.honestCount, this.measuredEndMs);
    this.gauges = new Gauges(n, honest);
    this.faultRng = this.rootRng.derive('faults');
    this.tamperRng = this.rootRng.derive('tamper');
    this.lossP = config.faults.loss;
    this.dupP = config.faults.duplicate;
    this.reorderP = config.faults.reorder;
    this.reorderMaxMs = config.faults.reorderMaxMs;
  }

  // -------------------------------------------------------------------------------------------
  // The loop
  // -------------------------------------------------------------------------------------------

  run(wallMs: () => number): SimResult {
    const started = wallMs();
    this.schedule();
    const maxEvents = this.config.limits.maxEvents;
    const endMs = this.endMs;
    const queue = this.queue;
    for (;;) {
      const next = queue.peek();
      if (next === undefined || next.time > endMs || this.settledEarly) break;
      if (this.events >= maxEvents) {
        this.truncated = true;
        break;
      }
      queue.pop();
      this.events++;
      this.clock.advanceTo(next.time);
      this.execute(next);
    }
    return this.result(wallMs() - started);
  }

  private push(time: number, kind: number, node: number, a: number, b: number, ref: unknown): void {
    this.queue.push(new SimEvent(time, kind, node, a, b, ref));
  }

  /** The initial events: starts, fault schedule, first client arrival, gauge samples. */
  private schedule(): void {
    for (const node of this.nodes) this.push(0, EV.START, node.index, 0, 0, null);
    const f = this.config.faults;
    for (const p of f.partitions) {
      this.push(p.atMs, EV.PARTITION, 0, 0, 0, p);
      if (p.healAtMs !== null) this.push(p.healAtMs, EV.HEAL, 0, 0, 0, null);
    }
    for (const c of f.crashes) {
      this.push(c.atMs, EV.CRASH, c.node, 0, 0, null);
      if (c.restartAtMs !== null) this.push(c.restartAtMs, EV.RESTART, c.node, 0, 0, null);
    }
    const gap = this.workload.nextGapMs();
    if (gap < this.measuredEndMs) this.push(gap, EV.CLIENT, 0, 0, 0, null);
    this.push(1000, EV.SAMPLE, 0, 0, 0, null);
  }

  private execute(ev: SimEvent): void {
    const now = ev.time;
    switch (ev.kind) {
      case EV.DELIVER: {
        this.trace.event(ev.kind, ev.node, now, ev.a, ev.b);
        const node = this.nodes[ev.node]!;
        if (!node.up) {
          this.drops.crashed++;
          return;
        }
        const g = this.groups;
        if (g !== null && g[ev.a] !== g[ev.node] && (!this.oneWay || g[ev.a] === 0)) {
          this.drops.partition++;
          return;
        }
        node.msgsIn++;
        node.bytesIn += ev.b;
        this.input(node, ev, now);
        return;
      }
      case EV.ARRIVE: {
        // First bit at the receiver: reserve its downlink; deliver when the last bit is in.
        this.trace.event(ev.kind, ev.node, now, ev.a, ev.b);
        const done = this.net.reserveDownload(ev.node, now, ev.b);
        if (done < 0) {
          this.drops.download_overflow++;
          return;
        }
        this.push(done, EV.DELIVER, ev.node, ev.a, ev.b, ev.ref);
        return;
      }
      case EV.TIMER: {
        this.trace.event(ev.kind, ev.node, now, ev.b, 0);
        const node = this.nodes[ev.node]!;
        if (!node.up || node.timers.get(ev.ref as string) !== ev.a) return; // replaced or cancelled
        this.input(node, ev, now);
        return;
      }
      case EV.TX: {
        this.trace.event(ev.kind, ev.node, now, ev.a, 0);
        const node = this.nodes[ev.node]!;
        if (!node.up) return;
        this.input(node, ev, now);
        return;
      }
      case EV.JOB: {
        this.trace.event(ev.kind, ev.node, now, ev.a, 0);
        const node = this.nodes[ev.node]!;
        if (!node.up || node.jobs.get((ev.ref as JobRef).jobId) !== ev.a) return;
        this.input(node, ev, now);
        return;
      }
      case EV.READY: {
        const node = this.nodes[ev.node]!;
        if (!node.up || ev.a !== node.incarnation) return;
        this.trace.event(ev.kind, ev.node, now, node.inboxSize, 0);
        node.readyAt = -1;
        this.drain(node, now);
        return;
      }
      case EV.START:
      case EV.RESTART: {
        this.trace.event(ev.kind, ev.node, now, 0, 0);
        const node = this.nodes[ev.node]!;
        if (node.up) return;
        this.boot(node, now);
        this.input(node, ev, now);
        return;
      }
      case EV.CRASH: {
        this.trace.event(ev.kind, ev.node, now, 0, 0);
        this.crash(this.nodes[ev.node]!, now);
        return;
      }
      case EV.PARTITION: {
        this.trace.event(ev.kind, 0, now, 0, 0);
        const spec = ev.ref as Parameters<typeof partitionGroups>[0];
        this.groups = partitionGroups(spec, this.config.nodes);
        this.oneWay = spec.oneWay === true;
        return;
      }
      case EV.HEAL: {
        this.trace.event(ev.kind, 0, now, 0, 0);
        this.groups = null;
        this.oneWay = false;
        return;
      }
      case EV.CLIENT: {
        this.trace.event(ev.kind, 0, now, 0, 0);
        this.clientArrival(now);
        return;
      }
      case EV.CLIENT_TIMEOUT: {
        const state = ev.ref as TxState;
        this.trace.event(ev.kind, 0, now, state.record.index, 0);
        const node = this.workload.retry(state, this.candidates());
        if (node === null) return;
        this.push(now, EV.TX, node, state.record.index, 0, state);
        this.push(now + this.config.load.clientTimeoutMs, EV.CLIENT_TIMEOUT, 0, 0, 0, state);
        return;
      }
      case EV.SAMPLE: {
        this.trace.event(ev.kind, 0, now, 0, 0);
        this.gauges.sample(now / 1000);
        const settled = this.options.settled;
        if (settled !== undefined && now >= this.measuredEndMs && settled(now) && this.ackedNotFinal() === 0) {
          this.settledEarly = true;
          return;
        }
        if (now + 1000 <= this.endMs) this.push(now + 1000, EV.SAMPLE, 0, 0, 0, null);
        return;
      }
      default:
        throw new SimError({ code: 'SIM_BAD_SCHEDULE', what: 'event', reason: `unknown kind ${ev.kind}` });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Nodes: boot, crash, CPU and inbox
  // -------------------------------------------------------------------------------------------

  private boot(node: SimNode, now: number): void {
    node.incarnation++;
    node.up = true;
    node.busyUntil = now;
    const ctx: EngineContext<unknown> = Object.freeze({
      chainId: SIM_CHAIN_ID,
      validators: this.validators,
      self: node.index,
      keyPair: validatorKeyPair(node.index),
      params: this.params,
      genesis: this.genesis,
      rng: this.rootRng.derive(`engine/${node.index}/${node.incarnation}`),
      restored: node.storage.restored(),
    });
    node.engine = node.honest
      ? this.definition.create(ctx)
      : createByzantineEngine(this.definition, this.config.byzantine.behaviour, ctx);
  }

  private crash(node: SimNode, now: number): void {
    if (!node.up) return;
    node.up = false;
    node.engine = null;
    node.crashes++;
    node.inbox.length = 0;
    node.inboxHead = 0;
    node.readyAt = -1;
    node.timers.clear();
    node.jobs.clear();
    node.storage.crash();
    node.busyUntil = now;
    this.net.resetNode(node.index, now);
  }

  /** An input reaches a node: handle it now, or queue it behind the busy CPU. */
  private input(node: SimNode, ev: SimEvent, now: number): void {
    if (node.busyUntil <= now && node.inboxSize === 0) {
      this.handle(node, ev, now);
      if (node.inboxSize > 0) this.armReady(node);
      return;
    }
    if (node.inboxSize >= this.config.limits.maxInbox) {
      this.drops.inbox_overflow++;
      return;
    }
    node.inbox.push(ev);
    this.armReady(node);
  }

  private armReady(node: SimNode): void {
    if (node.readyAt >= 0) return;
    node.readyAt = node.busyUntil;
    this.push(node.busyUntil, EV.READY, node.index, node.incarnation, 0, null);
  }

  /** The CPU is free: handle queued inputs until it is busy again or the inbox is empty. */
  private drain(node: SimNode, now: number): void {
    while (node.up && node.inboxSize > 0 && node.busyUntil <= now) {
      const ev = node.inbox[node.inboxHead]!;
      node.inbox[node.inboxHead++] = undefined as unknown as SimEvent;
      if (node.inboxHead > 1024 && node.inboxHead * 2 > node.inbox.length) {
        node.inbox.splice(0, node.inboxHead);
        node.inboxHead = 0;
      }
      // A timer or job may have been replaced or cancelled while it waited.
      if (ev.kind === EV.TIMER && node.timers.get(ev.ref as string) !== ev.a) continue;
      if (ev.kind === EV.JOB && node.jobs.get((ev.ref as JobRef).jobId) !== ev.a) continue;
      this.handle(node, ev, now);
    }
    if (node.up && node.inboxSize > 0) this.armReady(node);
  }

  private handle(node: SimNode, ev: SimEvent, now: number): void {
    const engine = node.engine!;
    const local = now + node.skew;
    let input: EngineInput<unknown, unknown>;
    switch (ev.kind) {
      case EV.DELIVER:
        input = { kind: 'message', now: local, from: ev.a, message: ev.ref };
        break;
      case EV.TIMER:
        node.timers.delete(ev.ref as string);
        input = { kind: 'timer', now: local, timer: ev.ref as string };
        break;
      case EV.TX:
        input = { kind: 'transaction', now: local, tx: (ev.ref as TxState).tx as Transfer };
        break;
      case EV.JOB: {
        const job = ev.ref as JobRef;
        node.jobs.delete(job.jobId);
        input = { kind: 'job-done', now: local, jobId: job.jobId, result: job.result };
        break;
      }
      default:
        input = { kind: 'start', now: local };
    }
    let effects: readonly Effect<unknown, unknown>[];
    try {
      effects = engine.handle(input);
    } catch (err) {
      this.engineError(node, now, err);
      return;
    }
    this.apply(node, now, effects);
  }

  private engineError(node: SimNode, now: number, err: unknown): void {
    // A real node process would die on an uncaught error: so does the simulated one.
    this.engineErrorCount++;
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (this.engineErrors.length < 100) this.engineErrors.push(Object.freeze({ node: node.index, atMs: now, error: text }));
    this.trace.event(TR_ERROR, node.index, now, fnv1aString(text), 0);
    this.crash(node, now);
  }

  // -------------------------------------------------------------------------------------------
  // Effects
  // -------------------------------------------------------------------------------------------

  private apply(node: SimNode, now: number, effects: readonly Effect<unknown, unknown>[]): void {
    let costUs = 0;
    for (let i = 0; i < effects.length; i++) {
      const e = effects[i]!;
      if (e.kind === 'cost') costUs += chargeUs(this.costs, e.op, e.count);
    }
    const done = now + costUs / 1000;
    if (done > node.busyUntil) node.busyUntil = done;
    for (let i = 0; i < effects.length; i++) {
      if (!node.up) return; // storage overflow crashed it mid-way
      const e = effects[i]!;
      switch (e.kind) {
        case 'send':
          this.send(node, e.to, e.message, done);
          break;
        case 'broadcast':
          this.send(node, -1, e.message, done);
          break;
        case 'set-timer': {
          const token = ++this.tokenSeq;
          node.timers.set(e.timer, token);
          const at = e.at - node.skew;
          this.push(at > done ? at : done, EV.TIMER, node.index, token, fnv1aString(e.timer), e.timer);
          break;
        }
        case 'cancel-timer':
          node.timers.delete(e.timer);
          break;
        case 'persist':
          this.persist(node, done, e.key, e.value, e.sync, e.ack);
          break;
        case 'finalize':
          this.finalize(node, done, e.entry);
          break;
        case 'tx-rejected':
          if (node.honest) this.workload.onRejected(e.txId, e.code);
          break;
        case 'penalize':
          this.penalize(e.peer, e.code);
          break;
        case 'metric':
          if (Number.isFinite(e.value)) this.gauges.set(node.index, e.name, e.value);
          break;
        case 'job':
          this.startJob(node, done, e.jobId, e.job);
          break;
        case 'cancel-job':
          node.jobs.delete(e.jobId);
          break;
        case 'cost':
          break;
      }
    }
  }

  private penalize(peer: number, code: string): void {
    this.penalties++;
    this.penaltiesByCode.set(code, (this.penaltiesByCode.get(code) ?? 0) + 1);
    const target = this.nodes[peer];
    if (target !== undefined) target.penaltiesReceived++;
  }

  private persist(node: SimNode, at: number, key: string, value: Uint8Array | null, sync: boolean, ack: readonly string[] | undefined): void {
    let acked: readonly string[];
    try {
      acked = node.storage.write(key, value, sync, ack).acked;
    } catch (err) {
      this.engineError(node, at, err);
      return;
    }
    this.trace.event(TR_PERSIST, node.index, at, fnv1aString(key), sync ? 1 : 0);
    if (node.honest) for (const id of acked) this.workload.onAck(id, at);
  }

  private finalize(node: SimNode, at: number, entry: FinalizedEntry): void {
    this.trace.event(TR_FINALIZE, node.index, at, fnv1aString(entry.slot), fnv1aString(entry.value));
    const verdict = this.invariants.onFinalize(node.index, at, entry);
    if (verdict === 'new' || verdict === 'violation') {
      node.finalizedEntries++;
      for (const id of entry.txIds) this.workload.onFinalized(id, node.index, at);
      if (node.honest && this.options.onFinalize !== undefined) this.options.onFinalize(node.index, at);
    }
  }

  private startJob(node: SimNode, at: number, jobId: string, job: unknown): void {
    const runner = this.definition.jobs;
    if (runner === undefined) {
      this.engineError(node, at, new SimError({ code: 'SIM_BAD_CONFIG', field: 'jobs', reason: `${this.definition.name} emitted a job but has no job runner` }));
      return;
    }
    let result: unknown;
    let durationMs = 0;
    try {
      if (runner.simulate !== undefined) {
        const out = runner.simulate(job, node.hashPower, node.jobRng);
        result = out.result;
        durationMs = out.durationMs;
      } else {
        result = runner.run(job);
      }
    } catch (err) {
      this.engineError(node, at, err);
      return;
    }
    if (!Number.isFinite(durationMs) || durationMs < 0) durationMs = 0;
    const token = ++this.tokenSeq;
    node.jobs.set(jobId, token);
    this.push(at + durationMs, EV.JOB, node.index, token, 0, Object.freeze({ jobId, result }));
  }

  // -------------------------------------------------------------------------------------------
  // Network
  // -------------------------------------------------------------------------------------------

  /** `to` = -1 broadcasts to every other node. Encodes and decodes once. */
  private send(node: SimNode, to: number, message: unknown, at: number): void {
    const n = this.config.nodes;
    const from = node.index;
    if (to !== -1 && (!Number.isInteger(to) || to < 0 || to >= n)) {
      this.engineError(node, at, new SimError({ code: 'SIM_BAD_CONFIG', field: 'send.to', reason: `node ${to} out of range` }));
      return;
    }
    const tamper = this.options.tamper;
    if (tamper !== undefined && !node.honest) {
      // Per-recipient tampering: each copy is encoded on its own.
      if (to === -1) {
        for (let k = 1; k < n; k++) this.sendTampered(node, (from + k) % n, message, at, tamper);
      } else this.sendTampered(node, to, message, at, tamper);
      return;
    }
    const wire = this.encode(node, message, at);
    if (wire === null) return;
    if (to === -1) {
      for (let k = 1; k < n; k++) this.transmit(node, (from + k) % n, wire.message, wire.size, at);
    } else if (to === from) {
      this.push(at, EV.DELIVER, from, from, 0, wire.message); // loopback: no wire, no bytes
    } else this.transmit(node, to, wire.message, wire.size, at);
  }

  private sendTampered(node: SimNode, to: number, message: unknown, at: number, tamper: MessageTamper): void {
    let extra: unknown[] | null = null;
    const also = (m: unknown): void => {
      (extra ??= []).push(m);
    };
    const replaced = tamper({ from: node.index, to, atMs: at, rng: this.tamperRng, also }, message);
    const out: unknown[] = replaced === null || replaced === undefined ? [] : [replaced];
    if (extra !== null) out.push(...(extra as unknown[]));
    for (const m of out) {
      const wire = this.encode(node, m, at);
      if (wire !== null) this.transmit(node, to, wire.message, wire.size, at);
    }
  }

  /** Encodes with the engine's codec and decodes the bytes back, as a receiver would. */
  private encode(node: SimNode, message: unknown, at: number): { readonly message: unknown; readonly size: number } | null {
    let bytes: Uint8Array;
    try {
      bytes = this.definition.codec.encode(message);
    } catch (err) {
      if (node.honest) this.engineError(node, at, err);
      else this.drops.decode++;
      return null;
    }
    this.trace.event(TR_SEND, node.index, at, fnv1a(bytes), bytes.length);
    let decoded: unknown;
    try {
      decoded = this.definition.codec.decode(bytes);
    } catch {
      // The receivers would refuse it: drop it and hold the sender responsible.
      this.drops.decode++;
      this.penalize(node.index, 'SIM_UNDECODABLE_MESSAGE');
      return null;
    }
    return { message: decoded, size: bytes.length + FRAMING_BYTES };
  }

  /** One copy from `node` to `to`: uplink, loss, partition, latency, reorder, duplication. */
  private transmit(node: SimNode, to: number, message: unknown, size: number, at: number): void {
    const from = node.index;
    node.msgsOut++;
    node.bytesOut += size;
    if (at <= this.measuredEndMs) {
      // The per-second figures cover the measured window only (the drain has no new load).
      this.bytesOutMeasured += size;
      this.msgsOutMeasured++;
    }
    const leave = this.net.reserveUpload(from, at, size);
    if (leave < 0) {
      this.drops.upload_overflow++;
      return;
    }
    const rng = this.faultRng;
    if (this.lossP > 0 && rng.nextFloat() < this.lossP) {
      this.drops.loss++;
      return;
    }
    const g = this.groups;
    if (g !== null && g[from] !== g[to] && (!this.oneWay || g[from] === 0)) {
      this.drops.partition++;
      return;
    }
    const kind = this.downloadCapped ? EV.ARRIVE : EV.DELIVER;
    let t = leave + this.net.propagation(from, to);
    if (this.reorderP > 0 && rng.nextFloat() < this.reorderP) t += rng.nextFloat() * this.reorderMaxMs;
    this.push(t, kind, to, from, size, message);
    if (this.dupP > 0 && rng.nextFloat() < this.dupP) {
      this.duplicated++;
      this.push(leave + this.net.propagation(from, to), kind, to, from, size, message);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Clients
  // -------------------------------------------------------------------------------------------

  private candidates(): number[] {
    const out: number[] = [];
    for (const node of this.nodes) if (node.honest && node.up) out.push(node.index);
    return out;
  }

  private clientArrival(now: number): void {
    const sub = this.workload.arrive(now, this.candidates());
    if (sub !== null) {
      this.push(now, EV.TX, sub.node, sub.state.record.index, 0, sub.state);
      this.push(now + this.config.load.clientTimeoutMs, EV.CLIENT_TIMEOUT, 0, 0, 0, sub.state);
    }
    const next = now + this.workload.nextGapMs();
    if (next < this.measuredEndMs) this.push(next, EV.CLIENT, 0, 0, 0, null);
  }

  // -------------------------------------------------------------------------------------------
  // Result
  // -------------------------------------------------------------------------------------------

  /** Acknowledged transfers that some honest node that is up has not finalized. */
  private ackedNotFinal(): number {
    let count = 0;
    for (const [id, s] of this.workload.byId) {
      if (s.record.ackAt < 0) continue;
      for (const node of this.nodes) {
        if (node.honest && node.up && !this.invariants.finalizedAt(id, node.index)) {
          count++;
          break;
        }
      }
    }
    return count;
  }

  private result(wallMs: number): SimResult {
    const c = this.config;
    const n = c.nodes;
    const durationS = c.durationS;
    const ackedNotFinal = this.ackedNotFinal();
    let minEntries = Number.POSITIVE_INFINITY;
    for (const node of this.nodes) {
      if (node.honest && node.up && node.finalizedEntries < minEntries) minEntries = node.finalizedEntries;
    }
    const lat = summarize(this.workload.latencies);
    const latAll = summarize(this.workload.latenciesAll);
    const byKind = {} as Record<InvariantKind, number>;
    for (const k of INVARIANT_KINDS) byKind[k] = this.invariants.countOf(k);
    const summary: SimSummary = Object.freeze({
      engine: c.engine,
      nodes: n,
      seed: c.seed,
      duration_s: durationS,
      byzantine: this.nodes.filter((x) => !x.honest).length,
      behaviour: c.byzantine.behaviour,
      finalized: this.workload.finalizedAtSubmitter,
      finalized_entries: Number.isFinite(minEntries) ? minEntries : 0,
      submitted: this.workload.submitted,
      acked: this.workload.acked,
      rejected: this.workload.rejected,
      acked_not_final: ackedNotFinal,
      abandoned: this.workload.abandoned,
      backlogged: this.workload.backlogged,
      latency_p50_ms: round3(lat.p50),
      latency_p99_ms: round3(lat.p99),
      latency_mean_ms: round3(lat.mean),
      latency_all_p50_ms: round3(latAll.p50),
      latency_all_p99_ms: round3(latAll.p99),
      tps: round3(this.workload.finalizedInWindow / durationS)!,
      offered_tps: c.load.tps,
      bytes_per_node_per_s: round3(this.bytesOutMeasured / n / durationS)!,
      msgs_per_node_per_s: round3(this.msgsOutMeasured / n / durationS)!,
      safety_violations: this.invariants.violationCount,
      violations_by_kind: Object.freeze(byKind),
      engine_errors: this.engineErrorCount,
      penalties: this.penalties,
      dropped: Object.freeze({ ...this.drops }),
      duplicated: this.duplicated,
      events: this.events,
      sim_end_ms: round3(this.clock.now)!,
      truncated: this.truncated,
      trace_hash: this.trace.digest(),
    });
    const perNode: NodeReport[] = this.nodes.map((node) =>
      Object.freeze({
        node: node.index,
        honest: node.honest,
        region: this.net.regionOf[node.index]!,
        up: node.up,
        skewMs: node.skew,
        bytesOut: node.bytesOut,
        bytesIn: node.bytesIn,
        msgsOut: node.msgsOut,
        msgsIn: node.msgsIn,
        penaltiesReceived: node.penaltiesReceived,
        finalizedEntries: node.finalizedEntries,
        crashes: node.crashes,
        lostWrites: node.storage.lostWrites,
        status: node.engine === null ? null : safeStatus(node.engine),
      }),
    );
    return Object.freeze({
      summary,
      config: c,
      violations: this.invariants.violations,
      engineErrors: Object.freeze(this.engineErrors.slice()),
      perNode: Object.freeze(perNode),
      rejectedByCode: Object.freeze(Object.fromEntries([...this.workload.rejectedByCode].sort())),
      penaltiesByCode: Object.freeze(Object.fromEntries([...this.penaltiesByCode].sort())),
      gauges: this.gauges.lastValues(),
      series: this.gauges.allSeries(),
      replay: this.options.replay,
      wallMs,
    });
  }
}

function round3(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1000) / 1000;
}

function safeStatus(engine: ErasedEngine): NodeReport['status'] {
  try {
    return engine.status();
  } catch {
    return null;
  }
}
