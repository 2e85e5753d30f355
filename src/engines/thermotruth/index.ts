/**
 * src/engines/thermotruth: the ThermoTruth design, made deterministic and Byzantine-robust
 * (DESIGN.md section 3; rules, parameters and deviations: docs/protocols/thermotruth.md).
 * Owns: the epoch/round state machine with its two-phase 2f + 1 commit and view change
 * (engine.ts; round timeouts that end a round for everyone, timeouts.ts; the epoch pace that
 * scales them, pace.ts), proposals with hashcash PoW and vector clocks (proposal.ts, pow.ts), the
 * deterministic robust aggregate and its rules (aggregate.ts, stats.ts), temperature, entropy
 * and adaptive difficulty (thermo.ts), batches and quorum certificates (batch.ts, qc.ts), the
 * wire codec (messages.ts), the simulated world it measures (observe.ts), its Byzantine
 * behaviours (adversary.ts), and catch-up answers built from its durable records for epochs
 * older than it keeps in memory (sync-server.ts; the node calls it, the engine does no I/O).
 * Does not own: the simulator (src/sim), the registry (src/engines/index.ts), ledger rules
 * (src/ledger), the claims experiments (src/bench).
 */
import { maxFaulty } from '../../protocol/index.js';
import type { EngineDefinition } from '../../protocol/index.js';
import { dragEngine, outlierEngine, splitWorldEngine } from './adversary.js';
import { ThermoTruthEngine } from './engine.js';
import { decodeTtMessage, encodeTtMessage } from './messages.js';
import type { TtMessage } from './messages.js';
import { DEFAULT_THERMOTRUTH_PARAMS, parseThermoTruthParams } from './params.js';
import type { ThermoTruthParams } from './params.js';
import { POW_JOBS } from './pow.js';
import type { PowJob, PowResult } from './pow.js';

export { ThermoTruthEngine, HONEST_POLICY, genesisBlockHash, leaderOf } from './engine.js';
export type { ProposalPolicy, EpochView, EpochProposalView } from './engine.js';
export { computeAggregate, trimmedMean, healOutliers } from './aggregate.js';
export type { AggregateConfig, AggregateResult } from './aggregate.js';
export { median, componentMedian, mean, totalVariance, squaredDistance, norm } from './stats.js';
export { temperature, entropyBits, nextDifficulty, powBits, VARIANCE_FLOOR, TEMPERATURE_FLOOR } from './thermo.js';
export { checkPow, searchPow, leadingZeroBits, powHash, POW_JOBS, HASH_COST_US } from './pow.js';
export type { PowJob, PowResult } from './pow.js';
export {
  signProposal,
  validateProposal,
  encodeProposal,
  decodeProposal,
  powDigest,
  identityOf,
  compareIdentity,
  proposalSigningBytes,
} from './proposal.js';
export type { Proposal, UnsignedProposal, ProposalRules } from './proposal.js';
export { makeBatch, valueHash, checkBatch, encodeBatch, decodeBatch } from './batch.js';
export type { Batch, BatchRules, BatchVerdict } from './batch.js';
export { signVote, verifyVote, verifyQC, votePayload } from './qc.js';
export type { QC, Phase, CertVote } from './qc.js';
export { encodeTtMessage, decodeTtMessage, MAX_MESSAGE_BYTES } from './messages.js';
export type { TtMessage } from './messages.js';
export { answerFromRecords, finalKey } from './sync-server.js';
export type { RecordReader } from './sync-server.js';
export { truthAt, observe, relativeError } from './observe.js';
export { vectorFromBytes, vectorToBytes } from './vector.js';
export { twinBatch, outlierEngine, dragEngine, splitWorldEngine } from './adversary.js';
export { DEFAULT_THERMOTRUTH_PARAMS, parseThermoTruthParams, AGGREGATE_RULES, MAX_DIMENSION, MAX_MINTED_CAP } from './params.js';
export type { ThermoTruthParams, AggregateRule } from './params.js';
export { TtError, rejectProposal } from './errors.js';
export type { TtErrorType, TtErrorCode, ProposalRejectCode } from './errors.js';

const definition: EngineDefinition<TtMessage, ThermoTruthParams, PowJob, PowResult> = {
  name: 'thermotruth',
  description:
    'ThermoTruth: epochs with a rotating leader agree on a robust aggregate of PoW-stamped signed state vectors (median-centred Boltzmann weights, DLPSW trimming or the literal rule) and a block, with 2f+1 signatures and view change.',
  defaultParams: DEFAULT_THERMOTRUTH_PARAMS,
  parseParams: parseThermoTruthParams,
  codec: Object.freeze({ encode: encodeTtMessage, decode: decodeTtMessage }),
  create: (ctx) => new ThermoTruthEngine(ctx),
  jobs: POW_JOBS,
  faultBound: maxFaulty,
  adversaries: Object.freeze({ outlier: outlierEngine, 'in-range-drag': dragEngine, 'split-world': splitWorldEngine }),
};

export const thermotruthDefinition = Object.freeze(definition);
