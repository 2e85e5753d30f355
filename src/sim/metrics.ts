/**
 * Run metrics.
 *
 *  - finality latency of a transaction = time it is finalized at the node it was first
 *    submitted to, minus the time of that first submission (client resubmissions keep the
 *    first time); also "at all honest": until the last honest node finalized it (only
 *    transactions every honest node finalized contribute).
 *  - percentiles: nearest-rank on the sorted samples, P_p = x[ceil(p/100 * N) - 1] (no
 *    interpolation, so every reported value is an observed latency); null when N = 0.
 *  - tps = transactions finalized at their submitting node within [0, duration] / duration s.
 *  - bytes and messages per node, out (everything the node sent, including copies the network
 *    then lost) and in (copies delivered to it), with FRAMING_BYTES per message.
 *  - gauges from `metric` effects: last value per node, and once per simulated second the
 *    min/mean/max across honest nodes that reported it (the series).
 */

export interface TxRecord {
  readonly index: number;
  readonly submitNode: number;
  readonly submitAt: number;
  ackAt: number;
  /** At the submitting node; -1 until then. */
  finalAt: number;
  /** First finalization at any honest node; -1 until then. */
  firstFinalAt: number;
  honestFinalCount: number;
  allHonestAt: number;
}

export interface NodeTraffic {
  bytesOut: number;
  bytesIn: number;
  msgsOut: number;
  msgsIn: number;
}

export interface GaugeSample {
  readonly t: number;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
}

/** Nearest-rank percentile of ascending-sorted samples; null for none. */
export function percentile(sorted: readonly number[] | Float64Array, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.ceil((p / 100) * n);
  const idx = rank < 1 ? 0 : rank > n ? n - 1 : rank - 1;
  return sorted[idx]!;
}

export class Gauges {
  /** name -> per-node last value (NaN = never reported). */
  private readonly last = new Map<string, Float64Array>();
  private readonly series = new Map<string, GaugeSample[]>();

  constructor(
    private readonly n: number,
    private readonly honest: readonly boolean[],
    private readonly maxNames: number = 256,
    private readonly maxSamples: number = 100_000,
  ) {}

  set(node: number, name: string, value: number): void {
    let arr = this.last.get(name);
    if (arr === undefined) {
      if (this.last.size >= this.maxNames) return;
      arr = new Float64Array(this.n).fill(Number.NaN);
      this.last.set(name, arr);
    }
    arr[node] = value;
  }

  /** Records one sample of every gauge at simulated second `t`. */
  sample(t: number): void {
    for (const [name, arr] of this.last) {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      let sum = 0;
      let k = 0;
      for (let i = 0; i < this.n; i++) {
        const v = arr[i]!;
        if (!this.honest[i] || Number.isNaN(v)) continue;
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
        k++;
      }
      if (k === 0) continue;
      let s = this.series.get(name);
      if (s === undefined) {
        s = [];
        this.series.set(name, s);
      }
      if (s.length < this.maxSamples) s.push(Object.freeze({ t, min, mean: sum / k, max }));
    }
  }

  lastValues(): Readonly<Record<string, readonly (number | null)[]>> {
    const out: Record<string, (number | null)[]> = {};
    for (const name of [...this.last.keys()].sort()) out[name] = Array.from(this.last.get(name)!, (v) => (Number.isNaN(v) ? null : v));
    return out;
  }

  allSeries(): Readonly<Record<string, readonly GaugeSample[]>> {
    const out: Record<string, readonly GaugeSample[]> = {};
    for (const name of [...this.series.keys()].sort()) out[name] = this.series.get(name)!;
    return out;
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly mean: number | null;
  readonly max: number | null;
}

export function summarize(samples: number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return Object.freeze({
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length === 0 ? null : sum / sorted.length,
    max: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
  });
}
