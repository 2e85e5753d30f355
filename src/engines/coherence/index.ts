/**
 * src/engines/coherence: BloomCoin's Proof-of-Coherence, made real (docs/protocols/coherence.md).
 * Owns: the deterministic Kuramoto kernels (kuramoto/: reference, fused JS, WebAssembly SIMD,
 * all bit-identical), the seed and seal rules (seal.ts), block validation (validate.ts), the
 * miner and its simulator shortcut (miner.ts), difficulty (difficulty/: ASERT aserti3-2d and the
 * design's retarget, block work), the chain with most-work fork choice, reorgs and k-deep
 * finality (chain.ts, engine.ts), the orphan pool, phase gossip, the wire codec, parameters, the
 * Eyal-Sirer selfish-mining adversary (selfish.ts), range catch-up and its answers from durable
 * records (sync-server.ts).
 * Does not own: worker threads (src/node/mining runs the miner in parallel), the simulator and
 * its cost model (src/sim), ledger rules (src/ledger), the block tree (src/protocol), the CLI.
 */
import type { EngineContext, EngineDefinition } from '../../protocol/index.js';
import { CoherenceEngine } from './engine.js';
import { decodeMessage, encodeMessage } from './messages.js';
import type { CoherenceMessage } from './messages.js';
import { mine, simulateMining } from './miner.js';
import type { MiningJob, MiningResult } from './miner.js';
import { DEFAULT_COHERENCE_PARAMS, parseCoherenceParams } from './params.js';
import type { CoherenceParams } from './params.js';

export { CoherenceEngine, genesisEntry, genesisHash, childEntry, REAL_JOB_ATTEMPTS } from './engine.js';
export type { MiningPolicy } from './engine.js';
export { Chain, KEEP_FINALIZED } from './chain.js';
export type { ChainEntry } from './chain.js';
export { CoherenceError } from './errors.js';
export type { CoherenceErrorType, CoherenceErrorCode } from './errors.js';
export { DEFAULT_COHERENCE_PARAMS, parseCoherenceParams, targetForInterval, MAX_TARGET, TWO_256 } from './params.js';
export type { CoherenceParams, DifficultyRule } from './params.js';
export { readSeal, sealFields, sealPreimage, seedFor, templateHeader, withSeal, hashThreshold, targetBytes } from './seal.js';
export type { Seal } from './seal.js';
export { checkBlock, checkHeader, checkSimulation, checkSize } from './validate.js';
export type { HeaderCheck, BlockCheck } from './validate.js';
export { mine, simulateMining, MAX_NONCE, MAX_SIMULATED_SEARCH } from './miner.js';
export type { MiningJob, MiningResult } from './miner.js';
export { asertTarget, retargetTarget, isRetargetHeight, blockWork, nextTarget, medianTimePast, MTP_WINDOW } from './difficulty/index.js';
export type { AsertInput, RetargetInput, DifficultyParent } from './difficulty/index.js';
export { OrphanPool } from './orphans.js';
export { PhaseCache, verifyPhases, coherenceOf } from './phase-gossip.js';
export { encodeMessage, decodeMessage, blockMessage, MAX_SYNC_BLOCKS } from './messages.js';
export { answerFromRecords, finalKey } from './sync-server.js';
export type { RecordReader } from './sync-server.js';
export { SYNC_RETRY_MS, SYNC_ANSWER_MIN_MS, SYNC_MIN_GAP } from './engine.js';
export type { CoherenceMessage } from './messages.js';
export { SelfishStrategy } from './selfish.js';
export * from './kuramoto/constants.js';
export { referenceKernel } from './kuramoto/reference-kernel.js';
export { FastKernel, fastKernel } from './kuramoto/fast-kernel.js';
export { SimdKernel, simdAvailable } from './kuramoto/wasm/simd-kernel.js';
export { createKernel, sharedKernel, replay, REPLAY_CACHE_MAX } from './kuramoto/kernel.js';
export type { KernelRunner, KernelKind, Replay } from './kuramoto/kernel.js';
export { initialState } from './kuramoto/seed.js';
export { phasesDigest, phasesBytes } from './kuramoto/digest.js';
export { negentropy } from './kuramoto/negentropy.js';
export { wrapPhase } from './kuramoto/wrap.js';

export const coherenceDefinition: EngineDefinition<CoherenceMessage, CoherenceParams, MiningJob, MiningResult> = Object.freeze({
  name: 'coherence',
  description: 'BloomCoin Proof-of-Coherence: Kuramoto proof of work, most-work chain, ASERT difficulty, k-deep probabilistic finality.',
  defaultParams: DEFAULT_COHERENCE_PARAMS,
  parseParams: parseCoherenceParams,
  codec: Object.freeze({ encode: encodeMessage, decode: decodeMessage }),
  create: (ctx: EngineContext<CoherenceParams>) => new CoherenceEngine(ctx, 'honest'),
  jobs: Object.freeze({ run: (job: MiningJob) => mine(job), simulate: simulateMining }),
  // A PoW chain has no Byzantine count bound: its safety argument is about hash power (an
  // attacker below 1/2 of it cannot outpace the honest chain forever; selfish mining profits
  // from about 1/4 to 1/3 on, Eyal-Sirer). Reported as floor((n - 1) / 2) nodes of equal power.
  faultBound: (n: number) => Math.floor((n - 1) / 2),
  adversaries: Object.freeze({
    selfish: (ctx: EngineContext<CoherenceParams>) => new CoherenceEngine(ctx, 'selfish'),
  }),
});
