/**
 * Wire messages of the reference engine, canonical CBOR arrays tagged by their first item:
 *   [0, txBytes]                               a client transfer forwarded to the leader
 *   [1, blockBytes]                            the leader's proposal
 *   [2, height, blockHash, signature]          a replica's vote (the voter is the
 *                                              authenticated sender)
 *   [3, fromHeight]                            "send me finalized blocks from this height"
 *   [4, blockBytes, [[voter, signature], ...]] a finalized block with its quorum certificate
 * Decoding validates the shape and throws a typed RefError (REF_MALFORMED); the ledger checks
 * the block and transfer encodings inside.
 */
import { ThermoError, decode, encode, readArray, readBytes, readUint, sign, taggedHash, utf8, u64be, verify } from '../../core/index.js';
import type { CborValue, KeyPair } from '../../core/index.js';
import { decodeBlock, decodeTransfer, encodeBlock, encodeTransfer, MAX_BLOCK_BYTES, LedgerError } from '../../ledger/index.js';
import type { Block, Transfer } from '../../ledger/index.js';
import { RefError } from './errors.js';

export const SIGNATURE_BYTES = 64;
export const HASH_BYTES = 32;
/** Most blocks one sync answer carries (bounds the message and the receiver's work). */
export const MAX_SYNC_BLOCKS = 16;
/** Largest certificate: one vote per validator, at most this many validators. */
export const MAX_VALIDATORS = 4096;

export interface CertVote {
  readonly voter: number;
  readonly signature: Uint8Array;
}

export type RefMessage =
  | { readonly t: 'tx'; readonly tx: Transfer }
  | { readonly t: 'proposal'; readonly block: Block }
  | { readonly t: 'vote'; readonly height: number; readonly hash: Uint8Array; readonly signature: Uint8Array }
  | { readonly t: 'sync-request'; readonly fromHeight: number }
  | { readonly t: 'sync-block'; readonly block: Block; readonly cert: readonly CertVote[] };

export function encodeRefMessage(m: RefMessage): Uint8Array {
  switch (m.t) {
    case 'tx':
      return encode([0, encodeTransfer(m.tx)]);
    case 'proposal':
      return encode([1, encodeBlock(m.block)]);
    case 'vote':
      return encode([2, m.height, m.hash, m.signature]);
    case 'sync-request':
      return encode([3, m.fromHeight]);
    case 'sync-block':
      return encode([4, encodeBlock(m.block), m.cert.map((v): CborValue => [v.voter, v.signature])]);
  }
}

function malformed(reason: string): RefError {
  return new RefError({ code: 'REF_MALFORMED', reason });
}

/** Runs a decoder body; ledger and codec failures become REF_MALFORMED. */
function guarded<T>(body: () => T): T {
  try {
    return body();
  } catch (err) {
    if (err instanceof RefError) throw err;
    if (err instanceof LedgerError || err instanceof ThermoError) throw malformed(err.message);
    throw err;
  }
}

export function decodeRefMessage(bytes: Uint8Array): RefMessage {
  return guarded(() => {
    const items = readArray(decode(bytes, MAX_BLOCK_BYTES + 1024 + MAX_VALIDATORS * 80), 'message', 4);
    const tag = readUint(items[0], 'message.tag');
    const want = [2, 2, 4, 2, 3][tag];
    if (want === undefined) throw malformed(`unknown tag ${tag}`);
    if (items.length !== want) throw malformed(`tag ${tag}: expected ${want} items, got ${items.length}`);
    switch (tag) {
      case 0:
        return Object.freeze({ t: 'tx', tx: decodeTransfer(readBytes(items[1], 'tx')) });
      case 1:
        return Object.freeze({ t: 'proposal', block: decodeBlock(readBytes(items[1], 'proposal.block')) });
      case 2:
        return Object.freeze({
          t: 'vote',
          height: readUint(items[1], 'vote.height'),
          hash: readBytes(items[2], 'vote.hash', HASH_BYTES),
          signature: readBytes(items[3], 'vote.signature', SIGNATURE_BYTES),
        });
      case 3:
        return Object.freeze({ t: 'sync-request', fromHeight: readUint(items[1], 'sync.fromHeight') });
      default:
        return Object.freeze({ t: 'sync-block', block: decodeBlock(readBytes(items[1], 'sync.block')), cert: readCert(items[2]) });
    }
  });
}

function readCert(value: CborValue | undefined): readonly CertVote[] {
  const cert = readArray(value, 'cert', MAX_VALIDATORS).map((v, i) => {
    const pair = readArray(v, `cert[${i}]`, 2);
    if (pair.length !== 2) throw malformed(`cert[${i}]: expected [voter, signature]`);
    return Object.freeze({ voter: readUint(pair[0], 'cert.voter'), signature: readBytes(pair[1], 'cert.signature', SIGNATURE_BYTES) });
  });
  return Object.freeze(cert);
}

/** The 32 bytes a vote signs: taggedHash('thermo/ref/vote', chainId || u64(height) || hash). */
export function votePayload(chainId: string, height: number, hash: Uint8Array): Uint8Array {
  return taggedHash('thermo/ref/vote', utf8(chainId), u64be(BigInt(height)), hash);
}

export function signVote(keyPair: KeyPair, chainId: string, height: number, hash: Uint8Array): Uint8Array {
  return sign(keyPair, votePayload(chainId, height, hash));
}

export function verifyVote(publicKey: Uint8Array, chainId: string, height: number, hash: Uint8Array, signature: Uint8Array): boolean {
  return verify(publicKey, votePayload(chainId, height, hash), signature);
}

/** Durable record of a finalized block: [blockBytes, cert]. */
export function encodeFinalRecord(block: Block, cert: readonly CertVote[]): Uint8Array {
  return encode([encodeBlock(block), cert.map((v): CborValue => [v.voter, v.signature])]);
}

export function decodeFinalRecord(bytes: Uint8Array): { readonly block: Block; readonly cert: readonly CertVote[] } {
  return guarded(() => {
    const items = readArray(decode(bytes, MAX_BLOCK_BYTES + MAX_VALIDATORS * 80), 'record', 2);
    if (items.length !== 2) throw malformed('record: expected [block, cert]');
    return { block: decodeBlock(readBytes(items[0], 'record.block')), cert: readCert(items[1]) };
  });
}
