/**
 * Store-backed catch-up. An engine keeps only recent history in memory (it must be bounded),
 * but the node's store keeps every durable record; an engine folder can export a pure function
 * that answers its own catch-up requests from those records (for the reference engine:
 * answerFromRecords). The node calls it for each inbound message, next to delivering the
 * message to the engine, and sends the answers back to the requester. The requester's engine
 * verifies them like any other message (certificates, parents), so this adds no trust.
 */
import { answerFromRecords } from '../../engines/reference/index.js';
import type { ReferenceParams, RefMessage } from '../../engines/reference/index.js';
import { answerFromRecords as pbftAnswerFromRecords } from '../../engines/pbft/index.js';
import type { PbftMessage } from '../../engines/pbft/index.js';
import { answerFromRecords as hotstuffAnswerFromRecords } from '../../engines/hotstuff/index.js';
import type { HsMessage } from '../../engines/hotstuff/index.js';
import { answerFromRecords as thermotruthAnswerFromRecords } from '../../engines/thermotruth/index.js';
import type { TtMessage } from '../../engines/thermotruth/index.js';
import { answerFromRecords as coherenceAnswerFromRecords } from '../../engines/coherence/index.js';
import type { CoherenceMessage } from '../../engines/coherence/index.js';

export type RecordReader = (key: string) => Uint8Array | undefined;

export interface RecordSyncServer {
  /**
   * Answers to `message` built from durable records; empty when the engine answers itself.
   * `params` are the engine's parsed genesis parameters.
   */
  answer(message: unknown, engineHeight: number, read: RecordReader, params: unknown): readonly unknown[];
}

// Sound casts: the node only passes messages decoded by, and params parsed by, the same engine.
const reference: RecordSyncServer = {
  answer: (m, h, read, params) => answerFromRecords(m as RefMessage, h, read, (params as ReferenceParams).keepFinalBlocks),
};

const pbft: RecordSyncServer = {
  answer: (m, h, read) => pbftAnswerFromRecords(m as PbftMessage, h, read),
};

const hotstuff: RecordSyncServer = {
  answer: (m, h, read) => hotstuffAnswerFromRecords(m as HsMessage, h, read),
};

const thermotruth: RecordSyncServer = {
  answer: (m, h, read) => thermotruthAnswerFromRecords(m as TtMessage, h, read),
};

const coherence: RecordSyncServer = {
  answer: (m, h, read) => coherenceAnswerFromRecords(m as CoherenceMessage, h, read),
};

const SERVERS: ReadonlyMap<string, RecordSyncServer> = new Map([
  ['reference', reference],
  ['reference-broken', reference],
  ['pbft', pbft],
  ['hotstuff', hotstuff],
  ['thermotruth', thermotruth],
  ['coherence', coherence],
]);

/** The record sync server of an engine, if its folder provides one. */
export function recordSyncServer(engine: string): RecordSyncServer | undefined {
  return SERVERS.get(engine);
}
