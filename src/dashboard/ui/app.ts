/**
 * The page: header, headline numbers, oscilloscope traces, the engine's own panel, peers,
 * telemetry, recent finalizations and reports. Re-renders on every model change; the traces'
 * charts are long-lived (scope.ts).
 */
import { h } from 'preact';
import type { ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { LiveModel, Snapshot } from '../live/model.js';
import { KEYS, TRACE, Z_C, firstKey, telemetryTrace } from '../live/names.js';
import { DagPanel } from './dag.js';
import { EpochPanel } from './epoch.js';
import { bytes, bytesShort, num } from './format.js';
import { Header } from './header.js';
import { ReportsPanel } from './reports.js';
import { Scope } from './scope.js';
import type { ScopeProps } from './scope.js';
import { Stat } from './stat.js';
import { PeersPanel, RecentPanel, TelemetryPanel } from './tables.js';

const GREEN = '#7ef0c0';
const BLUE = '#6cb6ff';
const AMBER = '#ffb86c';
const PINK = '#ff7ab2';
const ZC_REF = { value: Z_C, label: 'z_c = √3/2 ≈ 0.866', color: '#e0b050' };

type ScopeSpec = Omit<ScopeProps, 'traces' | 'version'>;

/** The engine's gauges worth a trace, by which telemetry keys the node reports. */
function engineScopes(snap: Snapshot): ScopeSpec[] {
  const tel = snap.telemetry?.telemetry;
  const out: ScopeSpec[] = [];
  const t = firstKey(tel, KEYS.temperature);
  if (t !== null) out.push({ id: 'temperature', title: 'Temperature T(t)', series: [{ trace: telemetryTrace(t), label: 'T', color: AMBER }] });
  const r = firstKey(tel, KEYS.coherence);
  if (r !== null) out.push({ id: 'coherence', title: 'Coherence r of recent blocks', series: [{ trace: telemetryTrace(r), label: 'r', color: GREEN }], refs: [ZC_REF] });
  const d = firstKey(tel, KEYS.difficulty);
  if (d !== null) out.push({ id: 'difficulty', title: d.toLowerCase().includes('log2') ? 'Difficulty (log2 of expected work)' : 'Difficulty', series: [{ trace: telemetryTrace(d), label: 'd', color: PINK }] });
  if (out.length === 0 && tel !== undefined) {
    const keys = Object.keys(tel).filter((k) => !KEYS.mempool.includes(k)).slice(0, 3);
    if (keys.length > 0) out.push({ id: 'engine', title: `Engine gauges (${snap.status?.engine ?? ''})`, series: keys.map((k, i) => ({ trace: telemetryTrace(k), label: k, color: [GREEN, BLUE, AMBER][i] ?? GREEN })) });
  }
  return out;
}

function commonScopes(snap: Snapshot): ScopeSpec[] {
  const haveLatency = snap.rates.finalityLatencyMs !== null;
  return [
    haveLatency
      ? { id: 'finality', title: 'Finality latency', unit: 'ms', zero: true, series: [{ trace: TRACE.finalityLatencyMs, label: 'p50', color: GREEN }, { trace: TRACE.finalIntervalMs, label: 'interval', color: BLUE }] }
      : {
          id: 'finality',
          title: 'Finality: time between finalizations',
          unit: 'ms',
          zero: true,
          note: 'waiting for finalized events…',
          series: [{ trace: TRACE.finalIntervalMs, label: 'interval', color: GREEN }, { trace: TRACE.ackLatencyMs, label: 'ack', color: BLUE }],
        },
    { id: 'throughput', title: 'Throughput', zero: true, series: [{ trace: TRACE.txPerS, label: 'tx/s', color: GREEN }, { trace: TRACE.entriesPerS, label: 'entries/s', color: BLUE }] },
    { id: 'bytes', title: 'Network bytes', unit: '/s', zero: true, format: bytes, axisFormat: bytesShort, series: [{ trace: TRACE.bytesInPerS, label: 'in', color: GREEN }, { trace: TRACE.bytesOutPerS, label: 'out', color: BLUE }] },
    { id: 'mempool', title: 'Mempool depth', zero: true, note: 'the engine reports no mempool gauge', series: [{ trace: TRACE.mempool, label: 'txs', color: AMBER }] },
    { id: 'height', title: 'Height and finalized entries', series: [{ trace: TRACE.height, label: 'height', color: GREEN }, { trace: TRACE.finalized, label: 'finalized', color: BLUE }] },
  ];
}

function Stats({ snap }: { readonly snap: Snapshot }): ComponentChild {
  const s = snap.status;
  const r = snap.rates;
  return h(
    'div',
    { class: 'stats' },
    h(Stat, { label: 'height', testid: 'height', value: s?.height ?? null, text: num(s?.height) }),
    h(Stat, { label: 'finalized', testid: 'finalized', value: s?.finalized ?? null, text: num(s?.finalized) }),
    h(Stat, { label: 'peers', testid: 'peers', value: s?.peers ?? null, text: num(s?.peers) }),
    h(Stat, { label: 'mempool', testid: 'mempool', value: snap.mempool, text: num(snap.mempool) }),
    h(Stat, { label: 'throughput', testid: 'tps', value: r.txPerS, text: num(r.txPerS), unit: 'tx/s' }),
    h(Stat, { label: 'finality', testid: 'finality', value: r.finalityLatencyMs ?? r.finalIntervalMs, text: num(r.finalityLatencyMs ?? r.finalIntervalMs, 0), unit: 'ms', title: r.finalityLatencyMs === null ? 'mean time between finalizations (the node reports no finality latency)' : 'p50 submission-to-final latency' }),
    h(Stat, { label: 'bytes in', testid: 'bytes-in', value: r.bytesInPerS, text: bytes(r.bytesInPerS), unit: '/s' }),
    h(Stat, { label: 'bytes out', testid: 'bytes-out', value: r.bytesOutPerS, text: bytes(r.bytesOutPerS), unit: '/s' }),
  );
}

export function App({ model, base }: { readonly model: LiveModel; readonly base: string }): ComponentChild {
  const [snap, setSnap] = useState<Snapshot>(model.snapshot);
  const [now, setNow] = useState(Date.now());
  useEffect(() => model.subscribe(setSnap), [model]);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const engine = snap.status?.engine ?? snap.telemetry?.engine ?? '';
  const version = model.traces.length === 0 ? 0 : (snap.updatedAt ?? 0);
  const scopes = [...engineScopes(snap), ...commonScopes(snap)];
  return h(
    'div',
    { class: `app ${snap.connection.state}`, 'data-testid': 'app', 'data-updated-at': String(snap.updatedAt ?? ''), 'data-samples': String(model.traces.pushed) },
    h(Header, { snap, now }),
    snap.connection.state === 'disconnected' ? h('div', { class: 'banner', 'data-testid': 'disconnected-banner' }, `Disconnected from the node${snap.connection.error === null ? '' : ` (${snap.connection.error})`}: retrying. The traces keep their history.`) : null,
    h(Stats, { snap }),
    h('div', { class: 'scopes' }, scopes.map((sc) => h(Scope, { key: sc.id, ...sc, traces: model.traces, version }))),
    engine === 'negentropy' ? h(DagPanel, { dag: snap.dag, telemetry: snap.telemetry?.telemetry ?? null }) : null,
    engine === 'thermotruth' ? h(EpochPanel, { epoch: snap.epoch, telemetry: snap.telemetry?.telemetry ?? null }) : null,
    h(
      'div',
      { class: 'columns' },
      h(PeersPanel, { peers: snap.peers }),
      h(TelemetryPanel, { telemetry: snap.telemetry?.telemetry ?? null, gauges: snap.telemetry?.gauges ?? null }),
      h(RecentPanel, { recent: snap.recent }),
    ),
    h(ReportsPanel, { reports: snap.reports, base }),
    h('footer', { class: 'foot muted small' }, `Fed only by the node's HTTP API (${base}): /status, /telemetry, /peers, /metrics, /events. Traces keep the last ${model.traces.capacity} samples.`),
  );
}
