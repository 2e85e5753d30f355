/**
 * Fault injection: what goes wrong, and when. All of it is part of the scenario config, so a
 * run with faults replays exactly like one without.
 *
 *  - loss: each message copy is dropped with probability `loss` (independent per copy).
 *  - duplicate: each delivered copy is delivered a second time, with probability `duplicate`,
 *    after an independently drawn latency.
 *  - reorder: with probability `reorder` a copy gets an extra delay uniform in
 *    [0, reorderMaxMs], so it can overtake or be overtaken by later messages (jitter alone
 *    already reorders; this makes it heavy).
 *  - partitions: from `atMs` until `healAtMs` (null: never heals) the nodes are split into
 *    `groups` (nodes not listed form one more group together); a copy whose endpoints are in
 *    different groups is dropped, whether it is sent during the partition or was in flight
 *    when it started. Partitions must not overlap in time. `oneWay` makes one asymmetric: only
 *    copies sent from the first group to the others are dropped.
 *  - crashes: node `node` stops at `atMs` (engine state, inbox, timers, jobs and unsynced writes
 *    are lost; messages to it are dropped) and, unless `restartAtMs` is null, comes back at
 *    `restartAtMs` with a fresh engine built from its durable records.
 *  - clock skew: each node's clock is offset by a constant drawn in [-clockSkewMs, +clockSkewMs]
 *    (or `skews` given per node).
 */
import { badConfig, SimError } from './errors.js';

export interface PartitionSpec {
  readonly atMs: number;
  readonly healAtMs: number | null;
  readonly groups: readonly (readonly number[])[];
  /**
   * Asymmetric partition: only copies sent from the first group to nodes outside it are dropped
   * (the first group still hears everyone; nobody hears it). Absent: symmetric.
   */
  readonly oneWay?: boolean;
}

export interface CrashSpec {
  readonly node: number;
  readonly atMs: number;
  readonly restartAtMs: number | null;
}

export interface FaultConfig {
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly reorderMaxMs: number;
  readonly partitions: readonly PartitionSpec[];
  readonly crashes: readonly CrashSpec[];
  readonly clockSkewMs: number;
  readonly skews?: readonly number[];
}

export const NO_FAULTS: FaultConfig = Object.freeze({
  loss: 0,
  duplicate: 0,
  reorder: 0,
  reorderMaxMs: 0,
  partitions: Object.freeze([]),
  crashes: Object.freeze([]),
  clockSkewMs: 0,
});

function probability(v: number, field: string): void {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw badConfig(field, 'a probability in [0, 1]');
}

function time(v: number, field: string): void {
  if (!Number.isFinite(v) || v < 0) throw badConfig(field, 'a non-negative time in ms');
}

/** Checks ranges and schedules (node indices, order of times, no overlapping partitions). */
export function validateFaults(f: FaultConfig, n: number): void {
  probability(f.loss, 'faults.loss');
  probability(f.duplicate, 'faults.duplicate');
  probability(f.reorder, 'faults.reorder');
  time(f.reorderMaxMs, 'faults.reorderMaxMs');
  time(f.clockSkewMs, 'faults.clockSkewMs');
  const sorted = [...f.partitions].sort((a, b) => a.atMs - b.atMs);
  let lastEnd = -1;
  for (const p of sorted) {
    time(p.atMs, 'faults.partitions.atMs');
    if (p.healAtMs !== null && !(p.healAtMs > p.atMs)) throw badConfig('faults.partitions.healAtMs', 'after atMs');
    if (p.oneWay === true && p.groups.length === 0) throw badConfig('faults.partitions.oneWay', 'needs a first group');
    if (p.atMs < lastEnd) throw new SimError({ code: 'SIM_BAD_SCHEDULE', what: 'partitions', reason: 'partitions overlap in time' });
    lastEnd = p.healAtMs ?? Number.POSITIVE_INFINITY;
    const seen = new Set<number>();
    for (const g of p.groups) {
      for (const i of g) {
        if (!Number.isInteger(i) || i < 0 || i >= n) throw badConfig('faults.partitions.groups', `node ${i} out of range`);
        if (seen.has(i)) throw badConfig('faults.partitions.groups', `node ${i} in two groups`);
        seen.add(i);
      }
    }
  }
  const downAt = new Map<number, number>();
  for (const c of [...f.crashes].sort((a, b) => a.atMs - b.atMs)) {
    if (!Number.isInteger(c.node) || c.node < 0 || c.node >= n) throw badConfig('faults.crashes.node', `node ${c.node} out of range`);
    time(c.atMs, 'faults.crashes.atMs');
    if (c.restartAtMs !== null && !(c.restartAtMs > c.atMs)) throw badConfig('faults.crashes.restartAtMs', 'after atMs');
    const prev = downAt.get(c.node);
    if (prev !== undefined && c.atMs < prev) {
      throw new SimError({ code: 'SIM_BAD_SCHEDULE', what: 'crashes', reason: `node ${c.node} crashes again before it restarted` });
    }
    downAt.set(c.node, c.restartAtMs ?? Number.POSITIVE_INFINITY);
  }
  if (f.skews !== undefined) {
    if (f.skews.length !== n) throw badConfig('faults.skews', `expected ${n} values`);
    for (const s of f.skews) if (!Number.isFinite(s)) throw badConfig('faults.skews', 'finite numbers');
  }
}

/** The group of every node under a partition (unlisted nodes share the last group). */
export function partitionGroups(p: PartitionSpec, n: number): Int32Array {
  const out = new Int32Array(n).fill(p.groups.length);
  p.groups.forEach((g, gi) => {
    for (const i of g) out[i] = gi;
  });
  return out;
}

export const FAULT_PRESETS = Object.freeze(['none', 'lossy', 'partition', 'crash', 'skew', 'chaos'] as const);
export type FaultPreset = (typeof FAULT_PRESETS)[number];

/**
 * Named fault mixes for the CLI (`--faults NAME`). They expand into explicit fields, and the
 * replay command prints those fields, never the preset name, so a replay does not depend on
 * what a preset meant when the run happened.
 *   lossy:     5% loss, 1% duplication, 5% reordered by up to 200 ms
 *   partition: the last floor((n - 1) / 3) nodes cut off from 1/3 to 2/3 of the duration
 *   crash:     node n - 1 crashes at 1/3 of the duration and restarts at 2/3
 *   skew:      clocks skewed by up to 250 ms
 *   chaos:     all of the above
 */
export function faultPreset(name: string, n: number, durationMs: number): Partial<FaultConfig> {
  const third = Math.round(durationMs / 3);
  const lossy = { loss: 0.05, duplicate: 0.01, reorder: 0.05, reorderMaxMs: 200 };
  const minority = Math.floor((n - 1) / 3);
  const partition =
    minority > 0
      ? { partitions: [{ atMs: third, healAtMs: 2 * third, groups: [Array.from({ length: minority }, (_, k) => n - minority + k)] }] }
      : {};
  const crash = { crashes: [{ node: n - 1, atMs: third, restartAtMs: 2 * third }] };
  const skew = { clockSkewMs: 250 };
  switch (name) {
    case 'none':
      return {};
    case 'lossy':
      return lossy;
    case 'partition':
      return partition;
    case 'crash':
      return crash;
    case 'skew':
      return skew;
    case 'chaos':
      return { ...lossy, ...partition, ...crash, ...skew };
    default:
      throw badConfig('faults', `unknown preset ${name}; known: ${FAULT_PRESETS.join(', ')}`);
  }
}
