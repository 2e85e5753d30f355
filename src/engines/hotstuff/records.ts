/**
 * What a HotStuff replica keeps durable, so that a restarted replica never votes
 * inconsistently with what it voted before the crash:
 *   hs/safety       [view, vheight, lockHeight, lockHash, highQC, highQCHeight, proposedView]
 *                   written with sync: true before every vote and proposal leaves the replica
 *   hs/blk/<h>      committed block at height h (sync: true at commit)
 *   tx/<id>         a client transfer acknowledged by this replica (sync: true, with `ack`)
 * A lost `sync: false` delete of a tx record is harmless: restore re-adds it to the mempool,
 * where the committed state makes it stale.
 */
import { decode, encode, readArray, readBytes, readUint } from '../../core/index.js';
import type { CborValue } from '../../core/index.js';
import { HotStuffError } from './errors.js';
import type { QuorumCert } from './messages.js';
import { HASH_BYTES, qcFromCbor, qcToCbor } from './messages.js';

export const SAFETY_KEY = 'hs/safety';
export const BLOCK_PREFIX = 'hs/blk/';
export const TX_PREFIX = 'tx/';

export interface SafetyRecord {
  readonly view: number;
  readonly vheight: number;
  readonly lockHeight: number;
  readonly lockHash: Uint8Array;
  readonly highQC: QuorumCert;
  /** Height of the block highQC certifies (that block may be unknown after a restart). */
  readonly highQCHeight: number;
  /** Last view this replica proposed in (a restarted leader never proposes twice in a view). */
  readonly proposedView: number;
}

export function encodeSafety(r: SafetyRecord): Uint8Array {
  return encode([r.view, r.vheight, r.lockHeight, r.lockHash, qcToCbor(r.highQC), r.highQCHeight, r.proposedView]);
}

export function decodeSafety(bytes: Uint8Array): SafetyRecord {
  try {
    const items = readArray(decode(bytes), 'safety', 7);
    if (items.length !== 7) throw new Error('expected 7 fields');
    const raw: CborValue | undefined = items[4];
    return Object.freeze({
      view: readUint(items[0], 'view'),
      vheight: readUint(items[1], 'vheight'),
      lockHeight: readUint(items[2], 'lockHeight'),
      lockHash: Uint8Array.from(readBytes(items[3], 'lockHash', HASH_BYTES)),
      highQC: qcFromCbor(raw, 'highQC'),
      highQCHeight: readUint(items[5], 'highQCHeight'),
      proposedView: readUint(items[6], 'proposedView'),
    });
  } catch (err) {
    throw new HotStuffError({ code: 'HOTSTUFF_CORRUPT_RECORD', key: SAFETY_KEY, reason: err instanceof Error ? err.message : String(err) });
  }
}

export function blockKey(height: number): string {
  return `${BLOCK_PREFIX}${height}`;
}

/** Committed block records in height order; throws on a gap (a record lost despite sync). */
export function committedRecords(records: ReadonlyMap<string, Uint8Array>): readonly { readonly height: number; readonly bytes: Uint8Array }[] {
  const out: { height: number; bytes: Uint8Array }[] = [];
  for (const [key, bytes] of records) {
    if (!key.startsWith(BLOCK_PREFIX)) continue;
    const height = Number(key.slice(BLOCK_PREFIX.length));
    if (!Number.isSafeInteger(height) || height < 1) throw new HotStuffError({ code: 'HOTSTUFF_CORRUPT_RECORD', key, reason: 'bad height' });
    out.push({ height, bytes });
  }
  out.sort((a, b) => a.height - b.height);
  out.forEach((r, i) => {
    if (r.height !== i + 1) throw new HotStuffError({ code: 'HOTSTUFF_CORRUPT_RECORD', key: blockKey(r.height), reason: `expected height ${i + 1}` });
  });
  return out;
}
