/**
 * Wire messages, canonical CBOR arrays tagged by their first item:
 *
 *   [0, round, proposal, [txBytes, ...], highQC | null]   proposal (and new-view) to the leader
 *   [1, round, batch, justify | null]                       the leader's prepare, to all
 *   [2, epoch, round, phase, value, signature]              a vote, to the round's leader
 *   [3, qc]                                                 precommit: a phase-1 QC, to all
 *   [4, qc]                                                 commit: a phase-2 QC, to all
 *   [5, fromEpoch]                                          "send me finalized epochs from here"
 *   [6, batch, qc]                                          a finalized batch with its commit QC
 *   [7, epoch, value]                                       "send me the batch with this value"
 *   [8, batch]                                              the answer to 7
 *   [9, epoch, round, answer]                               "round timed out for me" (timeouts.ts);
 *                                                           answer 1: a reply to a lagging node, never answered
 *
 * The sender of every message is authenticated by the runtime (Engine contract), so votes and
 * validator proposals name no sender. Decoding validates shapes and sizes and throws TtError
 * (TT_MALFORMED) on anything else; the contents are checked by the engine.
 */
import { CodecError, ThermoError, decode, encode, readArray, readBytes, readUint } from '../../core/index.js';
import type { CborValue } from '../../core/index.js';
import { LedgerError, MAX_BLOCK_BYTES, decodeTransfer, encodeTransfer } from '../../ledger/index.js';
import type { Transfer } from '../../ledger/index.js';
import { batchFromCbor, batchToCbor } from './batch.js';
import type { Batch } from './batch.js';
import { TtError } from './errors.js';
import { proposalFromCbor, proposalToCbor, SIGNATURE_BYTES } from './proposal.js';
import type { Proposal } from './proposal.js';
import { qcFromCbor, qcToCbor } from './qc.js';
import type { Phase, QC } from './qc.js';

/** Largest message accepted: a full block plus every proposal of a maximal batch. */
export const MAX_MESSAGE_BYTES = MAX_BLOCK_BYTES + 12 * 1024 * 1024;
/** Most transfers one proposal message carries. */
export const MAX_PROPOSAL_TXS = 4096;

export type TtMessage =
  | { readonly t: 'proposal'; readonly round: number; readonly proposal: Proposal; readonly txs: readonly Transfer[]; readonly highQC: QC | null }
  | { readonly t: 'prepare'; readonly round: number; readonly batch: Batch; readonly justify: QC | null }
  | { readonly t: 'vote'; readonly epoch: number; readonly round: number; readonly phase: Phase; readonly value: Uint8Array; readonly signature: Uint8Array }
  | { readonly t: 'precommit'; readonly qc: QC }
  | { readonly t: 'commit'; readonly qc: QC }
  | { readonly t: 'sync-request'; readonly fromEpoch: number }
  | { readonly t: 'sync-final'; readonly batch: Batch; readonly qc: QC }
  | { readonly t: 'fetch'; readonly epoch: number; readonly value: Uint8Array }
  | { readonly t: 'content'; readonly batch: Batch }
  | { readonly t: 'timeout'; readonly epoch: number; readonly round: number; readonly answer: boolean };

export function encodeTtMessage(m: TtMessage): Uint8Array {
  switch (m.t) {
    case 'proposal':
      return encode([0, m.round, proposalToCbor(m.proposal), m.txs.map((tx) => encodeTransfer(tx)), m.highQC === null ? null : qcToCbor(m.highQC)]);
    case 'prepare':
      return encode([1, m.round, batchToCbor(m.batch), m.justify === null ? null : qcToCbor(m.justify)]);
    case 'vote':
      return encode([2, m.epoch, m.round, m.phase, m.value, m.signature]);
    case 'precommit':
      return encode([3, qcToCbor(m.qc)]);
    case 'commit':
      return encode([4, qcToCbor(m.qc)]);
    case 'sync-request':
      return encode([5, m.fromEpoch]);
    case 'sync-final':
      return encode([6, batchToCbor(m.batch), qcToCbor(m.qc)]);
    case 'fetch':
      return encode([7, m.epoch, m.value]);
    case 'content':
      return encode([8, batchToCbor(m.batch)]);
    case 'timeout':
      return encode([9, m.epoch, m.round, m.answer ? 1 : 0]);
  }
}

function malformed(reason: string): TtError {
  return new TtError({ code: 'TT_MALFORMED', reason });
}

const LENGTHS = [5, 4, 6, 2, 2, 2, 3, 3, 2, 4];

function optionalQC(value: CborValue | undefined, what: string): QC | null {
  return value === null ? null : qcFromCbor(value, what);
}

export function decodeTtMessage(bytes: Uint8Array): TtMessage {
  try {
    const items = readArray(decode(bytes, MAX_MESSAGE_BYTES), 'message', 6);
    const tag = readUint(items[0], 'message.tag');
    const want = LENGTHS[tag];
    if (want === undefined) throw malformed(`unknown tag ${tag}`);
    if (items.length !== want) throw malformed(`tag ${tag}: expected ${want} items, got ${items.length}`);
    switch (tag) {
      case 0: {
        const txs = readArray(items[3], 'proposal.txs', MAX_PROPOSAL_TXS).map((b) => decodeTransfer(readBytes(b, 'proposal.tx')));
        return Object.freeze({
          t: 'proposal',
          round: readUint(items[1], 'proposal.round'),
          proposal: proposalFromCbor(items[2], 'proposal'),
          txs: Object.freeze(txs),
          highQC: optionalQC(items[4], 'proposal.highQC'),
        });
      }
      case 1:
        return Object.freeze({ t: 'prepare', round: readUint(items[1], 'prepare.round'), batch: batchFromCbor(items[2]), justify: optionalQC(items[3], 'prepare.justify') });
      case 2: {
        const phase = readUint(items[3], 'vote.phase');
        if (phase !== 1 && phase !== 2) throw malformed(`vote.phase ${phase}`);
        return Object.freeze({
          t: 'vote',
          epoch: readUint(items[1], 'vote.epoch'),
          round: readUint(items[2], 'vote.round'),
          phase,
          value: Uint8Array.from(readBytes(items[4], 'vote.value', 32)),
          signature: Uint8Array.from(readBytes(items[5], 'vote.signature', SIGNATURE_BYTES)),
        });
      }
      case 3:
        return Object.freeze({ t: 'precommit', qc: qcFromCbor(items[1], 'precommit.qc') });
      case 4:
        return Object.freeze({ t: 'commit', qc: qcFromCbor(items[1], 'commit.qc') });
      case 5:
        return Object.freeze({ t: 'sync-request', fromEpoch: readUint(items[1], 'sync.fromEpoch') });
      case 6:
        return Object.freeze({ t: 'sync-final', batch: batchFromCbor(items[1]), qc: qcFromCbor(items[2], 'sync.qc') });
      case 7:
        return Object.freeze({ t: 'fetch', epoch: readUint(items[1], 'fetch.epoch'), value: Uint8Array.from(readBytes(items[2], 'fetch.value', 32)) });
      case 8:
        return Object.freeze({ t: 'content', batch: batchFromCbor(items[1]) });
      default: {
        const answer = readUint(items[3], 'timeout.answer');
        if (answer > 1) throw malformed(`timeout.answer ${answer}`);
        return Object.freeze({ t: 'timeout', epoch: readUint(items[1], 'timeout.epoch'), round: readUint(items[2], 'timeout.round'), answer: answer === 1 });
      }
    }
  } catch (err) {
    if (err instanceof TtError) throw err;
    if (err instanceof CodecError || err instanceof LedgerError || err instanceof ThermoError) throw malformed(err.message);
    throw err;
  }
}
