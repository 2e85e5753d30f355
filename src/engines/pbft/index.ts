/**
 * src/engines/pbft: the PBFT baseline (Castro and Liskov, OSDI 1999 / TOCS 2002) ordering
 * batches of ledger transfers, with checkpoints, watermarks and view changes.
 * Owns: the replica state machine (engine.ts), agreement instances and their predicates
 * (instance.ts), checkpoints and watermarks (checkpoint.ts), view-change checks and the O set
 * (view-change.ts), genesis and null blocks (chain.ts), messages and the wire codec
 * (messages.ts, codec.ts), durable records (records.ts), parameters (params.ts), typed errors
 * (errors.ts), and the Byzantine behaviours 'equivocate' and 'double-vote' (adversaries.ts).
 * Does not own: batching limits and selection (src/protocol/batching.ts, shared with HotStuff),
 * ledger rules (src/ledger), the runtimes (src/sim, src/node), the registry.
 * docs/protocols/pbft.md states the rules, parameters and deviations from the papers.
 */
import { maxFaulty } from '../../protocol/index.js';
import type { EngineDefinition } from '../../protocol/index.js';
import { doubleVotingEngine, equivocatingEngine } from './adversaries.js';
import { decodePbftMessage, encodePbftMessage } from './codec.js';
import { PbftEngine } from './engine.js';
import type { PbftMessage } from './messages.js';
import { DEFAULT_PBFT_PARAMS, parsePbftParams } from './params.js';
import type { PbftParams } from './params.js';

export { PbftEngine, REQUEST_TIMER, VIEW_CHANGE_TIMER, BATCH_TIMER, RETRANSMIT_TIMER, KEEP_EXECUTED, MAX_VIEW_AHEAD, MAX_FUTURE_MESSAGES, OWN_VCS_KEPT } from './engine.js';
export { encodePbftMessage, decodePbftMessage, MAX_MESSAGE_BYTES } from './codec.js';
export { signVote, verifyVote, votePayload, signViewChange, viewChangePayload, MAX_SYNC_BLOCKS } from './messages.js';
export type { PbftMessage, CertVote, PreparedCert, CheckpointCert, ViewChange, NewView, PrePrepareRef, VoteKind } from './messages.js';
export { Instance, instanceKey } from './instance.js';
export { Checkpoints } from './checkpoint.js';
export { computeO, verifyViewChange, verifyPreparedCert, verifyCheckpointCert, primaryOf } from './view-change.js';
export type { OSet, OEntry, VcContext } from './view-change.js';
export { genesisHeader, nullBlock } from './chain.js';
export { DEFAULT_PBFT_PARAMS, parsePbftParams, MAX_WINDOW } from './params.js';
export type { PbftParams } from './params.js';
export { PbftError, PBFT_PENALTY } from './errors.js';
export type { PbftErrorType, PbftErrorCode } from './errors.js';
export { equivocatingEngine, doubleVotingEngine } from './adversaries.js';
export { answerFromRecords } from './sync-server.js';

const definition: EngineDefinition<PbftMessage, PbftParams> = {
  name: 'pbft',
  description: 'Baseline: PBFT (signed messages, checkpoints, watermarks, view change with backoff), shared batching.',
  defaultParams: DEFAULT_PBFT_PARAMS,
  parseParams: parsePbftParams,
  codec: Object.freeze({ encode: encodePbftMessage, decode: decodePbftMessage }),
  create: (ctx) => new PbftEngine(ctx),
  faultBound: maxFaulty,
  adversaries: Object.freeze({ equivocate: equivocatingEngine, 'double-vote': doubleVotingEngine }),
};

export const pbftDefinition: EngineDefinition<PbftMessage, PbftParams> = Object.freeze(definition);
