/**
 * src/engines/negentropy: Holographic Entropy Damping, Proof-of-Negentropy (DESIGN.md section 3),
 * corrected as the design brief fixes: the design's Gibbs sampling and temperature choose each
 * node's preference, and a Snowball counter (alpha of k, betaC consecutive polls) decides.
 * Owns: the DAG of signed vertices and its validation (dag.ts, dag-check.ts, vertex.ts,
 * orphans.ts), conflict sets and their thermodynamics (conflict-set.ts, conflict-book.ts,
 * thermo.ts, snowball.ts), weighted peer sampling (weights.ts) and its bench list of peers that
 * stopped answering (bench-list.ts), polls and their re-sends (polls.ts), super-blocks,
 * snapshots and sync (superblock.ts), the light client (light-client.ts), the wire codec
 * (messages.ts), durable records (records.ts), parameters (params.ts), the engine (engine.ts)
 * and its Byzantine behaviours (adversary.ts).
 * Does not own: ledger rules, accounts and proofs (src/ledger), the Engine contract
 * (src/protocol), running it (src/sim, src/node), the `thermo proof` command (src/cli).
 * Rules, parameters, safety argument and measured figures: docs/protocols/negentropy.md.
 */
import type { EngineContext, EngineDefinition } from '../../protocol/index.js';
import { ADVERSARIES } from './adversary.js';
import { NegentropyEngine } from './engine.js';
import { decodeNegMessage, encodeNegMessage } from './messages.js';
import type { NegMessage } from './messages.js';
import { DEFAULT_NEGENTROPY_PARAMS, parseNegentropyParams } from './params.js';
import type { NegentropyParams } from './params.js';

export { NegentropyEngine, TICK } from './engine.js';
export type { SbCandidate, SlotView, VertexView } from './engine.js';
export { NegentropyError } from './errors.js';
export type { NegentropyErrorType, NegentropyErrorCode } from './errors.js';
export { DEFAULT_NEGENTROPY_PARAMS, parseNegentropyParams, checkParams } from './params.js';
export type { NegentropyParams, FinalRule } from './params.js';
export { encodeNegMessage, decodeNegMessage } from './messages.js';
export type { NegMessage } from './messages.js';
export { checkVertex, checkLinkedVertex } from './dag-check.js';
export type { CheckedVertex, VertexEnv, VertexLimits } from './dag-check.js';
export { Dag, VertexStatus } from './dag.js';
export { buildVertex, genesisVertex, genesisSuperBlock, signHeader, verifyHeaderSignature, idHex } from './vertex.js';
export {
  buildSuperBlock,
  checkHeaderChain,
  checkSuperBlockHeader,
  encodeSnapshot,
  executeSuperBlock,
  stateFromSnapshot,
  superBlockOf,
} from './superblock.js';
export type { SuperBlock } from './superblock.js';
export { acceptHeaderBySample, checkHeaderLinks, verifyBalance, verifyBundle } from './light-client.js';
export type { ProofBundle, TrustedHeader, VerifiedBalance } from './light-client.js';
export { negentropyFaultBound, SAFE_BYZANTINE_FRACTION } from './safety.js';
import { negentropyFaultBound } from './safety.js';

export const negentropyDefinition: EngineDefinition<NegMessage, NegentropyParams> = Object.freeze({
  name: 'negentropy',
  description: 'Proof-of-Negentropy: DAG of vertices, per-conflict-set Snowball with Gibbs/annealed preferences, super-blocks, light-client proofs.',
  defaultParams: DEFAULT_NEGENTROPY_PARAMS,
  parseParams: parseNegentropyParams,
  codec: Object.freeze({ encode: encodeNegMessage, decode: decodeNegMessage }),
  create: (ctx: EngineContext<NegentropyParams>) => new NegentropyEngine(ctx),
  faultBound: negentropyFaultBound,
  adversaries: ADVERSARIES,
});
