/**
 * src/sim: the deterministic discrete-event simulator (DESIGN.md section 4).
 * Owns: virtual time and per-node clock skew (clock.ts), the event heap (event-queue.ts), the
 * network model with the SimBlock region matrix and bandwidth caps (network.ts, regions.ts),
 * faults (faults.ts), crash-consistent storage (storage.ts), the CPU cost model
 * (cost-model.ts), Byzantine behaviours and the tamper hook (adversary.ts), the client workload
 * (workload.ts), the online safety invariant checkers (invariants.ts), metrics (metrics.ts),
 * the trace hash (trace.ts), scenarios and the run loop (config.ts, scenario.ts, simulator.ts),
 * replay commands (replay.ts); the swarm simulation (fuzz/: seeded fault cases, shrinking,
 * control runs; its own face is src/sim/fuzz/index.ts).
 * Does not own: engines (src/engines; the simulator only drives the Engine contract of
 * src/protocol), ledger rules (src/ledger), the command line (src/cli), the real runtime
 * (src/node). Nothing here reads the wall clock except to report how long a run took.
 */
export { runScenario, makeScenario, DEFAULT_SCENARIO } from './scenario.js';
export type { RunOptions, ScenarioConfig, ScenarioInput } from './scenario.js';
export { DEFAULT_LIMITS, DEFAULT_LOAD, DEFAULT_LATENCY, MAX_NODES, byzantineCount, validateScenario } from './config.js';
export type { ByzantineConfig, SimLimits } from './config.js';
export type { SimResult, SimSummary, NodeReport, EngineErrorReport, DropReason } from './result.js';
export { SimError, badConfig } from './errors.js';
export type { SimErrorType, SimErrorCode } from './errors.js';
export { EventQueue, DEFAULT_MAX_QUEUE } from './event-queue.js';
export type { Scheduled } from './event-queue.js';
export { VirtualClock, drawSkews } from './clock.js';
export { NetworkModel, FRAMING_BYTES, MAX_PROPAGATION_MS } from './network.js';
export type { LatencyModel, BandwidthModel } from './network.js';
export * from './regions.js';
export { NO_FAULTS, FAULT_PRESETS, faultPreset, validateFaults, partitionGroups } from './faults.js';
export type { FaultConfig, PartitionSpec, CrashSpec, FaultPreset } from './faults.js';
export { NodeStorage } from './storage.js';
export { MEASURED_COSTS_US, ZERO_COSTS_US, COST_OPS, costTable, chargeUs } from './cost-model.js';
export type { CostTable, CostModelName } from './cost-model.js';
export { SILENT, silentEngine, chooseByzantine, knownBehaviours } from './adversary.js';
export type { MessageTamper, TamperContext } from './adversary.js';
export { Workload, VALIDATOR_KEY_BASE, SIM_CHAIN_ID, simGenesis, validatorKeyPair } from './workload.js';
export type { LoadConfig } from './workload.js';
export { InvariantChecker, INVARIANT_KINDS } from './invariants.js';
export type { InvariantKind, Violation, FinalizeVerdict } from './invariants.js';
export { percentile, summarize, Gauges } from './metrics.js';
export { TraceHasher, fnv1a, fnv1aString } from './trace.js';
export { SIM_FLAGS, scenarioFromArgs, scenarioToArgs, argsFromArgv, replayCommand, optionKey, shellQuote, sameScenario, parseCrashes, parsePartitions } from './replay.js';
export type { FlagSpec, SimArgs } from './replay.js';
export { Simulation, EV } from './simulator.js';
