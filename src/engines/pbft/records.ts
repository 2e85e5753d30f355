/**
 * What a PBFT replica keeps durable (all written with sync: true before the message they
 * justify leaves the replica), so a restarted replica never contradicts what it sent:
 *   pbft/view        [view, inViewChange]        before a VIEW-CHANGE is sent / a new view entered
 *   pbft/acc/<s>     [view, digest, ppSig, blockBytes | null]   the accepted pre-prepare for s,
 *                    before this replica's PREPARE (or, as primary, its PRE-PREPARE) is sent:
 *                    never a second digest for (view, s)
 *   pbft/prep/<s>    the prepared certificate for s, before this replica's COMMIT is sent:
 *                    its VIEW-CHANGE messages after a restart still carry it
 *   pbft/blk/<s>     [blockBytes, view, commits]  the executed block with its commit certificate
 *   pbft/ckpt        the stable checkpoint with its proof
 *   tx/<id>          a client transfer acknowledged here (with `ack`)
 * acc/prep records at or below the stable checkpoint are deleted (sync: false; a lost delete is
 * ignored on restore).
 */
import { decode, encode, readArray, readBool, readBytes, readUint } from '../../core/index.js';
import type { CborValue } from '../../core/index.js';
import { decodeBlock, encodeBlock } from '../../ledger/index.js';
import type { Block } from '../../ledger/index.js';
import { guardedDecode, readCheckpoint, readPrepared, readVotes } from './codec.js';
import { PbftError } from './errors.js';
import type { CertVote, CheckpointCert, PreparedCert } from './messages.js';
import { HASH_BYTES, SIGNATURE_BYTES, checkpointToCbor, preparedToCbor, votesToCbor } from './messages.js';

export const VIEW_KEY = 'pbft/view';
export const CHECKPOINT_KEY = 'pbft/ckpt';
export const ACCEPTED_PREFIX = 'pbft/acc/';
export const PREPARED_PREFIX = 'pbft/prep/';
export const BLOCK_PREFIX = 'pbft/blk/';
export const TX_PREFIX = 'tx/';

function corrupt(key: string, err: unknown): PbftError {
  return new PbftError({ code: 'PBFT_CORRUPT_RECORD', key, reason: err instanceof Error ? err.message : String(err) });
}

function read<T>(key: string, body: () => T): T {
  try {
    return guardedDecode(body);
  } catch (err) {
    throw corrupt(key, err);
  }
}

export function encodeViewRecord(view: number, inViewChange: boolean): Uint8Array {
  return encode([view, inViewChange]);
}

export function decodeViewRecord(bytes: Uint8Array): { readonly view: number; readonly inViewChange: boolean } {
  return read(VIEW_KEY, () => {
    const f = readArray(decode(bytes), 'view', 2);
    return { view: readUint(f[0], 'view'), inViewChange: readBool(f[1], 'inViewChange') };
  });
}

export interface AcceptedRecord {
  readonly view: number;
  readonly digest: Uint8Array;
  readonly signature: Uint8Array;
  readonly block: Block | null;
}

export function encodeAccepted(r: AcceptedRecord): Uint8Array {
  return encode([r.view, r.digest, r.signature, r.block === null ? null : encodeBlock(r.block)]);
}

export function decodeAccepted(key: string, bytes: Uint8Array): AcceptedRecord {
  return read(key, () => {
    const f = readArray(decode(bytes), 'accepted', 4);
    const raw: CborValue | undefined = f[3];
    return {
      view: readUint(f[0], 'view'),
      digest: Uint8Array.from(readBytes(f[1], 'digest', HASH_BYTES)),
      signature: Uint8Array.from(readBytes(f[2], 'signature', SIGNATURE_BYTES)),
      block: raw === null ? null : decodeBlock(readBytes(raw, 'block')),
    };
  });
}

export function encodePrepared(p: PreparedCert): Uint8Array {
  return encode(preparedToCbor(p));
}

export function decodePrepared(key: string, bytes: Uint8Array): PreparedCert {
  return read(key, () => readPrepared(decode(bytes), 'prepared'));
}

export function encodeCheckpoint(c: CheckpointCert): Uint8Array {
  return encode(checkpointToCbor(c));
}

export function decodeCheckpoint(bytes: Uint8Array): CheckpointCert {
  return read(CHECKPOINT_KEY, () => readCheckpoint(decode(bytes), 'checkpoint'));
}

export interface ExecutedRecord {
  readonly block: Block;
  readonly view: number;
  readonly commits: readonly CertVote[];
}

export function encodeExecuted(r: ExecutedRecord): Uint8Array {
  return encodeExecutedBlockBytes(encodeBlock(r.block), r.view, r.commits);
}

/** The same record from a block already encoded (the engine keeps those bytes too). */
export function encodeExecutedBlockBytes(blockBytes: Uint8Array, view: number, commits: readonly CertVote[]): Uint8Array {
  return encode([blockBytes, view, votesToCbor(commits)]);
}

export function decodeExecuted(key: string, bytes: Uint8Array): ExecutedRecord {
  return read(key, () => {
    const f = readArray(decode(bytes), 'executed', 3);
    return { block: decodeBlock(readBytes(f[0], 'block')), view: readUint(f[1], 'view'), commits: readVotes(f[2], 'commits') };
  });
}

/** Records under `prefix` keyed by sequence number, ascending. */
export function bySeq(records: ReadonlyMap<string, Uint8Array>, prefix: string): readonly { readonly seq: number; readonly key: string; readonly bytes: Uint8Array }[] {
  const out: { seq: number; key: string; bytes: Uint8Array }[] = [];
  for (const [key, bytes] of records) {
    if (!key.startsWith(prefix)) continue;
    const seq = Number(key.slice(prefix.length));
    if (!Number.isSafeInteger(seq) || seq < 1) throw corrupt(key, new Error('bad sequence number'));
    out.push({ seq, key, bytes });
  }
  return out.sort((a, b) => a.seq - b.seq);
}
