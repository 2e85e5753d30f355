/**
 * Wire codec of the PBFT engine: canonical CBOR arrays tagged by their first item.
 *   [0, txBytes]                                  tx (gossip)
 *   [1, view, seq, blockBytes, sig]               pre-prepare
 *   [2, view, seq, digest, sig]                   prepare
 *   [3, view, seq, digest, sig]                   commit
 *   [4, seq, digest, sig]                         checkpoint
 *   [5, newView, replica, ckpt, [prepared...], sig]            view-change
 *   [6, view, [viewChange...], [[seq, digest, sig]...]]         new-view
 *   [7, digest]                                   fetch-block
 *   [8, blockBytes]                               block
 *   [9, fromSeq]                                  sync-request
 *   [10, blockBytes, view, [[voter, sig]...]]     sync-block
 *   [11, view]                                    new-view-request
 * ckpt = [seq, headerBytes, votes]; prepared = [view, seq, headerBytes, ppSig, votes];
 * votes = [[voter, sig], ...] with strictly increasing voters.
 * The byte cap is checked first, then the shape; failures are PbftError PBFT_MALFORMED. The
 * records module reuses the readers for durable state.
 */
import { ThermoError, decode, encode, readArray, readBytes, readUint } from '../../core/index.js';
import type { CborValue } from '../../core/index.js';
import { MAX_BLOCK_BYTES, MAX_HEADER_BYTES, decodeBlock, decodeHeader, decodeTransfer, encodeBlock, encodeTransfer } from '../../ledger/index.js';
import { PbftError } from './errors.js';
import type { CertVote, CheckpointCert, NewView, PbftMessage, PreparedCert, PrePrepareRef, ViewChange } from './messages.js';
import { HASH_BYTES, MAX_VALIDATORS, SIGNATURE_BYTES, checkpointToCbor, viewChangeToCbor, votesToCbor } from './messages.js';
import { MAX_WINDOW } from './params.js';

/** Largest encoded message (a new-view of a large validator set is the biggest). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export function encodePbftMessage(m: PbftMessage): Uint8Array {
  switch (m.t) {
    case 'tx':
      return encode([0, encodeTransfer(m.tx)]);
    case 'pre-prepare':
      return encode([1, m.view, m.seq, encodeBlock(m.block), m.signature]);
    case 'prepare':
      return encode([2, m.view, m.seq, m.digest, m.signature]);
    case 'commit':
      return encode([3, m.view, m.seq, m.digest, m.signature]);
    case 'checkpoint':
      return encode([4, m.seq, m.digest, m.signature]);
    case 'view-change':
      return encode([5, ...(viewChangeToCbor(m.vc) as readonly CborValue[])]);
    case 'new-view':
      return encode([
        6,
        m.nv.view,
        m.nv.viewChanges.map(viewChangeToCbor),
        m.nv.preprepares.map((p): CborValue => [p.seq, p.digest, p.signature]),
      ]);
    case 'fetch-block':
      return encode([7, m.digest]);
    case 'block':
      return encode([8, encodeBlock(m.block)]);
    case 'sync-request':
      return encode([9, m.fromSeq]);
    case 'sync-block':
      return encode([10, encodeBlock(m.block), m.view, votesToCbor(m.commits)]);
    case 'new-view-request':
      return encode([11, m.view]);
  }
}

export function malformed(reason: string): PbftError {
  return new PbftError({ code: 'PBFT_MALFORMED', reason });
}

/** Runs a decoder body; codec and ledger failures become PBFT_MALFORMED. */
export function guardedDecode<T>(body: () => T): T {
  try {
    return body();
  } catch (err) {
    if (err instanceof PbftError) throw err;
    if (err instanceof ThermoError) throw malformed(err.message);
    throw err;
  }
}

function fields(value: CborValue | undefined, what: string, count: number): readonly CborValue[] {
  const items = readArray(value, what, count);
  if (items.length !== count) throw malformed(`${what}: expected ${count} items, got ${items.length}`);
  return items;
}

function sig(value: CborValue | undefined, what: string): Uint8Array {
  return Uint8Array.from(readBytes(value, what, SIGNATURE_BYTES));
}

function digest(value: CborValue | undefined, what: string): Uint8Array {
  return Uint8Array.from(readBytes(value, what, HASH_BYTES));
}

export function readVotes(value: CborValue | undefined, what: string): readonly CertVote[] {
  let last = -1;
  const votes = readArray(value, what, MAX_VALIDATORS).map((raw, i) => {
    const pair = fields(raw, `${what}[${i}]`, 2);
    const voter = readUint(pair[0], `${what}[${i}].voter`);
    // Strictly increasing: one encoding per certificate, and no voter counted twice.
    if (voter <= last) throw malformed(`${what}: voters must be strictly increasing`);
    last = voter;
    return Object.freeze({ voter, signature: sig(pair[1], `${what}[${i}].signature`) });
  });
  return Object.freeze(votes);
}

export function readPrepared(value: CborValue | undefined, what: string): PreparedCert {
  const f = fields(value, what, 5);
  return Object.freeze({
    view: readUint(f[0], `${what}.view`),
    seq: readUint(f[1], `${what}.seq`),
    header: decodeHeader(readBytes(f[2], `${what}.header`), MAX_HEADER_BYTES),
    ppSignature: sig(f[3], `${what}.ppSignature`),
    prepares: readVotes(f[4], `${what}.prepares`),
  });
}

export function readCheckpoint(value: CborValue | undefined, what: string): CheckpointCert {
  const f = fields(value, what, 3);
  return Object.freeze({
    seq: readUint(f[0], `${what}.seq`),
    header: decodeHeader(readBytes(f[1], `${what}.header`), MAX_HEADER_BYTES),
    votes: readVotes(f[2], `${what}.votes`),
  });
}

function readViewChangeItems(f: readonly CborValue[], what: string): ViewChange {
  return Object.freeze({
    newView: readUint(f[0], `${what}.newView`),
    replica: readUint(f[1], `${what}.replica`),
    checkpoint: readCheckpoint(f[2], `${what}.checkpoint`),
    prepared: Object.freeze(readArray(f[3], `${what}.prepared`, MAX_WINDOW).map((p, i) => readPrepared(p, `${what}.prepared[${i}]`))),
    signature: sig(f[4], `${what}.signature`),
  });
}

export function readViewChange(value: CborValue | undefined, what: string): ViewChange {
  return readViewChangeItems(fields(value, what, 5), what);
}

function readNewView(items: readonly CborValue[]): NewView {
  const vcs = readArray(items[2], 'new-view.viewChanges', MAX_VALIDATORS).map((v, i) => readViewChange(v, `new-view.viewChanges[${i}]`));
  const pps = readArray(items[3], 'new-view.preprepares', MAX_WINDOW).map((p, i): PrePrepareRef => {
    const f = fields(p, `new-view.preprepares[${i}]`, 3);
    return Object.freeze({ seq: readUint(f[0], 'pp.seq'), digest: digest(f[1], 'pp.digest'), signature: sig(f[2], 'pp.signature') });
  });
  return Object.freeze({ view: readUint(items[1], 'new-view.view'), viewChanges: Object.freeze(vcs), preprepares: Object.freeze(pps) });
}

const ARITY: readonly number[] = [2, 5, 5, 5, 4, 6, 4, 2, 2, 2, 4, 2];

export function decodePbftMessage(bytes: Uint8Array): PbftMessage {
  return guardedDecode((): PbftMessage => {
    const items = readArray(decode(bytes, MAX_MESSAGE_BYTES), 'message', 6);
    const tag = readUint(items[0], 'message.tag');
    const want = ARITY[tag];
    if (want === undefined) throw malformed(`unknown tag ${tag}`);
    if (items.length !== want) throw malformed(`tag ${tag}: expected ${want} items, got ${items.length}`);
    switch (tag) {
      case 0:
        return Object.freeze({ t: 'tx', tx: decodeTransfer(readBytes(items[1], 'tx')) });
      case 1:
        return Object.freeze({
          t: 'pre-prepare',
          view: readUint(items[1], 'view'),
          seq: readUint(items[2], 'seq'),
          block: decodeBlock(readBytes(items[3], 'block'), { maxBlockBytes: MAX_BLOCK_BYTES, maxTxsPerBlock: 10_000 }),
          signature: sig(items[4], 'signature'),
        });
      case 2:
      case 3:
        return Object.freeze({
          t: tag === 2 ? 'prepare' : 'commit',
          view: readUint(items[1], 'view'),
          seq: readUint(items[2], 'seq'),
          digest: digest(items[3], 'digest'),
          signature: sig(items[4], 'signature'),
        });
      case 4:
        return Object.freeze({ t: 'checkpoint', seq: readUint(items[1], 'seq'), digest: digest(items[2], 'digest'), signature: sig(items[3], 'signature') });
      case 5:
        return Object.freeze({ t: 'view-change', vc: readViewChangeItems(items.slice(1), 'view-change') });
      case 6:
        return Object.freeze({ t: 'new-view', nv: readNewView(items) });
      case 7:
        return Object.freeze({ t: 'fetch-block', digest: digest(items[1], 'digest') });
      case 8:
        return Object.freeze({ t: 'block', block: decodeBlock(readBytes(items[1], 'block')) });
      case 9:
        return Object.freeze({ t: 'sync-request', fromSeq: readUint(items[1], 'fromSeq') });
      case 10:
        return Object.freeze({
          t: 'sync-block',
          block: decodeBlock(readBytes(items[1], 'block')),
          view: readUint(items[2], 'view'),
          commits: readVotes(items[3], 'commits'),
        });
      default:
        return Object.freeze({ t: 'new-view-request', view: readUint(items[1], 'view') });
    }
  });
}

/** For records: the checkpoint certificate alone. */
export function encodeCheckpointCert(c: CheckpointCert): Uint8Array {
  return encode(checkpointToCbor(c));
}
