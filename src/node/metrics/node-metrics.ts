/**
 * The node's metric families, read from the runtime's, transport's and API's own counters at
 * scrape time (so the hot paths only bump plain numbers), plus the latency histograms the
 * runtime observes directly.
 */
import { readFileSync } from 'node:fs';
import type { EngineStatus } from '../../protocol/index.js';
import type { NetStats } from '../net/index.js';
import type { RuntimeStats } from '../runtime/index.js';
import { LATENCY_BUCKETS, Registry } from './registry.js';
import type { Counter, Histogram, Sample } from './registry.js';

export interface MetricSources {
  readonly engine: string;
  readonly runtime: () => {
    readonly stats: RuntimeStats;
    readonly queueLength: number;
    readonly queuedMessageBytes: number;
    readonly pendingSubmissions: number;
    readonly inFlightBatches: number;
    readonly gauges: ReadonlyMap<string, number>;
  };
  readonly status: () => EngineStatus;
  readonly net: () => { readonly stats: NetStats; readonly peers: number; readonly validators: number } | null;
  readonly sseClients: () => number;
}

export interface NodeMetrics {
  readonly registry: Registry;
  readonly commitSeconds: Histogram;
  readonly ackSeconds: Histogram;
  readonly httpRequests: Counter;
}

/** RssAnon and RssFile from /proc/self/status (Linux), or null elsewhere. */
function residentSplit(): { anonymous: number; file: number } | null {
  let text: string;
  try {
    text = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return null;
  }
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { anonymous: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') };
}

function record(o: Readonly<Record<string, number>>, label: string): Sample[] {
  return Object.entries(o).map(([k, value]) => ({ labels: { [label]: k }, value }));
}

export function createNodeMetrics(src: MetricSources): NodeMetrics {
  const r = new Registry();
  const engine = { engine: src.engine };
  r.callback('gauge', 'thermo_info', 'Node information (value is always 1)', () => [{ labels: { ...engine, version: '0.1.0' }, value: 1 }]);
  r.callback('gauge', 'thermo_height', 'Chain height or DAG size of the latest durable finalized state', () => [{ value: src.status().height }]);
  r.callback('counter', 'thermo_finalized_total', 'Entries in the finalized log', () => [{ value: src.status().finalized }]);
  r.callback('gauge', 'thermo_engine_telemetry', 'Engine gauges (temperature, coherence, difficulty, mempool, ...)', () => {
    const out: Sample[] = Object.entries(src.status().telemetry).map(([k, value]) => ({ labels: { name: k }, value }));
    for (const [k, value] of src.runtime().gauges) out.push({ labels: { name: `metric:${k}` }, value });
    return out;
  });
  r.callback('counter', 'thermo_inputs_total', 'Engine inputs handled, by kind', () => record(src.runtime().stats.inputs, 'kind'));
  r.callback('counter', 'thermo_effects_total', 'Engine effects executed, by kind', () => record(src.runtime().stats.effects, 'kind'));
  r.callback('counter', 'thermo_txs_accepted_total', 'Client transactions acknowledged (durable)', () => [{ value: src.runtime().stats.accepted }]);
  r.callback('counter', 'thermo_txs_rejected_total', 'Client transactions the engine refused', () => [{ value: src.runtime().stats.rejected }]);
  r.callback('counter', 'thermo_txs_refused_busy_total', 'Client transactions refused because the queue was full', () => [{ value: src.runtime().stats.refusedTransactions }]);
  r.callback('counter', 'thermo_messages_dropped_total', 'Peer messages dropped because the input queue was full', () => [{ value: src.runtime().stats.droppedMessages }]);
  r.callback('counter', 'thermo_store_batches_total', 'Atomic store batches written', () => [{ value: src.runtime().stats.batches }]);
  r.callback('gauge', 'thermo_queue_length', 'Inputs waiting for the engine', () => [{ value: src.runtime().queueLength }]);
  r.callback('gauge', 'thermo_queue_message_bytes', 'Encoded bytes of the peer messages waiting for the engine', () => [{ value: src.runtime().queuedMessageBytes }]);
  r.callback('gauge', 'thermo_pending_submissions', 'Client submissions waiting for their acknowledgement', () => [{ value: src.runtime().pendingSubmissions }]);
  r.callback('gauge', 'thermo_store_batches_in_flight', 'Store batches written but not yet durable', () => [{ value: src.runtime().inFlightBatches }]);
  r.callback('gauge', 'thermo_peers', 'Connected peers', () => [{ value: src.net()?.peers ?? 0 }]);
  r.callback('gauge', 'thermo_validator_peers', 'Connected peers that are validators', () => [{ value: src.net()?.validators ?? 0 }]);
  const net = (f: (s: NetStats) => number) => (): Sample[] => {
    const n = src.net();
    return n === null ? [] : [{ value: f(n.stats) }];
  };
  r.callback('counter', 'thermo_net_frames_in_total', 'Frames and gossip messages received', net((s) => s.framesIn));
  r.callback('counter', 'thermo_net_frames_out_total', 'Frames and gossip messages sent', net((s) => s.framesOut));
  r.callback('counter', 'thermo_net_bytes_in_total', 'Bytes received in frames', net((s) => s.bytesIn));
  r.callback('counter', 'thermo_net_bytes_out_total', 'Bytes sent in frames', net((s) => s.bytesOut));
  r.callback('counter', 'thermo_net_messages_in_total', 'Engine messages received', net((s) => s.messagesIn));
  r.callback('counter', 'thermo_net_messages_out_total', 'Engine messages sent', net((s) => s.messagesOut));
  r.callback('counter', 'thermo_net_dropped_out_total', 'Outbound engine messages dropped (peer not connected or too slow)', net((s) => s.droppedOut));
  r.callback('counter', 'thermo_net_rate_limited_total', 'Inbound frames dropped by a per-peer rate limit', net((s) => s.rateLimited));
  r.callback('counter', 'thermo_net_bans_total', 'Peers disconnected and refused for misbehaviour', net((s) => s.bans));
  r.callback('counter', 'thermo_net_penalties_total', 'Peer penalties, by code', () => {
    const n = src.net();
    return n === null ? [] : record(n.stats.penalties, 'code');
  });
  r.callback('gauge', 'thermo_sse_clients', 'Connected server-sent-event clients', () => [{ value: src.sseClients() }]);
  r.callback('gauge', 'process_resident_memory_bytes', 'Resident set size', () => [{ value: process.memoryUsage.rss() }]);
  r.callback('gauge', 'process_resident_memory_split_bytes', 'Resident memory by kind on Linux: anonymous (heap, buffers) and file (code, the lmdb map)', () => {
    const split = residentSplit();
    return split === null ? [] : [{ labels: { kind: 'anonymous' }, value: split.anonymous }, { labels: { kind: 'file' }, value: split.file }];
  });
  r.callback('gauge', 'nodejs_heap_used_bytes', 'V8 heap in use', () => [{ value: process.memoryUsage().heapUsed }]);
  r.callback('gauge', 'nodejs_heap_total_bytes', 'V8 heap committed', () => [{ value: process.memoryUsage().heapTotal }]);
  r.callback('gauge', 'nodejs_array_buffers_bytes', 'Memory of ArrayBuffers and Buffers', () => [{ value: process.memoryUsage().arrayBuffers }]);
  r.callback('gauge', 'nodejs_external_bytes', 'Memory of C++ objects bound to JS (buffers, lmdb)', () => [{ value: process.memoryUsage().external }]);
  r.callback('counter', 'process_cpu_seconds_total', 'User and system CPU time of this process', () => {
    const u = process.cpuUsage();
    return [{ value: (u.user + u.system) / 1e6 }];
  });
  r.callback('gauge', 'process_uptime_seconds', 'Seconds since the process started', () => [{ value: process.uptime() }]);
  const commitSeconds = r.histogram('thermo_store_commit_seconds', 'Store batch write-to-durable latency', LATENCY_BUCKETS);
  const ackSeconds = r.histogram('thermo_tx_ack_seconds', 'Client transaction submit-to-acknowledgement latency', LATENCY_BUCKETS);
  const httpRequests = r.counter('thermo_http_requests_total', 'HTTP requests, by route and status');
  return { registry: r, commitSeconds, ackSeconds, httpRequests };
}
