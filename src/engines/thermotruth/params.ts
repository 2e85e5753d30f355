/**
 * ThermoTruth parameters, validated from unknown input (config file, CLI JSON). Every default is
 * documented in docs/protocols/thermotruth.md, with the design's number where it gives one.
 */
import { TtError } from './errors.js';

/** The aggregation rule (docs/protocols/thermotruth.md, "The aggregate"). */
export type AggregateRule = 'boltzmann' | 'dlpsw' | 'literal';
export const AGGREGATE_RULES: readonly AggregateRule[] = Object.freeze(['boltzmann', 'dlpsw', 'literal']);

export interface ThermoTruthParams {
  /** Dimension D of the state vector. */
  readonly dimension: number;
  readonly rule: AggregateRule;
  /** Standard deviation of an honest node's observation noise, per component. */
  readonly noiseSd: number;
  /** Seed of the ground-truth sequence (the same for every node: it is the world, not a node). */
  readonly truthSeed: number;
  /** Hashcash PoW on proposals. false = the "without PoW" ablation (Sybil identities are free). */
  readonly pow: boolean;
  /** Initial difficulty d_0 in bits, and its clamp [minDifficulty, maxDifficulty]. */
  readonly difficulty: number;
  readonly minDifficulty: number;
  readonly maxDifficulty: number;
  /** alpha of d_t = d_{t-1} + alpha (H_t - H_{t-1}); the design's 0.1. */
  readonly alpha: number;
  /** Self-healing runs when the temperature exceeds this (the design's 0.1). */
  readonly healTemperature: number;
  /** Healing drops proposals farther from the median than healRadius x the median distance. */
  readonly healRadius: number;
  /** Largest accepted |component| (TT_OUT_OF_RANGE beyond). */
  readonly maxAbs: number;
  /** Most proposals under minted (non-validator) identities a leader accepts per epoch. */
  readonly maxMinted: number;
  /** Sybil identities each Byzantine node mints per epoch (adversaries only). */
  readonly sybilsPerByzantine: number;
  /** Component value the 'outlier' adversary proposes. */
  readonly outlierValue: number;
  /** Offset, in noise standard deviations, of the 'in-range-drag' and 'split-world' values. */
  readonly dragSd: number;
  /** Minimum time between two epoch starts at a node (0 = back to back). */
  readonly epochIntervalMs: number;
  /** Round timeout before a view change; doubles each further round, up to 2^6 times. */
  readonly roundTimeoutMs: number;
  /** Period of the lost-message check; a node re-sends after max(this, half a round timeout) without progress. */
  readonly retransmitMs: number;
  readonly maxTxsPerBlock: number;
  /** Most pending client transfers one proposal carries to the leader. */
  readonly maxTxsPerProposal: number;
  /** Units minted to the epoch's leader by each block (exercises the supply invariant). */
  readonly blockReward: number;
}

export const DEFAULT_THERMOTRUTH_PARAMS: ThermoTruthParams = Object.freeze({
  dimension: 8,
  rule: 'boltzmann',
  noiseSd: 0.05,
  truthSeed: 1,
  pow: true,
  difficulty: 8,
  minDifficulty: 4,
  maxDifficulty: 12,
  alpha: 0.1,
  healTemperature: 0.1,
  healRadius: 3,
  maxAbs: 1e12,
  maxMinted: 256,
  sybilsPerByzantine: 0,
  outlierValue: 1e6,
  dragSd: 2,
  epochIntervalMs: 0,
  roundTimeoutMs: 1000,
  retransmitMs: 500,
  maxTxsPerBlock: 500,
  maxTxsPerProposal: 256,
  blockReward: 1,
});

/** Hard caps, independent of parameters: they bound decoding and memory. */
export const MAX_DIMENSION = 256;
export const MAX_VALIDATORS = 1024;
export const MAX_MINTED_CAP = 4096;

type NumericKey = { [K in keyof ThermoTruthParams]: ThermoTruthParams[K] extends number ? K : never }[keyof ThermoTruthParams];

function bad(field: string, reason: string): TtError {
  return new TtError({ code: 'TT_BAD_PARAMS', field, reason });
}

function num(raw: Record<string, unknown>, name: NumericKey, min: number, max: number, integer: boolean): number {
  const v = raw[name];
  if (v === undefined) return DEFAULT_THERMOTRUTH_PARAMS[name];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isSafeInteger(v))) {
    throw bad(name, `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  }
  return v;
}

export function parseThermoTruthParams(raw: unknown): ThermoTruthParams {
  if (raw === null || raw === undefined) return DEFAULT_THERMOTRUTH_PARAMS;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('(root)', 'an object');
  const r = raw as Record<string, unknown>;
  const known = new Set(Object.keys(DEFAULT_THERMOTRUTH_PARAMS));
  for (const k of Object.keys(r)) if (!known.has(k)) throw bad(k, 'unknown parameter');
  const rule = r['rule'] ?? DEFAULT_THERMOTRUTH_PARAMS.rule;
  if (typeof rule !== 'string' || !(AGGREGATE_RULES as readonly string[]).includes(rule)) throw bad('rule', AGGREGATE_RULES.join(' | '));
  const pow = r['pow'] ?? DEFAULT_THERMOTRUTH_PARAMS.pow;
  if (typeof pow !== 'boolean') throw bad('pow', 'a boolean');
  const p: ThermoTruthParams = {
    dimension: num(r, 'dimension', 1, MAX_DIMENSION, true),
    rule: rule as AggregateRule,
    noiseSd: num(r, 'noiseSd', 0, 1e6, false),
    truthSeed: num(r, 'truthSeed', 0, Number.MAX_SAFE_INTEGER, true),
    pow,
    difficulty: num(r, 'difficulty', 0, 32, false),
    minDifficulty: num(r, 'minDifficulty', 0, 32, false),
    maxDifficulty: num(r, 'maxDifficulty', 0, 32, false),
    alpha: num(r, 'alpha', 0, 100, false),
    healTemperature: num(r, 'healTemperature', 0, 1e300, false),
    healRadius: num(r, 'healRadius', 1, 1e6, false),
    maxAbs: num(r, 'maxAbs', 1, 1e300, false),
    maxMinted: num(r, 'maxMinted', 0, MAX_MINTED_CAP, true),
    sybilsPerByzantine: num(r, 'sybilsPerByzantine', 0, MAX_MINTED_CAP, true),
    outlierValue: num(r, 'outlierValue', -1e300, 1e300, false),
    dragSd: num(r, 'dragSd', 0, 1e6, false),
    epochIntervalMs: num(r, 'epochIntervalMs', 0, 3_600_000, false),
    roundTimeoutMs: num(r, 'roundTimeoutMs', 10, 3_600_000, false),
    retransmitMs: num(r, 'retransmitMs', 10, 3_600_000, false),
    maxTxsPerBlock: num(r, 'maxTxsPerBlock', 0, 10_000, true),
    maxTxsPerProposal: num(r, 'maxTxsPerProposal', 0, 4096, true),
    blockReward: num(r, 'blockReward', 0, 1_000_000, true),
  };
  if (p.minDifficulty > p.maxDifficulty) throw bad('minDifficulty', 'at most maxDifficulty');
  if (p.difficulty < p.minDifficulty || p.difficulty > p.maxDifficulty) throw bad('difficulty', 'inside [minDifficulty, maxDifficulty]');
  return Object.freeze(p);
}
