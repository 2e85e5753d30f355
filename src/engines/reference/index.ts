/**
 * src/engines/reference: a TEST FIXTURE engine, not one of Thermo's measured designs.
 * Owns: a fixed-leader, vote-quorum finality protocol over the ledger (engine.ts), its wire
 * codec (messages.ts), parameters (params.ts), the 'equivocate' Byzantine behaviour
 * (adversary.ts), and the deliberately broken variant 'reference-broken' used as the control
 * run that proves the simulator's agreement checker can fail.
 * Does not own: the simulator (src/sim), the registry (src/engines/index.ts), ledger rules.
 * Known limits, by design: no view change, so a Byzantine leader (validator 0) stops progress;
 * catch-up from memory only within the last KEEP_FINAL_BLOCKS finalized blocks (a runtime that
 * keeps the durable records serves older ones through answerFromRecords, sync-server.ts).
 */
import { maxFaulty } from '../../protocol/index.js';
import type { EngineContext, EngineDefinition } from '../../protocol/index.js';
import { equivocatingEngine } from './adversary.js';
import { ReferenceEngine } from './engine.js';
import type { ReferenceMode } from './engine.js';
import { decodeRefMessage, encodeRefMessage } from './messages.js';
import type { RefMessage } from './messages.js';
import { DEFAULT_REFERENCE_PARAMS, parseReferenceParams } from './params.js';
import type { ReferenceParams } from './params.js';

export { ReferenceEngine, LEADER, genesisBlockHash, KEEP_FINAL_BLOCKS } from './engine.js';
export { answerFromRecords } from './sync-server.js';
export type { RecordReader } from './sync-server.js';
export type { ReferenceMode } from './engine.js';
export { encodeRefMessage, decodeRefMessage, signVote, verifyVote } from './messages.js';
export type { RefMessage, CertVote } from './messages.js';
export { DEFAULT_REFERENCE_PARAMS, parseReferenceParams } from './params.js';
export type { ReferenceParams } from './params.js';
export { RefError } from './errors.js';
export type { RefErrorType } from './errors.js';

function define(
  name: string,
  description: string,
  mode: ReferenceMode,
  faultBound: (n: number) => number,
): EngineDefinition<RefMessage, ReferenceParams> {
  const definition: EngineDefinition<RefMessage, ReferenceParams> = {
    name,
    description,
    defaultParams: DEFAULT_REFERENCE_PARAMS,
    parseParams: parseReferenceParams,
    codec: Object.freeze({ encode: encodeRefMessage, decode: decodeRefMessage }),
    create: (ctx) => new ReferenceEngine(ctx, mode),
    faultBound,
    adversaries: Object.freeze({ equivocate: (ctx: EngineContext<ReferenceParams>) => equivocatingEngine(ctx, mode) }),
  };
  return Object.freeze(definition);
}

export const referenceDefinition = define(
  'reference',
  'Test fixture: fixed leader, quorum of signed votes per block (safe with f Byzantine; no view change).',
  Object.freeze({ finalizeOnProposal: false }),
  maxFaulty,
);

export const referenceBrokenDefinition = define(
  'reference-broken',
  'Deliberately UNSAFE test fixture: finalizes on the proposal without votes (control run for the checkers).',
  Object.freeze({ finalizeOnProposal: true }),
  // Its "safety argument" needs an honest leader: it tolerates no Byzantine node at all, so a
  // single equivocating leader is already beyond its fault bound.
  () => 0,
);
