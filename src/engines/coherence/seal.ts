/**
 * The coherence seal: the engine's fields in the ledger header's `consensus` map, and the
 * seed and hash rules built on them.
 *
 *   consensus = { target: bytes32 (big-endian), nonce: uint < 2^53, t: uint, r: bytes8 (f64 BE),
 *                 digest: bytes32 }
 *
 * - Seal preimage ("header without nonce"): the canonical header encoding (src/ledger) of the
 *   same header with consensus = { target } only. It binds chain id, height, parent, timestamp,
 *   proposer, state root, tx root and the target: change any of them and every seed changes.
 * - Seed of a nonce: SHA-256(preimage || u64be(nonce)); it keys the PRNG (kuramoto/seed.ts).
 * - t, r, digest are outputs of the simulation and enter the block hash (the ledger's
 *   headerHash over the whole header), so a miner cannot test the hash before doing the work.
 * - r travels as its 8 IEEE-754 bytes, so "bit-identical r" is a byte comparison and no CBOR
 *   float-width rule can touch it.
 * - Valid: headerHash <= threshold, threshold = min(2^256 - 1, target * 2^hashScaleLog2).
 */
import { bigIntToBytes, bytesToBigInt, f64be, readBytes, readUint, sha256Concat, u64be } from '../../core/index.js';
import type { CborValue } from '../../core/index.js';
import { encodeHeader, makeHeader } from '../../ledger/index.js';
import type { BlockHeader, ConsensusFields } from '../../ledger/index.js';
import { CoherenceError } from './errors.js';
import { MAX_TARGET } from './params.js';

export interface Seal {
  readonly target: bigint;
  readonly nonce: number;
  readonly t: number;
  readonly r: number;
  readonly digest: Uint8Array;
}

const SEAL_KEYS = ['digest', 'nonce', 'r', 't', 'target'];

function malformed(reason: string): CoherenceError {
  return new CoherenceError({ code: 'COHERENCE_MALFORMED', what: 'header.consensus', reason });
}

/** Reads the seal from a header's consensus map; exactly the five fields, each well-formed. */
export function readSeal(consensus: ConsensusFields): Seal {
  const keys = Object.keys(consensus).sort();
  if (keys.length !== SEAL_KEYS.length || keys.some((k, i) => k !== SEAL_KEYS[i])) {
    throw malformed(`expected fields ${SEAL_KEYS.join(', ')}, got ${keys.join(', ')}`);
  }
  try {
    const target = bytesToBigInt(readBytes(consensus['target'], 'target', 32));
    const nonce = readUint(consensus['nonce'], 'nonce');
    const t = readUint(consensus['t'], 't');
    const rBytes = readBytes(consensus['r'], 'r', 8);
    const r = new DataView(rBytes.buffer, rBytes.byteOffset, 8).getFloat64(0, false);
    const digest = readBytes(consensus['digest'], 'digest', 32);
    if (target === 0n) throw malformed('target 0');
    return Object.freeze({ target, nonce, t, r, digest: Uint8Array.from(digest) });
  } catch (err) {
    if (err instanceof CoherenceError) throw err;
    throw malformed(err instanceof Error ? err.message : String(err));
  }
}

export function targetBytes(target: bigint): Uint8Array {
  return bigIntToBytes(target, 32);
}

export function sealFields(seal: Seal): ConsensusFields {
  const fields: { [key: string]: CborValue } = {
    target: targetBytes(seal.target),
    nonce: seal.nonce,
    t: seal.t,
    r: f64be(seal.r),
    digest: Uint8Array.from(seal.digest),
  };
  return fields;
}

/** The header with consensus = { target }: what a miner starts from. */
export function templateHeader(header: BlockHeader, target: bigint): BlockHeader {
  return makeHeader({ ...header, consensus: { target: targetBytes(target) } });
}

/** Canonical encoding of the header without nonce, t, r and digest. */
export function sealPreimage(header: BlockHeader): Uint8Array {
  const target = header.consensus['target'];
  if (!(target instanceof Uint8Array) || target.length !== 32) throw malformed('target: expected 32 bytes');
  return encodeHeader(makeHeader({ ...header, consensus: { target } }));
}

export function seedFor(preimage: Uint8Array, nonce: number): Uint8Array {
  return sha256Concat(preimage, u64be(BigInt(nonce)));
}

export function withSeal(header: BlockHeader, seal: Seal): BlockHeader {
  return makeHeader({ ...header, consensus: sealFields(seal) });
}

/** The hash bound a valid header must meet: min(2^256 - 1, target << scaleLog2). */
export function hashThreshold(target: bigint, scaleLog2: number): bigint {
  const t = target << BigInt(scaleLog2);
  return t > MAX_TARGET ? MAX_TARGET : t;
}
