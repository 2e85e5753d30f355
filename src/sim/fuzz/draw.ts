/**
 * Drawing a fuzz case from a seed: node count, Byzantine nodes and behaviour (inside the
 * engine's bound, profiles.ts), generic attacks, loss, duplication, reordering, partitions
 * (isolate one, split, asymmetric one-way) with heals, crashes with restarts (unsynced writes
 * are dropped by the simulator's storage model), clock skew, load. Pure: the same (engine, seed,
 * options) always gives the same case.
 */
import { Prng } from '../../core/index.js';
import type { CrashSpec } from '../faults.js';
import { SILENT } from '../adversary.js';
import type { AttackSpec, FuzzCase, FuzzPartition, PartitionKind } from './case.js';
import { FUZZ_CASE_VERSION, badCase, lastFaultEndMs } from './case.js';
import type { EngineProfile } from './profiles.js';
import { HONEST_BEHAVIOUR, profileOf, PROFILES } from './profiles.js';

export interface DrawOptions {
  /** Smallest node count drawn (default 4). */
  readonly minNodes?: number;
  /** Largest node count drawn (default 31). */
  readonly maxNodes?: number;
}

export const SWARM_MIN_NODES = 4;
export const SWARM_MAX_NODES = 31;
/** Faults start at this time (ms), after the nodes had a moment to start. */
export const FAULTS_FROM_MS = 1_000;
/** Partitions and crashes begin within this window after FAULTS_FROM_MS. */
export const FAULT_WINDOW_MS = 6_000;
/** Longest partition drawn unless the profile says less, ms. */
export const MAX_PARTITION_MS = 5_000;
/** Longest a crashed node stays down, ms. */
export const MAX_DOWN_MS = 4_000;
/** Client load keeps coming this long after the last heal or restart, ms. */
export const LOAD_AFTER_HEAL_MS = 3_000;

export function requireProfile(engine: string): EngineProfile {
  const p = profileOf(engine);
  if (p === undefined) throw badCase(`no swarm profile for engine ${engine}; known: ${[...PROFILES.keys()].join(', ')}`);
  return p;
}

function uniform(rng: Prng, lo: number, hi: number): number {
  return lo + rng.nextFloat() * (hi - lo);
}

/** Rounded to 1/1000 (keeps encoded cases short; every value is still exact in JSON). */
function r3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function subset(rng: Prng, n: number, size: number): number[] {
  return rng
    .shuffled(Array.from({ length: n }, (_, i) => i))
    .slice(0, size)
    .sort((a, b) => a - b);
}

function drawPartition(rng: Prng, n: number, atMs: number, maxMs: number): FuzzPartition {
  const kinds: readonly PartitionKind[] = ['isolate', 'split', 'asymmetric'];
  const kind = kinds[rng.nextInt(kinds.length)]!;
  const healAtMs = atMs + Math.round(uniform(rng, Math.min(200, maxMs), maxMs));
  if (kind === 'isolate') return { kind, atMs, healAtMs, groups: [[rng.nextInt(n)]] };
  const first = subset(rng, n, 1 + rng.nextInt(n - 1));
  return kind === 'split' ? { kind, atMs, healAtMs, groups: [first] } : { kind, atMs, healAtMs, groups: [first], oneWay: true };
}

function drawAttacks(rng: Prng, n: number): AttackSpec[] {
  const out: AttackSpec[] = [];
  if (rng.nextBool(0.25)) out.push({ kind: 'withhold', reach: subset(rng, n, rng.nextInt(n)) });
  if (rng.nextBool(0.25)) out.push({ kind: 'replay', p: r3(uniform(rng, 0.05, 0.5)) });
  if (rng.nextBool(0.25)) out.push({ kind: 'corrupt', p: r3(uniform(rng, 0.01, 0.2)) });
  if (rng.nextBool(0.2)) out.push({ kind: 'oversize', p: r3(uniform(rng, 0.002, 0.02)), bytes: [256, 4_096, 65_536][rng.nextInt(3)]! });
  if (rng.nextBool(0.2)) out.push({ kind: 'flood', copies: 1 + rng.nextInt(4) });
  return out;
}

/** The case seed `seed` draws for `engine` (inside the engine's documented bound). */
export function drawCase(engine: string, seed: number, options: DrawOptions = {}): FuzzCase {
  const profile = requireProfile(engine);
  if (!Number.isSafeInteger(seed) || seed < 0) throw badCase('seed: a non-negative safe integer');
  const minNodes = options.minNodes ?? SWARM_MIN_NODES;
  const maxNodes = options.maxNodes ?? SWARM_MAX_NODES;
  if (!Number.isInteger(minNodes) || !Number.isInteger(maxNodes) || minNodes < 2 || maxNodes < minNodes) throw badCase('node range: 2 <= min <= max');
  const rng = Prng.fromSeed(seed).derive(`fuzz/${engine}`);
  const n = minNodes + rng.nextInt(maxNodes - minNodes + 1);

  // Byzantine nodes: half the time exactly at the bound (the edge is where bugs live).
  const fmax = profile.bound(n);
  const count = fmax === 0 ? 0 : rng.nextBool(0.5) ? fmax : rng.nextInt(fmax + 1);
  const pool = Array.from({ length: n }, (_, i) => i).filter((i) => profile.byzantineMayLead || i !== 0);
  const byzantine = rng
    .shuffled(pool)
    .slice(0, count)
    .sort((a, b) => a - b);
  const behaviour = count === 0 ? SILENT : profile.behaviours[rng.nextInt(profile.behaviours.length)]!;
  const attacks = count > 0 && behaviour !== SILENT ? drawAttacks(rng, n) : [];

  const loss = rng.nextBool(0.5) ? r3(uniform(rng, 0, 0.3)) : 0;
  const duplicate = rng.nextBool(0.5) ? r3(uniform(rng, 0, 0.5)) : 0;
  const reorder = rng.nextBool(0.5) ? r3(uniform(rng, 0, 0.5)) : 0;
  const reorderMaxMs = reorder > 0 ? Math.round(uniform(rng, 10, 1_000)) : 0;

  const partitions: FuzzPartition[] = [];
  const maxPart = profile.maxPartitionMs ?? MAX_PARTITION_MS;
  let t = FAULTS_FROM_MS + rng.nextInt(FAULT_WINDOW_MS / 3);
  const partitionCount = rng.nextInt(3);
  for (let k = 0; k < partitionCount; k++) {
    const p = drawPartition(rng, n, t, maxPart);
    partitions.push(p);
    t = p.healAtMs! + 1 + rng.nextInt(1_500);
  }

  const crashes: CrashSpec[] = [];
  const downUntil = new Map<number, number>();
  const crashCount = rng.nextInt(4);
  for (let k = 0; k < crashCount; k++) {
    const node = rng.nextInt(n);
    const atMs = FAULTS_FROM_MS + rng.nextInt(FAULT_WINDOW_MS);
    const restartAtMs = atMs + Math.round(uniform(rng, 200, MAX_DOWN_MS));
    const prev = downUntil.get(node);
    if (prev !== undefined) continue; // one crash per node keeps the schedule valid
    downUntil.set(node, restartAtMs);
    crashes.push({ node, atMs, restartAtMs });
  }
  crashes.sort((a, b) => a.atMs - b.atMs || a.node - b.node);

  const skewBound = rng.nextBool(0.5) ? Math.round(uniform(rng, 10, 1_000)) : 0;
  const skews = Array.from({ length: n }, () => (skewBound === 0 ? 0 : Math.round(uniform(rng, -skewBound, skewBound))));
  const [tpsLo, tpsHi] = profile.tps;
  const tps = tpsLo + rng.nextInt(tpsHi - tpsLo + 1);

  const draft: FuzzCase = {
    v: FUZZ_CASE_VERSION,
    engine,
    seed,
    nodes: n,
    byzantine,
    behaviour,
    attacks,
    loss,
    duplicate,
    reorder,
    reorderMaxMs,
    partitions,
    crashes,
    skews,
    durationS: 1,
    drainS: profile.livenessMs / 1000,
    tps,
    params: profile.params(n),
    livenessMs: profile.livenessMs,
  };
  return { ...draft, durationS: loadDurationS(draft) };
}

/** Load runs until LOAD_AFTER_HEAL_MS after the last heal or restart (at least 3 s). */
export function loadDurationS(c: FuzzCase): number {
  return Math.ceil((Math.max(lastFaultEndMs(c), FAULTS_FROM_MS) + LOAD_AFTER_HEAL_MS) / 1000);
}

/** Whether a case stays inside its engine's documented bound (shrinking must not leave it). */
export function withinBound(c: FuzzCase): boolean {
  const p = profileOf(c.engine);
  if (p === undefined) return false;
  if (c.byzantine.length > p.bound(c.nodes)) return false;
  if (!p.byzantineMayLead && c.byzantine.includes(0)) return false;
  if (p.maxPartitionMs !== null) {
    for (const x of c.partitions) if (x.healAtMs === null || x.healAtMs - x.atMs > p.maxPartitionMs) return false;
  }
  return p.behaviours.includes(c.behaviour);
}

export { HONEST_BEHAVIOUR };
