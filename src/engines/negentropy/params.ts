/**
 * Parameters of the Proof-of-Negentropy engine, validated from unknown input (config file,
 * `thermo sim --params JSON`). Every number is documented in docs/protocols/negentropy.md with
 * the reason for its default. Cross-field rules:
 *   alpha > k / 2        at most one value can reach alpha in one poll (Snowball's requirement,
 *                        Rocket et al. 2019, section 2), so a successful poll names one value;
 *   tMin <= tInit <= tMax, and tCritical < tInit (else the literal rule decides at once);
 *   entropyLow < entropyHigh; weightFloor <= 1 <= weightCap.
 */
import { NegentropyError } from './errors.js';

/** 'snowball': final after betaC consecutive alpha-polls (safe). 'temperature': the design's literal "final when T < T_c". */
export type FinalRule = 'snowball' | 'temperature';

export interface NegentropyParams {
  // ---- Snowball ----
  /** Peers sampled per poll (without replacement, weighted). */
  readonly k: number;
  /** Answers for one value, out of k, that make a poll successful. */
  readonly alpha: number;
  /** Consecutive successful polls for the same value that make it final. */
  readonly betaC: number;
  readonly finalRule: FinalRule;
  // ---- thermodynamics ----
  /** The node's temperature at start. */
  readonly tInit: number;
  /** Floor of the temperature (the design's "vacuum energy"). */
  readonly tMin: number;
  /** Ceiling of the temperature; below 1 the Gibbs choice still favours the majority. */
  readonly tMax: number;
  /** T_c of the literal rule (finalRule 'temperature'). */
  readonly tCritical: number;
  /** T <- min(tMax, T * heatFactor) when the entropy of a poll's answers exceeds entropyHigh. */
  readonly heatFactor: number;
  /** T <- max(tMin, T * coolFactor) when it is below entropyLow. */
  readonly coolFactor: number;
  /** Entropy thresholds, in nats, of the answer distribution P (missing answers are a bucket). */
  readonly entropyHigh: number;
  readonly entropyLow: number;
  /** Weight of a new poll in the running estimate Q <- (1 - qRate) Q + qRate P. */
  readonly qRate: number;
  /** Q(c) below this counts as this in E(c) = -log Q(c) (keeps energies finite). */
  readonly qFloor: number;
  // ---- Fisher reliability weights ----
  readonly weightFloor: number;
  readonly weightCap: number;
  // ---- polling ----
  /** Period of the engine's tick: starts polls, expires them, proposes. */
  readonly pollIntervalMs: number;
  /** A sampled peer that has not answered by then counts as a failed answer. */
  readonly pollTimeoutMs: number;
  /** A query goes again to the peers that have not answered every this many ms (0: never). */
  readonly pollResendMs: number;
  /** Polls in flight at once (results are applied in the order the polls started). */
  readonly maxOutstandingPolls: number;
  /** Conflict sets in one poll message. */
  readonly maxKeysPerPoll: number;
  // ---- DAG ----
  /** Least time between two vertices of one proposer (batching). */
  readonly vertexIntervalMs: number;
  readonly maxTxsPerVertex: number;
  readonly maxVertexBytes: number;
  /** Parents an honest proposer picks among the tips. */
  readonly parentsPerVertex: number;
  /** Parents a vertex may have and still be accepted. */
  readonly maxParents: number;
  readonly maxVertices: number;
  readonly maxOrphans: number;
  readonly maxOrphansPerPeer: number;
  // ---- conflict sets ----
  readonly maxOpenSlots: number;
  readonly maxCandidates: number;
  /** A client transfer may be at most this far ahead of its sender's executed nonce. */
  readonly maxNonceAhead: number;
  // ---- super-blocks (renormalization) ----
  /** H: a super-block is proposed once this many decided transfers wait for execution. */
  readonly superBlockTxs: number;
  /** ... or once the oldest has waited this long. */
  readonly superBlockMaxDelayMs: number;
  /** Time a designated super-block proposer gets before the next validator's turn. */
  readonly superBlockAttemptMs: number;
  /** Prune history older than the last super-block (false: keep everything; for measurements). */
  readonly prune: boolean;
  /** Super-block headers kept (the header chain served to light clients and syncing nodes). */
  readonly maxHeaders: number;
  // ---- inbound budgets ----
  /** Requests (want, sync) a peer may make per second before they are ignored and penalised. */
  readonly peerRequestsPerSecond: number;
  // ---- adversaries ----
  /** Period at which a Byzantine behaviour injects a double-spend pair (0: never). */
  readonly attackIntervalMs: number;
}

export const DEFAULT_NEGENTROPY_PARAMS: NegentropyParams = Object.freeze({
  k: 20,
  alpha: 15,
  betaC: 20,
  finalRule: 'snowball',
  tInit: 0.5,
  tMin: 0.05,
  tMax: 0.9,
  tCritical: 0.1,
  heatFactor: 1.25,
  coolFactor: 0.8,
  entropyHigh: 0.5,
  entropyLow: 0.25,
  qRate: 0.25,
  qFloor: 1e-6,
  weightFloor: 0.5,
  weightCap: 2,
  pollIntervalMs: 50,
  pollTimeoutMs: 1500,
  pollResendMs: 250,
  maxOutstandingPolls: 8,
  maxKeysPerPoll: 512,
  vertexIntervalMs: 100,
  maxTxsPerVertex: 256,
  maxVertexBytes: 128 * 1024,
  parentsPerVertex: 4,
  maxParents: 16,
  maxVertices: 50_000,
  maxOrphans: 512,
  maxOrphansPerPeer: 64,
  maxOpenSlots: 8192,
  maxCandidates: 4,
  maxNonceAhead: 64,
  superBlockTxs: 256,
  superBlockMaxDelayMs: 2000,
  superBlockAttemptMs: 3000,
  prune: true,
  maxHeaders: 4096,
  peerRequestsPerSecond: 200,
  attackIntervalMs: 1000,
} satisfies NegentropyParams);

type NumericKey = { [K in keyof NegentropyParams]: NegentropyParams[K] extends number ? K : never }[keyof NegentropyParams];

/** [min, max, integer?] of every numeric parameter. */
const RANGES: Readonly<Record<NumericKey, readonly [number, number, boolean]>> = {
  k: [1, 256, true],
  alpha: [1, 256, true],
  betaC: [1, 10_000, true],
  tInit: [1e-6, 100, false],
  tMin: [1e-6, 100, false],
  tMax: [1e-6, 100, false],
  tCritical: [0, 100, false],
  heatFactor: [1, 10, false],
  coolFactor: [0.01, 1, false],
  entropyHigh: [0, 10, false],
  entropyLow: [0, 10, false],
  qRate: [1e-6, 1, false],
  qFloor: [1e-300, 0.5, false],
  weightFloor: [1 / 256, 1, false],
  weightCap: [1, 64, false],
  pollIntervalMs: [1, 60_000, true],
  pollTimeoutMs: [1, 600_000, true],
  pollResendMs: [0, 600_000, true],
  maxOutstandingPolls: [1, 64, true],
  maxKeysPerPoll: [1, 4096, true],
  vertexIntervalMs: [1, 600_000, true],
  maxTxsPerVertex: [1, 10_000, true],
  maxVertexBytes: [1024, 4 * 1024 * 1024, true],
  parentsPerVertex: [1, 64, true],
  maxParents: [1, 64, true],
  maxVertices: [16, 10_000_000, true],
  maxOrphans: [0, 100_000, true],
  maxOrphansPerPeer: [0, 100_000, true],
  maxOpenSlots: [1, 1_000_000, true],
  maxCandidates: [1, 64, true],
  maxNonceAhead: [0, 1_000_000, true],
  superBlockTxs: [1, 10_000, true],
  superBlockMaxDelayMs: [1, 3_600_000, true],
  superBlockAttemptMs: [1, 3_600_000, true],
  maxHeaders: [2, 1_000_000, true],
  peerRequestsPerSecond: [1, 1_000_000, true],
  attackIntervalMs: [0, 3_600_000, true],
};

function bad(field: string, reason: string): NegentropyError {
  return new NegentropyError({ code: 'NEG_BAD_PARAMS', field, reason });
}

function numeric(raw: Record<string, unknown>, name: NumericKey): number {
  const v = raw[name];
  if (v === undefined) return DEFAULT_NEGENTROPY_PARAMS[name];
  const [min, max, integer] = RANGES[name];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isSafeInteger(v))) {
    throw bad(name, `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  }
  return v;
}

/** Checks the rules between fields (also for params built in code, e.g. in tests). */
export function checkParams(p: NegentropyParams): NegentropyParams {
  if (p.alpha > p.k) throw bad('alpha', `at most k (${p.k})`);
  if (2 * p.alpha <= p.k) throw bad('alpha', `more than k / 2 (${p.k / 2}), so one poll cannot succeed for two values`);
  if (!(p.tMin <= p.tInit && p.tInit <= p.tMax)) throw bad('tInit', 'tMin <= tInit <= tMax');
  if (p.finalRule === 'temperature' && !(p.tCritical < p.tInit)) throw bad('tCritical', 'below tInit');
  if (!(p.entropyLow < p.entropyHigh)) throw bad('entropyLow', 'below entropyHigh');
  if (!(p.weightFloor <= 1 && 1 <= p.weightCap)) throw bad('weightFloor', 'weightFloor <= 1 <= weightCap');
  if (p.parentsPerVertex > p.maxParents) throw bad('parentsPerVertex', `at most maxParents (${p.maxParents})`);
  if (p.maxOrphansPerPeer > p.maxOrphans) throw bad('maxOrphansPerPeer', `at most maxOrphans (${p.maxOrphans})`);
  return p;
}

export function parseNegentropyParams(raw: unknown): NegentropyParams {
  if (raw === null || raw === undefined) return DEFAULT_NEGENTROPY_PARAMS;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('(root)', 'an object');
  const r = raw as Record<string, unknown>;
  const known = new Set(Object.keys(DEFAULT_NEGENTROPY_PARAMS));
  for (const key of Object.keys(r)) if (!known.has(key)) throw bad(key, 'unknown parameter');
  const finalRule = r['finalRule'] ?? DEFAULT_NEGENTROPY_PARAMS.finalRule;
  if (finalRule !== 'snowball' && finalRule !== 'temperature') throw bad('finalRule', "'snowball' or 'temperature'");
  const prune = r['prune'] ?? DEFAULT_NEGENTROPY_PARAMS.prune;
  if (typeof prune !== 'boolean') throw bad('prune', 'a boolean');
  const out: Record<string, unknown> = { finalRule, prune };
  for (const name of Object.keys(RANGES) as NumericKey[]) out[name] = numeric(r, name);
  return Object.freeze(checkParams(out as unknown as NegentropyParams));
}
