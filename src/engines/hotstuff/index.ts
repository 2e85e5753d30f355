/**
 * src/engines/hotstuff: the chained HotStuff baseline (Yin et al., PODC 2019), event-driven
 * form with a round-robin pacemaker, carrying the same transaction batches as PBFT.
 * Owns: the replica state machine (engine.ts), the voting/lock/commit rules (safety.ts), the
 * pacemaker (pacemaker.ts), quorum certificates (qc.ts), the block store of uncommitted
 * branches (block-store.ts), messages and wire codec (messages.ts, codec.ts), durable records
 * (records.ts), parameters (params.ts), typed errors (errors.ts), and the Byzantine behaviours
 * 'equivocate' and 'double-vote' (adversaries.ts).
 * Does not own: batching limits and selection (src/protocol/batching.ts, shared with PBFT),
 * ledger rules (src/ledger), the simulator and the node (they drive it through the Engine
 * contract), the registry (src/engines/index.ts).
 * docs/protocols/hotstuff.md states the rules, parameters and deviations from the paper.
 */
import { maxFaulty } from '../../protocol/index.js';
import type { EngineDefinition } from '../../protocol/index.js';
import { doubleVotingEngine, equivocatingEngine } from './adversaries.js';
import { decodeHsMessage, encodeHsMessage } from './codec.js';
import { HotStuffEngine } from './engine.js';
import type { HsMessage } from './messages.js';
import { DEFAULT_HOTSTUFF_PARAMS, parseHotStuffParams } from './params.js';
import type { HotStuffParams } from './params.js';

export { HotStuffEngine, genesisBlock, PROPOSE_TIMER, RETRANSMIT_TIMER, KEEP_COMMITTED, MAX_PENDING_PROPOSALS } from './engine.js';
export { encodeHsMessage, decodeHsMessage, MAX_MESSAGE_BYTES } from './codec.js';
export { makeQC, blockMeta, blockConsensus, signVote, verifyVote, votePayload, MAX_SYNC_BLOCKS } from './messages.js';
export type { HsMessage, QuorumCert, CertVote, BlockMeta } from './messages.js';
export { QcVerifier, isGenesisQC } from './qc.js';
export { BlockStore, MAX_STORE_BLOCKS } from './block-store.js';
export type { HsNode } from './block-store.js';
export { safeNode, updateFromQC } from './safety.js';
export type { LockRef, UpdateOutcome } from './safety.js';
export { Pacemaker, VIEW_TIMER, MAX_VIEW_AHEAD } from './pacemaker.js';
export { DEFAULT_HOTSTUFF_PARAMS, parseHotStuffParams } from './params.js';
export type { HotStuffParams } from './params.js';
export { HotStuffError, HOTSTUFF_PENALTY } from './errors.js';
export type { HotStuffErrorType, HotStuffErrorCode } from './errors.js';
export { equivocatingEngine, doubleVotingEngine } from './adversaries.js';
export { answerFromRecords } from './sync-server.js';

const definition: EngineDefinition<HsMessage, HotStuffParams> = {
  name: 'hotstuff',
  description: 'Baseline: chained HotStuff (event-driven, round-robin pacemaker), QCs as n-signature lists, shared batching.',
  defaultParams: DEFAULT_HOTSTUFF_PARAMS,
  parseParams: parseHotStuffParams,
  codec: Object.freeze({ encode: encodeHsMessage, decode: decodeHsMessage }),
  create: (ctx) => new HotStuffEngine(ctx),
  faultBound: maxFaulty,
  adversaries: Object.freeze({ equivocate: equivocatingEngine, 'double-vote': doubleVotingEngine }),
};

export const hotstuffDefinition: EngineDefinition<HsMessage, HotStuffParams> = Object.freeze(definition);
