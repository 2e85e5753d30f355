/**
 * Durable records (the `persist` effects) and how a restarted engine reads them back:
 *   sb          [log length, header, cut ids, snapshot]   the newest finalized super-block
 *               and its state: a restart (or a fresh node) resumes from it
 *   h/<index>   [header, cut ids]                         older super-block headers, the last
 *               maxHeaders of them (served to light clients and syncing nodes)
 *   cs/<slot>   [log seq, transfer]                       a decided conflict set not yet executed
 *   tx/<id>     transfer                                  a client transfer this node
 *               acknowledged and has not seen executed (written with `ack`)
 * The decisions are written with sync: true before the finalize effect that announces them, so
 * a restart never decides a slot again, and the finalized log continues at the right seq.
 */
import { decode, encode, fromHex, readArray, readBytes, readUint, toHex } from '../../core/index.js';
import { decodeHeader, decodeTransfer, encodeHeader, encodeTransfer } from '../../ledger/index.js';
import type { BlockHeader, Transfer } from '../../ledger/index.js';
import { NegentropyError } from './errors.js';
import { MAX_CUT, MAX_MESSAGE_BYTES } from './messages.js';

function corrupt(key: string, err: unknown): NegentropyError {
  return new NegentropyError({ code: 'NEG_CORRUPT_RECORD', key, reason: err instanceof Error ? err.message : String(err) });
}

function guard<T>(key: string, body: () => T): T {
  try {
    return body();
  } catch (err) {
    throw corrupt(key, err);
  }
}

export interface SbRecord {
  readonly logLength: number;
  readonly header: BlockHeader;
  readonly ids: readonly string[];
  readonly snapshot: Uint8Array;
}

export function encodeSbRecord(r: SbRecord): Uint8Array {
  return encode([r.logLength, encodeHeader(r.header), r.ids.map(fromHex), r.snapshot]);
}

export function decodeSbRecord(key: string, bytes: Uint8Array): SbRecord {
  return guard(key, () => {
    const items = readArray(decode(bytes, MAX_MESSAGE_BYTES), key, 4);
    if (items.length !== 4) throw new Error('expected 4 fields');
    return {
      logLength: readUint(items[0], 'logLength'),
      header: decodeHeader(readBytes(items[1], 'header')),
      ids: readArray(items[2], 'ids', MAX_CUT).map((b) => toHex(readBytes(b, 'id', 32))),
      snapshot: readBytes(items[3], 'snapshot'),
    };
  });
}

export function encodeHeaderRecord(header: BlockHeader, ids: readonly string[]): Uint8Array {
  return encode([encodeHeader(header), ids.map(fromHex)]);
}

export function decodeHeaderRecord(key: string, bytes: Uint8Array): { readonly header: BlockHeader; readonly ids: readonly string[] } {
  return guard(key, () => {
    const items = readArray(decode(bytes, MAX_MESSAGE_BYTES), key, 2);
    if (items.length !== 2) throw new Error('expected 2 fields');
    return { header: decodeHeader(readBytes(items[0], 'header')), ids: readArray(items[1], 'ids', MAX_CUT).map((b) => toHex(readBytes(b, 'id', 32))) };
  });
}

export function encodeDecisionRecord(seq: number, tx: Transfer): Uint8Array {
  return encode([seq, encodeTransfer(tx)]);
}

export function decodeDecisionRecord(key: string, bytes: Uint8Array): { readonly seq: number; readonly tx: Transfer } {
  return guard(key, () => {
    const items = readArray(decode(bytes), key, 2);
    if (items.length !== 2) throw new Error('expected 2 fields');
    return { seq: readUint(items[0], 'seq'), tx: decodeTransfer(readBytes(items[1], 'tx')) };
  });
}

export function decodeTxRecord(key: string, bytes: Uint8Array): Transfer {
  return guard(key, () => decodeTransfer(bytes));
}
