/** The claims' plots, built from the runner's data with the project's own SVG writer (svg.ts). */
import type { MetricName } from './measure.js';
import type { ClaimsData, Point } from './run.js';
import { lineChart } from './svg.js';
import type { Series } from './svg.js';

function series(points: readonly Point[], engines: readonly string[], xKey: string, metric: MetricName, scale = 1): Series[] {
  return engines
    .map((engine) => ({
      name: engine,
      points: points
        .filter((p) => p.engine === engine)
        .map((p) => {
          const s = p.stats[metric];
          const m = (v: number | null): number | null => (v === null ? null : v * scale);
          return { x: Number(p.key[xKey]), y: m(s.median), lo: m(s.lo), hi: m(s.hi) };
        }),
    }))
    .filter((s) => s.points.length > 0);
}

/** File name -> SVG text. */
export function plotsOf(data: ClaimsData): Map<string, string> {
  const out = new Map<string, string>();
  const scale = data.points.filter((p) => p.experiment === 'scale');
  const engines = [...new Set(data.points.map((p) => p.engine))];
  const rtt = data.plan.latency.kind === 'fixed' ? `${data.plan.latency.rttMs} ms RTT` : 'region latency';
  const scaled: [string, MetricName, string, string][] = [
    ['latency-vs-n.svg', 'latencyP50', 'Transaction latency vs n', 'median latency p50 (ms)'],
    ['messages-vs-n.svg', 'msgsPerDecision', 'Messages per decision vs n', 'messages / decision'],
    ['bytes-vs-n.svg', 'bytesPerDecision', 'Bytes per decision vs n', 'bytes / decision'],
    ['sigchecks-vs-n.svg', 'sigChecksPerDecision', 'Signature checks per decision vs n', 'signature checks / decision'],
  ];
  for (const [file, metric, title, yLabel] of scaled) {
    out.set(
      file,
      lineChart({
        title: `${title} (${rtt}, medians with 95% CI)`,
        xLabel: 'validators n',
        yLabel,
        logX: true,
        logY: true,
        series: series(scale, engines, 'n', metric),
        ...(metric === 'latencyP50' ? { references: [{ y: 500, label: 'design: 500 ms at n = 100' }] } : {}),
      }),
    );
  }
  out.set(
    'throughput-vs-load.svg',
    lineChart({
      title: `Throughput vs offered load (n = ${data.plan.load.n})`,
      xLabel: 'offered load (tx/s)',
      yLabel: 'finalized tx/s',
      logX: true,
      logY: true,
      series: series(
        data.points.filter((p) => p.experiment === 'load'),
        engines,
        'load',
        'tps',
      ),
      references: [{ y: 200, label: 'design: 200 TPS' }],
    }),
  );
  for (const rule of data.plan.error.rules) {
    const pts = data.points.filter((p) => p.experiment === 'error' && p.key['rule'] === rule);
    const byAdversary: Series[] = data.plan.error.adversaries.map((adversary) => ({
      name: adversary,
      points: pts
        .filter((p) => p.key['adversary'] === adversary || p.key['adversary'] === 'none')
        .map((p) => ({ x: 100 * Number(p.key['fraction']), y: p.stats.error.median, lo: p.stats.error.lo, hi: p.stats.error.hi }))
        .sort((a, b) => a.x - b.x),
    }));
    out.set(
      `error-vs-byzantine-${rule}.svg`,
      lineChart({
        title: `Aggregate error vs Byzantine fraction, rule '${rule}' (n = ${data.plan.error.n})`,
        xLabel: 'Byzantine nodes (%)',
        yLabel: 'error / honest spread',
        logY: true,
        series: byAdversary,
        references: [{ y: 0.05, label: 'design: 0.05' }],
      }),
    );
  }
  out.set(
    'bytes-per-tx.svg',
    lineChart({
      title: `Bytes per committed transaction (${data.plan.bandwidthClaim.tps} tx/s offered)`,
      xLabel: 'validators n',
      yLabel: 'bytes / committed tx (all nodes)',
      logX: true,
      logY: true,
      series: series(
        data.points.filter((p) => p.experiment === 'bandwidth'),
        engines,
        'n',
        'bytesPerTx',
      ),
    }),
  );
  return out;
}
