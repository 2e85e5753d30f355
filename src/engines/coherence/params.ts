/**
 * Engine parameters of Proof-of-Coherence, with their defaults and validation from unknown
 * input (config file or `--params` JSON). Every field is documented in
 * docs/protocols/coherence.md. Big numbers (targets) travel as 0x-hex strings, amounts as
 * integers or decimal strings.
 *
 * Consensus parameters (all nodes of a chain must agree): preset, maxSteps, targetIntervalMs,
 * difficulty, asertHalfLifeMs, retargetWindow, initialTarget, powLimit, hashScaleLog2,
 * blockReward, maxFutureMs, maxTxsPerBlock, maxBlockBytes, genesisTimeMs.
 * Local policy (may differ per node): confirmations, orphanPoolMax, relayFanout,
 * templateRefreshMs, gossipPhases, sim* figures.
 */
import { PRESETS } from './kuramoto/constants.js';
import type { Preset } from './kuramoto/constants.js';
import { MAX_STEPS } from './kuramoto/constants.js';
import { CoherenceError } from './errors.js';

export type DifficultyRule = 'asert' | 'retarget';

export interface CoherenceParams {
  /** Oscillators N: 31, 63 or 127. */
  readonly preset: Preset;
  /** Most Euler steps per nonce (the design's 1000). */
  readonly maxSteps: number;
  /** Target block interval. */
  readonly targetIntervalMs: number;
  /** Difficulty rule: 'asert' (default, aserti3-2d) or 'retarget' (the design's every-10-blocks rule). */
  readonly difficulty: DifficultyRule;
  /** ASERT half-life: a schedule deviation of this much time halves or doubles the target. */
  readonly asertHalfLifeMs: number;
  /** Blocks per retarget window of the design's rule. */
  readonly retargetWindow: number;
  /** Target of the first block (after genesis). */
  readonly initialTarget: bigint;
  /** Largest target any rule may produce (easiest difficulty). */
  readonly powLimit: bigint;
  /**
   * Simulation shortcut: a header is accepted when hash <= min(2^256 - 1, target * 2^scale).
   * 0 on a real chain (the full check). The default 256 makes every hash pass, so a simulated
   * miner's real search costs only the Kuramoto part (about 1 / successRate nonces) while the
   * simulated mining time still follows `target` (see jobs.simulate and the doc).
   */
  readonly hashScaleLog2: number;
  /** Units minted to the proposer by every block. */
  readonly blockReward: bigint;
  /** Largest accepted timestamp - local time. */
  readonly maxFutureMs: number;
  readonly maxTxsPerBlock: number;
  /** Largest encoded block accepted from a peer or built locally. */
  readonly maxBlockBytes: number;
  /** Timestamp of the virtual genesis block (the ASERT anchor). */
  readonly genesisTimeMs: number;
  /** k: a block is finalized when it is k blocks deep in the best chain. */
  readonly confirmations: number;
  /** Most blocks with an unknown parent held while their ancestors are fetched. */
  readonly orphanPoolMax: number;
  /** Peers a node forwards a newly accepted block to (its own blocks go to everyone). */
  readonly relayFanout: number;
  /** A miner rebuilds its block template this often when new transactions arrived. */
  readonly templateRefreshMs: number;
  /** Send the final phases of own blocks to peers (phase gossip). */
  readonly gossipPhases: boolean;
  /** Simulation: Kuramoto attempts (nonces) per second per unit of hash power. */
  readonly simAttemptsPerSecond: number;
  /** Simulation: fraction of nonces whose system reaches r^2 > 3/4 within maxSteps. */
  readonly simSuccessRate: number;
  /** Total simulated hash power; with the two figures above it sets the default initialTarget. */
  readonly networkHashPower: number;
}

export const TWO_256 = 1n << 256n;
export const MAX_TARGET = TWO_256 - 1n;

/**
 * The initial target that gives `intervalMs` per block to a network of `hashPower` units, each
 * doing `attemptsPerSecond` Kuramoto attempts of which `successRate` pass the coherence test:
 * expected header hashes per block = work = 2^256 / (target + 1) = interval * rate * p * H.
 */
export function targetForInterval(intervalMs: number, attemptsPerSecond: number, successRate: number, hashPower: number): bigint {
  const hashesPerBlock = (intervalMs / 1000) * attemptsPerSecond * successRate * hashPower;
  if (!(hashesPerBlock >= 1)) return MAX_TARGET;
  // 2^256 / w via a 2^64-scaled integer: exact enough for an initial value (it is a parameter).
  const scaled = BigInt(Math.round(hashesPerBlock * 1024));
  const t = (TWO_256 * 1024n) / scaled - 1n;
  return t > MAX_TARGET ? MAX_TARGET : t;
}

// Rounded figures from bench/coherence-kernel.bench.ts and bench/coherence-sim.bench.ts on the
// development machine (docs/protocols/coherence.md section 8: 1,510-1,702 nonces/s per core at
// N = 63 when the machine was quiet; success rate 7.73%, the design says about 8%).
const MEASURED_ATTEMPTS_PER_SECOND = 1500;
const MEASURED_SUCCESS_RATE = 0.08;

const BASE = {
  preset: 63 as Preset,
  maxSteps: MAX_STEPS,
  targetIntervalMs: 10_000,
  difficulty: 'asert' as DifficultyRule,
  asertHalfLifeMs: 200_000,
  retargetWindow: 10,
  powLimit: MAX_TARGET,
  hashScaleLog2: 256,
  blockReward: 50n,
  maxFutureMs: 60_000,
  maxTxsPerBlock: 2_000,
  maxBlockBytes: 1_000_000,
  genesisTimeMs: 0,
  confirmations: 6,
  orphanPoolMax: 256,
  relayFanout: 8,
  templateRefreshMs: 5_000,
  gossipPhases: false,
  simAttemptsPerSecond: MEASURED_ATTEMPTS_PER_SECOND,
  simSuccessRate: MEASURED_SUCCESS_RATE,
  networkHashPower: 100,
};

export const DEFAULT_COHERENCE_PARAMS: CoherenceParams = Object.freeze({
  ...BASE,
  initialTarget: targetForInterval(BASE.targetIntervalMs, BASE.simAttemptsPerSecond, BASE.simSuccessRate, BASE.networkHashPower),
});

function bad(field: string, reason: string): CoherenceError {
  return new CoherenceError({ code: 'COHERENCE_BAD_PARAMS', field, reason });
}

function int(raw: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const v = raw[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw bad(name, `an integer in [${min}, ${max}]`);
  return v;
}

function num(raw: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const v = raw[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw bad(name, `a number in [${min}, ${max}]`);
  return v;
}

function big(raw: Record<string, unknown>, name: string, fallback: bigint, min: bigint, max: bigint): bigint {
  const v = raw[name];
  if (v === undefined) return fallback;
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (typeof v === 'string' && /^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/.test(v)) b = BigInt(v);
  else throw bad(name, 'an integer, a decimal string or a 0x-hex string');
  if (b < min || b > max) throw bad(name, `in [${min}, ${max}]`);
  return b;
}

export function parseCoherenceParams(raw: unknown): CoherenceParams {
  if (raw === null || raw === undefined) return DEFAULT_COHERENCE_PARAMS;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('(root)', 'an object');
  const r = raw as Record<string, unknown>;
  const known = new Set(Object.keys(DEFAULT_COHERENCE_PARAMS));
  for (const k of Object.keys(r)) if (!known.has(k)) throw bad(k, 'unknown parameter');
  const d = DEFAULT_COHERENCE_PARAMS;
  const preset = int(r, 'preset', d.preset, 1, 127);
  if (!(PRESETS as readonly number[]).includes(preset)) throw bad('preset', `one of ${PRESETS.join(', ')}`);
  const difficulty = r['difficulty'] ?? d.difficulty;
  if (difficulty !== 'asert' && difficulty !== 'retarget') throw bad('difficulty', "'asert' or 'retarget'");
  const gossipPhases = r['gossipPhases'] ?? d.gossipPhases;
  if (typeof gossipPhases !== 'boolean') throw bad('gossipPhases', 'a boolean');
  const targetIntervalMs = int(r, 'targetIntervalMs', d.targetIntervalMs, 1, 86_400_000);
  const simAttemptsPerSecond = num(r, 'simAttemptsPerSecond', d.simAttemptsPerSecond, 1e-6, 1e12);
  const simSuccessRate = num(r, 'simSuccessRate', d.simSuccessRate, 1e-9, 1);
  const networkHashPower = num(r, 'networkHashPower', d.networkHashPower, 1e-9, 1e12);
  const powLimit = big(r, 'powLimit', d.powLimit, 1n, MAX_TARGET);
  const derived = targetForInterval(targetIntervalMs, simAttemptsPerSecond, simSuccessRate, networkHashPower);
  const initialTarget = big(r, 'initialTarget', derived < powLimit ? derived : powLimit, 1n, powLimit);
  return Object.freeze({
    preset: preset as Preset,
    maxSteps: int(r, 'maxSteps', d.maxSteps, 1, 100_000),
    targetIntervalMs,
    difficulty,
    asertHalfLifeMs: int(r, 'asertHalfLifeMs', d.asertHalfLifeMs, 1, 1e12),
    retargetWindow: int(r, 'retargetWindow', d.retargetWindow, 2, 100_000),
    initialTarget,
    powLimit,
    hashScaleLog2: int(r, 'hashScaleLog2', d.hashScaleLog2, 0, 256),
    blockReward: big(r, 'blockReward', d.blockReward, 0n, 1n << 40n),
    maxFutureMs: int(r, 'maxFutureMs', d.maxFutureMs, 0, 1e12),
    maxTxsPerBlock: int(r, 'maxTxsPerBlock', d.maxTxsPerBlock, 0, 10_000),
    maxBlockBytes: int(r, 'maxBlockBytes', d.maxBlockBytes, 1024, 4 * 1024 * 1024),
    genesisTimeMs: int(r, 'genesisTimeMs', d.genesisTimeMs, 0, Number.MAX_SAFE_INTEGER),
    confirmations: int(r, 'confirmations', d.confirmations, 1, 10_000),
    orphanPoolMax: int(r, 'orphanPoolMax', d.orphanPoolMax, 0, 100_000),
    relayFanout: int(r, 'relayFanout', d.relayFanout, 0, 4096),
    templateRefreshMs: int(r, 'templateRefreshMs', d.templateRefreshMs, 1, 1e12),
    gossipPhases,
    simAttemptsPerSecond,
    simSuccessRate,
    networkHashPower,
  });
}
