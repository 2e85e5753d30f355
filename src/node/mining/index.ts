/**
 * src/node/mining: parallel Proof-of-Coherence mining for the real node.
 * Owns: the worker-thread pool that runs the coherence engine's mining jobs across all cores
 * (pool.ts, a src/node/runtime JobExecutor), one search lane (search.ts), the thread entry
 * (worker.ts) and its messages (wire.ts).
 * Does not own: what a valid block is or the search itself (src/engines/coherence: seal,
 * kernels, validation), running the engine (src/node/runtime), the simulator's mining shortcut
 * (src/engines/coherence/miner.ts simulateMining).
 */
export { MiningPool, asMiningJob, defaultThreads } from './pool.js';
export type { MiningPoolOptions } from './pool.js';
export { searchLane } from './search.js';
export type { LaneOutcome } from './search.js';
export { MiningError } from './errors.js';
export type { MiningErrorType } from './errors.js';
