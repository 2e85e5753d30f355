/**
 * src/sim/fuzz: the swarm simulation (issue 8, items 1-2). A seed draws one explicit fault case
 * per engine (draw.ts: node count 4-31, Byzantine nodes up to the engine's documented bound
 * (profiles.ts) running silent / honest-but-tampered / the engine's own adversaries, generic
 * message attacks (tamper.ts: withholding, replayed old messages, corrupted and oversized
 * messages, floods), loss, duplication, reordering, partitions (isolate one, split, asymmetric)
 * with heals, crash/restart with unsynced writes dropped, clock skew); run.ts runs it through
 * `runScenario` and judges safety (the online invariant checkers), honest-engine errors, and
 * liveness after the last heal; shrink.ts shrinks a failing case's explicit schedule; case.ts
 * encodes a case as one token for `thermo sim fuzz --case`; controls.ts holds one run per engine
 * beyond its bound, where the checker must fire; swarm.ts runs seed ranges.
 *
 * Owns: fuzz cases, their drawing, encoding, running, judging and shrinking; the per-engine
 * bounds the swarm stays inside; the control cases.
 * Does not own: the simulator and its invariant checkers (src/sim), engines and their
 * adversaries (src/engines), the command line (src/cli/commands/sim.ts), files (the CLI reads
 * --case files), worker processes (bench/swarm.bench.ts). Pure and deterministic: no Date, no
 * Math.random; the wall clock only reaches `wallMs`.
 */
export { FUZZ_CASE_VERSION, ATTACK_KINDS, CASE_LIMITS, caseFromJson, caseToJson, decodeCase, encodeCase, lastFaultEndMs, validateCase } from './case.js';
export type { AttackKind, AttackSpec, FuzzCase, FuzzPartition, PartitionKind } from './case.js';
export { HONEST_BEHAVIOUR, PROFILES, SWARM_ENGINES, profileOf } from './profiles.js';
export type { EngineProfile } from './profiles.js';
export { drawCase, withinBound, loadDurationS, requireProfile, SWARM_MIN_NODES, SWARM_MAX_NODES, FAULTS_FROM_MS, FAULT_WINDOW_MS, MAX_PARTITION_MS, MAX_DOWN_MS, LOAD_AFTER_HEAL_MS } from './draw.js';
export type { DrawOptions } from './draw.js';
export { makeTamper, newCounters } from './tamper.js';
export type { AttackCounters, TamperCodec } from './tamper.js';
export { runCase, caseScenario, caseReplay, fuzzResolve } from './run.js';
export type { FailureKind, FuzzVerdict, RunCaseOptions } from './run.js';
export { shrinkCase, candidates, DEFAULT_SHRINK_BUDGET } from './shrink.js';
export type { ShrinkResult } from './shrink.js';
export { CONTROLS, CONTROL_REASONS, controlCase } from './controls.js';
export { drawnReplay, runSeed, commitSeed, FIXED_COMMIT_SEED } from './swarm.js';
export type { SeedOutcome } from './swarm.js';
