/**
 * A fuzz case: one explicit, serialisable swarm scenario (parameters + the whole fault schedule).
 * A seed draws one (draw.ts); the shrinker edits one (shrink.ts); `thermo sim fuzz --case`
 * replays one exactly. Nothing in it is implicit: node count, which nodes are Byzantine and what
 * they run, the generic message attacks, every partition, crash and skew, the load, the engine
 * parameters and the liveness bound.
 */
import { SimError } from '../errors.js';
import type { CrashSpec, PartitionSpec } from '../faults.js';

export const FUZZ_CASE_VERSION = 1;

/** Generic message-level attacks by Byzantine nodes (tamper.ts), for attacks no engine implements. */
export type AttackSpec =
  /** Withholding: the Byzantine nodes' messages reach only the listed nodes (others get nothing). */
  | { readonly kind: 'withhold'; readonly reach: readonly number[] }
  /** Replayed old messages: with probability p a copy is replaced by an older message of the run. */
  | { readonly kind: 'replay'; readonly p: number }
  /** Invalid messages: with probability p one byte of the encoding flips (sent if it still decodes). */
  | { readonly kind: 'corrupt'; readonly p: number }
  /** Oversized messages: with probability p the encoding grows by `bytes` (sent if it still decodes). */
  | { readonly kind: 'oversize'; readonly p: number; readonly bytes: number }
  /** Sybil flood: every copy is followed by `copies` mutated copies (a flood of distinct-looking messages). */
  | { readonly kind: 'flood'; readonly copies: number };

export const ATTACK_KINDS = Object.freeze(['withhold', 'replay', 'corrupt', 'oversize', 'flood'] as const);
export type AttackKind = (typeof ATTACK_KINDS)[number];

/** How a partition splits the nodes (a label for reports; the groups are what counts). */
export type PartitionKind = 'isolate' | 'split' | 'asymmetric';

export interface FuzzPartition extends PartitionSpec {
  readonly kind: PartitionKind;
}

export interface FuzzCase {
  readonly v: number;
  readonly engine: string;
  /** The swarm seed it was drawn from; also the simulator seed. */
  readonly seed: number;
  readonly nodes: number;
  /** Explicit Byzantine node indices. */
  readonly byzantine: readonly number[];
  /** 'silent', 'honest' (the honest engine, so that generic attacks have messages to bend) or an engine adversary. */
  readonly behaviour: string;
  readonly attacks: readonly AttackSpec[];
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly reorderMaxMs: number;
  readonly partitions: readonly FuzzPartition[];
  readonly crashes: readonly CrashSpec[];
  /** One clock offset per node, ms. */
  readonly skews: readonly number[];
  readonly durationS: number;
  readonly drainS: number;
  readonly tps: number;
  readonly params: unknown;
  readonly hashPower?: readonly number[];
  /** Every honest node must finalize something within this many ms after the last heal/restart. */
  readonly livenessMs: number;
  /** A control run: deliberately beyond the engine's bound; the safety checker must fire. */
  readonly control?: boolean;
}

export function badCase(reason: string): SimError {
  return new SimError({ code: 'SIM_BAD_CONFIG', field: 'fuzz case', reason });
}

/** When the last fault ends (heal or restart), ms; 0 without partitions or crashes. */
export function lastFaultEndMs(c: FuzzCase): number {
  let t = 0;
  for (const p of c.partitions) t = Math.max(t, p.healAtMs ?? Number.POSITIVE_INFINITY);
  for (const x of c.crashes) t = Math.max(t, x.restartAtMs ?? Number.POSITIVE_INFINITY);
  return t;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(r: Record<string, unknown>, k: string): number {
  const v = r[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badCase(`${k}: a finite number`);
  return v;
}

function ints(v: unknown, what: string): number[] {
  if (!Array.isArray(v)) throw badCase(`${what}: an array`);
  return v.map((x) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw badCase(`${what}: numbers`);
    return x;
  });
}

function attack(v: unknown): AttackSpec {
  if (!isRecord(v)) throw badCase('attacks: objects');
  switch (v['kind']) {
    case 'withhold':
      return { kind: 'withhold', reach: ints(v['reach'], 'attacks.reach') };
    case 'replay':
    case 'corrupt':
      return { kind: v['kind'], p: num(v, 'p') };
    case 'oversize':
      return { kind: 'oversize', p: num(v, 'p'), bytes: num(v, 'bytes') };
    case 'flood':
      return { kind: 'flood', copies: num(v, 'copies') };
    default:
      throw badCase(`attacks: unknown kind ${String(v['kind'])}`);
  }
}

/** Limits on one case (a decoded case from the command line is checked against them). */
export const CASE_LIMITS = Object.freeze({ maxNodes: 256, maxDurationS: 3600, maxFloodCopies: 64, maxOversizeBytes: 4 * 1024 * 1024, maxEncodedChars: 1_000_000 });

/** Checks a case's shape and ranges (the simulator validates the schedule itself). */
export function validateCase(c: FuzzCase): void {
  if (c.v !== FUZZ_CASE_VERSION) throw badCase(`version ${c.v}, expected ${FUZZ_CASE_VERSION}`);
  if (!Number.isInteger(c.nodes) || c.nodes < 1 || c.nodes > CASE_LIMITS.maxNodes) throw badCase(`nodes: an integer in [1, ${CASE_LIMITS.maxNodes}]`);
  if (!(c.durationS > 0 && c.durationS <= CASE_LIMITS.maxDurationS)) throw badCase(`durationS: in (0, ${CASE_LIMITS.maxDurationS}]`);
  if (!(c.livenessMs >= 0)) throw badCase('livenessMs: non-negative');
  if (c.skews.length !== c.nodes) throw badCase(`skews: one per node (${c.nodes})`);
  for (const a of c.attacks) {
    if (a.kind === 'withhold') {
      for (const i of a.reach) if (!Number.isInteger(i) || i < 0 || i >= c.nodes) throw badCase(`withhold: node ${i} out of range`);
    } else if (a.kind === 'flood') {
      if (!Number.isInteger(a.copies) || a.copies < 1 || a.copies > CASE_LIMITS.maxFloodCopies) throw badCase(`flood.copies: an integer in [1, ${CASE_LIMITS.maxFloodCopies}]`);
    } else {
      if (!(a.p >= 0 && a.p <= 1)) throw badCase(`${a.kind}.p: a probability`);
      if (a.kind === 'oversize' && !(Number.isInteger(a.bytes) && a.bytes >= 1 && a.bytes <= CASE_LIMITS.maxOversizeBytes)) {
        throw badCase(`oversize.bytes: an integer in [1, ${CASE_LIMITS.maxOversizeBytes}]`);
      }
    }
  }
}

/** A case from JSON (an object as `caseToJson` writes it); validated. */
export function caseFromJson(v: unknown): FuzzCase {
  if (!isRecord(v)) throw badCase('an object');
  const engine = v['engine'];
  const behaviour = v['behaviour'];
  if (typeof engine !== 'string' || engine.length === 0) throw badCase('engine: a name');
  if (typeof behaviour !== 'string' || behaviour.length === 0) throw badCase('behaviour: a name');
  const parts = v['partitions'];
  const crashes = v['crashes'];
  const attacks = v['attacks'];
  if (!Array.isArray(parts) || !Array.isArray(crashes) || !Array.isArray(attacks)) throw badCase('partitions, crashes, attacks: arrays');
  const partitions: FuzzPartition[] = parts.map((p: unknown) => {
    if (!isRecord(p)) throw badCase('partitions: objects');
    const kind = p['kind'];
    if (kind !== 'isolate' && kind !== 'split' && kind !== 'asymmetric') throw badCase('partitions.kind');
    const groups = p['groups'];
    if (!Array.isArray(groups)) throw badCase('partitions.groups: arrays');
    const heal = p['healAtMs'];
    const base: FuzzPartition = { kind, atMs: num(p, 'atMs'), healAtMs: heal === null ? null : num(p, 'healAtMs'), groups: groups.map((g: unknown) => ints(g, 'partitions.groups')) };
    return p['oneWay'] === true ? { ...base, oneWay: true } : base;
  });
  const crashList: CrashSpec[] = crashes.map((x: unknown) => {
    if (!isRecord(x)) throw badCase('crashes: objects');
    const r = x['restartAtMs'];
    return { node: num(x, 'node'), atMs: num(x, 'atMs'), restartAtMs: r === null ? null : num(x, 'restartAtMs') };
  });
  const out: FuzzCase = {
    v: num(v, 'v'),
    engine,
    seed: num(v, 'seed'),
    nodes: num(v, 'nodes'),
    byzantine: ints(v['byzantine'], 'byzantine'),
    behaviour,
    attacks: attacks.map(attack),
    loss: num(v, 'loss'),
    duplicate: num(v, 'duplicate'),
    reorder: num(v, 'reorder'),
    reorderMaxMs: num(v, 'reorderMaxMs'),
    partitions,
    crashes: crashList,
    skews: ints(v['skews'], 'skews'),
    durationS: num(v, 'durationS'),
    drainS: num(v, 'drainS'),
    tps: num(v, 'tps'),
    params: v['params'] ?? null,
    ...(v['hashPower'] !== undefined ? { hashPower: ints(v['hashPower'], 'hashPower') } : {}),
    livenessMs: num(v, 'livenessMs'),
    ...(v['control'] === true ? { control: true } : {}),
  };
  validateCase(out);
  return out;
}

/** JSON text of a case, canonical: keys in declaration order whatever order `c` has them in. */
export function caseToJson(c: FuzzCase): string {
  return JSON.stringify(caseFromJson(JSON.parse(JSON.stringify(c)) as unknown));
}

/** A case as one shell-safe token: base64url of its JSON. */
export function encodeCase(c: FuzzCase): string {
  return Buffer.from(caseToJson(c), 'utf8').toString('base64url');
}

/** The inverse of `encodeCase`; also accepts the JSON text itself (starting with '{'). */
export function decodeCase(text: string): FuzzCase {
  const t = text.trim();
  if (t.length > CASE_LIMITS.maxEncodedChars) throw badCase(`longer than ${CASE_LIMITS.maxEncodedChars} characters`);
  const json = t.startsWith('{') ? t : Buffer.from(t, 'base64url').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw badCase('neither JSON nor base64url JSON');
  }
  return caseFromJson(parsed);
}
