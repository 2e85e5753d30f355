/**
 * The live model behind the page: polls the node's HTTP API once a second, listens to its
 * event stream, and keeps what the panels draw. No DOM here (tests drive it with fake fetchers
 * and timers).
 *
 * Each tick: GET /status, /telemetry and /metrics (every tick), /peers (every 2nd), the
 * engine's extra route (/dag for negentropy, /epoch for thermotruth; every 3rd), /reports
 * (every 15th) and, on (re)connecting, /blocks for the newest finalized entries. A failed /status makes the connection "disconnected": polls then retry with
 * backoff (1 s doubling to 4 s) and the event stream is closed and retried on its own backoff;
 * the first good /status makes it "live" again and reopens the stream at once. A route that
 * answers 404 is marked unavailable and asked again only every 30 ticks.
 * Memory is bounded: traces live in fixed-capacity rings (traces.ts), the recent finalized
 * entries in a list of at most RECENT_ENTRIES, the extra data is replaced, never appended.
 */
import type { EventSink, GetJson, GetText } from '../api/ports.js';
import { ACK_COUNT, ACK_SUM, NET_BYTES_IN, NET_BYTES_OUT, WANTED_METRICS, parsePrometheus, scalar } from '../api/prometheus.js';
import type { DagVertexJson, EpochJson, FinalizedJson, PeerJson, ReportJson, StatusJson, TelemetryJson } from '../api/types.js';
import { asDag, asEpoch, asFinalized, asPeers, asReports, asStatus, asStatusEvent, asTelemetry, isObject } from '../api/validate.js';
import { Backoff } from './backoff.js';
import { KEYS, TRACE, firstKey, gaugeTrace, telemetryTrace } from './names.js';
import { Traces } from './traces.js';

export type ConnState = 'connecting' | 'live' | 'disconnected';

export interface Connection {
  readonly state: ConnState;
  /** Wall-clock ms of the last good /status answer; null before the first. */
  readonly lastSeen: number | null;
  readonly error: string | null;
  /** When the next poll runs while disconnected. */
  readonly nextRetryAt: number | null;
  /** Whether the event stream is open. */
  readonly stream: boolean;
}

/** Data of an optional route: not asked yet, the node lacks the route, or the answer. */
export type Extra<T> = { readonly kind: 'none' } | { readonly kind: 'unavailable'; readonly status: number } | { readonly kind: 'ok'; readonly value: T };

export interface Rates {
  readonly txPerS: number | null;
  readonly entriesPerS: number | null;
  readonly bytesInPerS: number | null;
  readonly bytesOutPerS: number | null;
  readonly finalIntervalMs: number | null;
  readonly finalityLatencyMs: number | null;
  readonly ackLatencyMs: number | null;
}

export interface Snapshot {
  readonly version: number;
  readonly connection: Connection;
  readonly status: StatusJson | null;
  readonly telemetry: TelemetryJson | null;
  readonly peers: readonly PeerJson[] | null;
  readonly rates: Rates;
  readonly mempool: number | null;
  readonly recent: readonly FinalizedJson[];
  readonly dag: Extra<readonly DagVertexJson[]>;
  readonly epoch: Extra<EpochJson>;
  readonly reports: Extra<readonly ReportJson[]>;
  /** Wall-clock ms of the last tick that recorded a row. */
  readonly updatedAt: number | null;
}

export interface StreamControl {
  start(): void;
  stop(): void;
  kick(): void;
  readonly connected: boolean;
}

export interface ModelDeps {
  readonly getJson: GetJson;
  readonly getText: GetText;
  readonly now: () => number;
  readonly setTimer: (fn: () => void, ms: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
  readonly stream: (sink: EventSink) => StreamControl;
}

export interface ModelOptions {
  readonly pollMs: number;
  /** Points per trace. */
  readonly capacity: number;
}

export const DEFAULT_OPTIONS: ModelOptions = Object.freeze({ pollMs: 1000, capacity: 600 });
export const RECENT_ENTRIES = 12;
/** Ticks over which tx/s and the finalization interval are averaged. */
export const RATE_WINDOW = 5;
const UNAVAILABLE_RETRY_TICKS = 30;

const NONE = Object.freeze({ kind: 'none' }) as Extra<never>;

interface Counters {
  readonly t: number;
  readonly bytesIn: number | null;
  readonly bytesOut: number | null;
  readonly ackSum: number | null;
  readonly ackCount: number | null;
}

function rate(now: number | null, before: number | null, dtS: number): number | null {
  if (now === null || before === null || !(dtS > 0) || now < before) return null;
  return (now - before) / dtS;
}

export class LiveModel {
  readonly traces: Traces;
  private snap: Snapshot;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private readonly backoff: Backoff;
  private readonly stream: StreamControl;
  private timer: unknown = null;
  private running = false;
  private tickNo = 0;
  private lastCounters: Counters | null = null;
  private lastFinalized: { t: number; finalized: number } | null = null;
  /** Per tick: transactions and entries finalized according to the stream, and arrival times. */
  private txSinceTick = 0;
  private readonly txWindow: { t: number; tx: number }[] = [];
  private readonly arrivals: number[] = [];
  private readonly unavailableAt = new Map<string, number>();

  constructor(
    private readonly deps: ModelDeps,
    private readonly options: ModelOptions = DEFAULT_OPTIONS,
  ) {
    this.traces = new Traces(options.capacity);
    this.backoff = new Backoff(options.pollMs, Math.max(options.pollMs, 4000));
    this.snap = {
      version: 0,
      connection: { state: 'connecting', lastSeen: null, error: null, nextRetryAt: null, stream: false },
      status: null,
      telemetry: null,
      peers: null,
      rates: { txPerS: null, entriesPerS: null, bytesInPerS: null, bytesOutPerS: null, finalIntervalMs: null, finalityLatencyMs: null, ackLatencyMs: null },
      mempool: null,
      recent: [],
      dag: NONE,
      epoch: NONE,
      reports: NONE,
      updatedAt: null,
    };
    this.stream = deps.stream({
      onOpen: () => this.update({ connection: { ...this.snap.connection, stream: true } }),
      onDown: () => this.update({ connection: { ...this.snap.connection, stream: false } }),
      onEvent: (type, data) => this.onEvent(type, data),
    });
  }

  get snapshot(): Snapshot {
    return this.snap;
  }

  subscribe(listener: (s: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stream.start();
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.stream.stop();
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
  }

  private update(patch: Partial<Omit<Snapshot, 'version'>>): void {
    this.snap = { ...this.snap, ...patch, version: this.snap.version + 1 };
    for (const l of this.listeners) l(this.snap);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = this.deps.setTimer(() => {
      this.timer = null;
      void this.tick();
    }, ms);
  }

  private onEvent(type: string, data: unknown): void {
    if (type === 'finalized') {
      const e = asFinalized(data);
      if (e === null) return;
      this.txSinceTick += e.txIds.length;
      const now = this.deps.now();
      this.arrivals.push(now);
      if (this.arrivals.length > 64) this.arrivals.shift();
      const recent = [e, ...this.snap.recent.filter((x) => x.seq !== e.seq)].slice(0, RECENT_ENTRIES);
      this.update({ recent });
    } else if (type === 'status') {
      const s = asStatusEvent(data);
      if (s === null || this.snap.status === null) return;
      this.update({ status: { ...this.snap.status, height: s.height, finalized: s.finalized, peers: s.peers } });
    }
  }

  /** Whether an optional route should be asked this tick. */
  private due(route: string, every: number): boolean {
    const since = this.unavailableAt.get(route);
    if (since !== undefined) return this.tickNo - since >= UNAVAILABLE_RETRY_TICKS;
    return this.tickNo % every === 1 || every === 1;
  }

  private async extra<T>(route: string, query: string, parse: (v: unknown) => T | null): Promise<Extra<T> | null> {
    try {
      const r = await this.deps.getJson(`${route}${query}`);
      if (r.status === 404 || r.status === 405 || r.status === 501) {
        this.unavailableAt.set(route, this.tickNo);
        return { kind: 'unavailable', status: r.status };
      }
      this.unavailableAt.delete(route);
      if (r.status !== 200) return null;
      const v = parse(r.body);
      return v === null ? { kind: 'unavailable', status: r.status } : { kind: 'ok', value: v };
    } catch {
      return null;
    }
  }

  private async counters(t: number): Promise<Counters | null> {
    try {
      const r = await this.deps.getText('/metrics');
      if (r.status !== 200) return null;
      const m = parsePrometheus(r.text, WANTED_METRICS);
      return { t, bytesIn: scalar(m, NET_BYTES_IN), bytesOut: scalar(m, NET_BYTES_OUT), ackSum: scalar(m, ACK_SUM), ackCount: scalar(m, ACK_COUNT) };
    } catch {
      return null;
    }
  }

  /** One poll of the API; schedules the next. */
  private async tick(): Promise<void> {
    const started = this.deps.now();
    this.tickNo++;
    let status: StatusJson | null = null;
    let telemetry: TelemetryJson | null = null;
    let error: string | null = null;
    let counters: Counters | null = null;
    try {
      const [s, tel, c] = await Promise.all([this.deps.getJson('/status'), this.deps.getJson('/telemetry').catch(() => null), this.counters(started)]);
      status = s.status === 200 ? asStatus(s.body) : null;
      if (status === null) error = `GET /status answered ${s.status}`;
      telemetry = tel !== null && tel.status === 200 ? asTelemetry(tel.body) : null;
      counters = c;
    } catch (err) {
      error = err instanceof Error && err.name !== 'AbortError' ? err.message : 'no answer';
    }
    if (!this.running) return;
    const now = this.deps.now();
    if (status === null) {
      const delay = this.backoff.next();
      this.stream.stop();
      this.lastCounters = null;
      this.lastFinalized = null;
      this.txWindow.length = 0;
      this.txSinceTick = 0;
      this.arrivals.length = 0;
      this.traces.push(now / 1000, {});
      this.update({ connection: { state: 'disconnected', lastSeen: this.snap.connection.lastSeen, error, nextRetryAt: now + delay, stream: false }, updatedAt: now });
      this.schedule(delay);
      return;
    }
    const wasDown = this.snap.connection.state !== 'live';
    this.backoff.reset();
    if (wasDown && this.snap.connection.state === 'disconnected') this.stream.start();
    const [extras, peers, recent] = await Promise.all([
      this.fetchExtras(status.engine),
      this.tickNo % 2 === 1 || this.snap.peers === null ? this.fetchPeers() : this.snap.peers,
      wasDown ? this.fetchRecent() : this.snap.recent,
    ]);
    this.record(now, status, telemetry, counters, peers);
    this.update({
      connection: { state: 'live', lastSeen: now, error: null, nextRetryAt: null, stream: this.stream.connected },
      status,
      telemetry,
      peers,
      recent,
      updatedAt: now,
      ...extras,
    });
    this.schedule(Math.max(0, this.options.pollMs - (this.deps.now() - started)));
  }

  /** The newest finalized entries from GET /blocks (on connecting: the stream only brings new ones), merged with any already streamed. */
  private async fetchRecent(): Promise<readonly FinalizedJson[]> {
    try {
      const r = await this.deps.getJson(`/blocks?limit=${RECENT_ENTRIES}`);
      const list = r.status === 200 && isObject(r.body) && Array.isArray(r.body['entries']) ? (r.body['entries'] as unknown[]) : [];
      const bySeq = new Map<number, FinalizedJson>();
      for (const e of [...list.map(asFinalized), ...this.snap.recent]) if (e !== null) bySeq.set(e.seq, e);
      return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, RECENT_ENTRIES);
    } catch {
      return this.snap.recent;
    }
  }

  private async fetchPeers(): Promise<readonly PeerJson[] | null> {
    try {
      const r = await this.deps.getJson('/peers');
      return r.status === 200 ? asPeers(r.body) : this.snap.peers;
    } catch {
      return this.snap.peers;
    }
  }

  private async fetchExtras(engine: string): Promise<Partial<Pick<Snapshot, 'dag' | 'epoch' | 'reports'>>> {
    const out: { dag?: Extra<readonly DagVertexJson[]>; epoch?: Extra<EpochJson>; reports?: Extra<readonly ReportJson[]> } = {};
    const jobs: Promise<void>[] = [];
    if (engine === 'negentropy' && this.due('/dag', 3)) {
      jobs.push(this.extra('/dag', '?limit=48', asDag).then((v) => void (v !== null && (out.dag = v))));
    }
    if (engine === 'thermotruth' && this.due('/epoch', 3)) {
      jobs.push(this.extra('/epoch', '', asEpoch).then((v) => void (v !== null && (out.epoch = v))));
    }
    if (this.due('/reports', 15)) jobs.push(this.extra('/reports', '', asReports).then((v) => void (v !== null && (out.reports = v))));
    await Promise.all(jobs);
    return out;
  }

  private record(now: number, status: StatusJson, telemetry: TelemetryJson | null, counters: Counters | null, peers: readonly PeerJson[] | null): void {
    const row: Record<string, number | null> = {
      [TRACE.height]: status.height,
      [TRACE.finalized]: status.finalized,
      [TRACE.peers]: peers?.length ?? status.peers,
    };
    const tel = telemetry?.telemetry;
    const gauges = telemetry?.gauges;
    if (tel !== undefined) for (const [k, v] of Object.entries(tel)) row[telemetryTrace(k)] = v;
    if (gauges !== undefined) for (const [k, v] of Object.entries(gauges)) row[gaugeTrace(k)] = v;

    // entries/s from /status deltas
    const prevF = this.lastFinalized;
    const entriesPerS = prevF === null ? null : rate(status.finalized, prevF.finalized, (now - prevF.t) / 1000);
    this.lastFinalized = { t: now, finalized: status.finalized };

    // bytes/s and ack latency from /metrics counter deltas
    const prevC = this.lastCounters;
    let bytesInPerS: number | null = null;
    let bytesOutPerS: number | null = null;
    let ackLatencyMs: number | null = null;
    if (counters !== null && prevC !== null) {
      const dt = (counters.t - prevC.t) / 1000;
      bytesInPerS = rate(counters.bytesIn, prevC.bytesIn, dt);
      bytesOutPerS = rate(counters.bytesOut, prevC.bytesOut, dt);
      const dc = counters.ackCount !== null && prevC.ackCount !== null ? counters.ackCount - prevC.ackCount : 0;
      if (dc > 0 && counters.ackSum !== null && prevC.ackSum !== null) ackLatencyMs = ((counters.ackSum - prevC.ackSum) / dc) * 1000;
    }
    if (counters !== null) this.lastCounters = counters;

    // tx/s over the last RATE_WINDOW ticks from the event stream
    let txPerS: number | null = null;
    if (this.stream.connected) {
      this.txWindow.push({ t: now, tx: this.txSinceTick });
      if (this.txWindow.length > RATE_WINDOW + 1) this.txWindow.shift();
      const first = this.txWindow[0];
      if (first !== undefined && this.txWindow.length > 1) {
        const sum = this.txWindow.slice(1).reduce((a, w) => a + w.tx, 0);
        txPerS = rate(sum, 0, (now - first.t) / 1000);
      }
    } else this.txWindow.length = 0;
    this.txSinceTick = 0;

    // mean interval between the last finalizations the stream reported
    const a = this.arrivals;
    const finalIntervalMs = a.length >= 2 ? ((a[a.length - 1] ?? 0) - (a[Math.max(0, a.length - 1 - RATE_WINDOW)] ?? 0)) / Math.min(RATE_WINDOW, a.length - 1) : null;

    const latencyKey = firstKey(tel, KEYS.finalityLatencyMs) ?? null;
    const finalityLatencyMs = latencyKey === null ? (gauges?.['finality_latency_ms'] ?? null) : (tel?.[latencyKey] ?? null);
    const mempoolKey = firstKey(tel, KEYS.mempool);
    const mempool = mempoolKey === null ? (gauges?.['mempool'] ?? null) : (tel?.[mempoolKey] ?? null);

    Object.assign(row, {
      [TRACE.entriesPerS]: entriesPerS,
      [TRACE.txPerS]: txPerS,
      [TRACE.bytesInPerS]: bytesInPerS,
      [TRACE.bytesOutPerS]: bytesOutPerS,
      [TRACE.ackLatencyMs]: ackLatencyMs,
      [TRACE.finalIntervalMs]: finalIntervalMs,
      [TRACE.finalityLatencyMs]: finalityLatencyMs,
      [TRACE.mempool]: mempool,
    });
    this.traces.push(now / 1000, row);
    this.snap = {
      ...this.snap,
      mempool,
      rates: {
        txPerS,
        entriesPerS,
        bytesInPerS: bytesInPerS ?? this.snap.rates.bytesInPerS,
        bytesOutPerS: bytesOutPerS ?? this.snap.rates.bytesOutPerS,
        finalIntervalMs,
        finalityLatencyMs,
        ackLatencyMs: ackLatencyMs ?? this.snap.rates.ackLatencyMs,
      },
    };
  }
}
