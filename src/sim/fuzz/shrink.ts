/**
 * Shrinking a failing case to a minimal one, on its explicit schedule. Greedy: try simpler
 * variants in a fixed order (drop an attack, a partition, a crash, a Byzantine node; zero loss,
 * duplication, reordering, skew; halve durations, rates and the load; drop the last node), keep
 * the first that still fails the same way, start again, until none does or the budget of runs is
 * spent. Every candidate of an in-bound case stays inside the engine's bound (`withinBound`),
 * so a shrunk in-bound failure is still a finding, not an artefact of leaving the bound.
 * Deterministic: the same case and predicate give the same shrunk case.
 */
import { SILENT } from '../adversary.js';
import type { FuzzCase, FuzzPartition } from './case.js';
import { lastFaultEndMs } from './case.js';
import { FAULTS_FROM_MS, LOAD_AFTER_HEAL_MS, withinBound } from './draw.js';

export interface ShrinkResult {
  readonly case: FuzzCase;
  /** Candidate runs tried. */
  readonly runs: number;
  /** Candidates accepted (each made the case smaller). */
  readonly steps: number;
  /** True when the budget ran out before a fixed point. */
  readonly exhausted: boolean;
}

export const DEFAULT_SHRINK_BUDGET = 150;

function without<T>(xs: readonly T[], i: number): T[] {
  return xs.filter((_, k) => k !== i);
}

function halfTime(at: number, end: number): number {
  return Math.round(at + (end - at) / 2);
}

/** The shortest load window that still covers the schedule (what the drawn case would have). */
function minDurationS(c: FuzzCase): number {
  return Math.ceil((Math.max(lastFaultEndMs(c), FAULTS_FROM_MS) + LOAD_AFTER_HEAL_MS) / 1000);
}

/** Drops node n - 1 from every reference (the case gets one node smaller). */
function dropLastNode(c: FuzzCase): FuzzCase | null {
  const last = c.nodes - 1;
  if (c.nodes <= 2) return null;
  const partitions: FuzzPartition[] = [];
  for (const p of c.partitions) {
    const groups = p.groups.map((g) => g.filter((i) => i !== last)).filter((g) => g.length > 0);
    if (groups.length === 0) continue; // the partition only cut that node off
    partitions.push({ ...p, groups });
  }
  return {
    ...c,
    nodes: last,
    byzantine: c.byzantine.filter((i) => i !== last),
    attacks: c.attacks.map((a) => (a.kind === 'withhold' ? { ...a, reach: a.reach.filter((i) => i !== last) } : a)),
    partitions,
    crashes: c.crashes.filter((x) => x.node !== last),
    skews: c.skews.slice(0, last),
    ...(c.hashPower !== undefined ? { hashPower: c.hashPower.slice(0, last) } : {}),
  };
}

/** Simpler variants of `c`, most aggressive first. */
export function* candidates(c: FuzzCase): Generator<FuzzCase> {
  for (let i = 0; i < c.attacks.length; i++) yield { ...c, attacks: without(c.attacks, i) };
  for (let i = 0; i < c.partitions.length; i++) yield { ...c, partitions: without(c.partitions, i) };
  for (let i = 0; i < c.crashes.length; i++) yield { ...c, crashes: without(c.crashes, i) };
  if (c.loss > 0) yield { ...c, loss: 0 };
  if (c.duplicate > 0) yield { ...c, duplicate: 0 };
  if (c.reorder > 0) yield { ...c, reorder: 0, reorderMaxMs: 0 };
  if (c.skews.some((s) => s !== 0)) yield { ...c, skews: c.skews.map(() => 0) };
  for (let i = 0; i < c.byzantine.length; i++) {
    const byzantine = without(c.byzantine, i);
    yield byzantine.length === 0 ? { ...c, byzantine, behaviour: SILENT, attacks: [] } : { ...c, byzantine };
  }
  if (c.behaviour !== SILENT && c.byzantine.length > 0) yield { ...c, behaviour: SILENT, attacks: [] };
  // Shorter and smaller.
  for (let i = 0; i < c.partitions.length; i++) {
    const p = c.partitions[i]!;
    if (p.healAtMs !== null && p.healAtMs - p.atMs >= 100) {
      yield { ...c, partitions: c.partitions.map((x, k) => (k === i ? { ...x, healAtMs: halfTime(x.atMs, p.healAtMs!) } : x)) };
    }
    if (p.groups.length === 1 && p.groups[0]!.length > 1) {
      yield { ...c, partitions: c.partitions.map((x, k) => (k === i ? { ...x, groups: [x.groups[0]!.slice(0, Math.ceil(x.groups[0]!.length / 2))] } : x)) };
    }
  }
  for (let i = 0; i < c.crashes.length; i++) {
    const x = c.crashes[i]!;
    if (x.restartAtMs !== null && x.restartAtMs - x.atMs >= 100) {
      yield { ...c, crashes: c.crashes.map((y, k) => (k === i ? { ...y, restartAtMs: halfTime(y.atMs, x.restartAtMs!) } : y)) };
    }
  }
  for (const a of c.attacks) {
    if (a.kind === 'flood' && a.copies > 1) yield { ...c, attacks: c.attacks.map((b) => (b === a ? { ...a, copies: Math.floor(a.copies / 2) } : b)) };
    if ((a.kind === 'replay' || a.kind === 'corrupt' || a.kind === 'oversize') && a.p > 0.01) {
      yield { ...c, attacks: c.attacks.map((b) => (b === a ? { ...a, p: Math.round(a.p * 500) / 1000 } : b)) };
    }
  }
  if (c.loss > 0.01) yield { ...c, loss: Math.round(c.loss * 500) / 1000 };
  if (c.duplicate > 0.01) yield { ...c, duplicate: Math.round(c.duplicate * 500) / 1000 };
  if (c.tps > 1) yield { ...c, tps: Math.max(1, Math.floor(c.tps / 2)) };
  const minD = minDurationS(c);
  if (c.durationS > minD) yield { ...c, durationS: minD };
  const smaller = dropLastNode(c);
  if (smaller !== null) yield smaller;
}

/** The case without schedule entries that became impossible (durations after shortening). */
function normalise(c: FuzzCase): FuzzCase {
  const minD = minDurationS(c);
  return c.durationS < minD ? { ...c, durationS: minD } : c;
}

/**
 * Shrinks `c` while `fails` holds. `fails` is called on candidates only (the caller knows `c`
 * fails); an in-bound case's candidates that leave the bound are skipped.
 */
export function shrinkCase(c: FuzzCase, fails: (candidate: FuzzCase) => boolean, budget = DEFAULT_SHRINK_BUDGET): ShrinkResult {
  let current = c;
  let runs = 0;
  let steps = 0;
  const keepBound = c.control !== true;
  for (;;) {
    let improved = false;
    for (const raw of candidates(current)) {
      const cand = normalise(raw);
      if (keepBound && !withinBound(cand)) continue;
      if (runs >= budget) return { case: current, runs, steps, exhausted: true };
      runs++;
      if (fails(cand)) {
        current = cand;
        steps++;
        improved = true;
        break;
      }
    }
    if (!improved) return { case: current, runs, steps, exhausted: false };
  }
}
