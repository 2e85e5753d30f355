/**
 * The generic block header every engine uses (chains have one parent, DAG vertices one or
 * more, genesis none). Wire form, canonical CBOR:
 *   [chainId, height, parents, timestamp, proposer, stateRoot, txRoot, consensus]
 * `consensus` is an engine-owned map (PoW nonce, coherence r/t/digest, votes...), capped at
 * MAX_CONSENSUS_BYTES encoded. header hash = taggedHash('thermo/header', encoded header).
 *
 * Structural rules checked here: height 0 if and only if there are no parents; parents are
 * distinct; timestamp is an integer number of milliseconds. Chain linkage (parents exist,
 * height = parent + 1, timestamps move forward) is the protocol layer's job.
 */
import { toHex } from '../core/bytes.js';
import { decode, encode, readArray, readBytes, readMap, readString, readUint } from '../core/codec.js';
import type { CborValue } from '../core/codec.js';
import { HASH_BYTES, isAddress } from './account.js';
import type { Address, Hash } from './account.js';
import { LedgerError, asLedgerDecode, malformed } from './errors.js';
import { MAX_CHAIN_ID_LENGTH, MAX_CONSENSUS_BYTES, MAX_HEADER_BYTES, MAX_PARENTS } from './limits.js';
import { TAGS, taggedHasher } from './tagged.js';
import { isValidChainId } from './transaction.js';

export type ConsensusFields = { readonly [key: string]: CborValue };

export interface BlockHeader {
  readonly chainId: string;
  readonly height: number;
  readonly parents: readonly Hash[];
  /** Milliseconds (integer); supplied by the engine, never read from a clock here. */
  readonly timestamp: number;
  readonly proposer: Address;
  readonly stateRoot: Hash;
  readonly txRoot: Hash;
  readonly consensus: ConsensusFields;
}

const hashHeader = taggedHasher(TAGS.header);
const encodings = new WeakMap<BlockHeader, Uint8Array>();
const hashes = new WeakMap<BlockHeader, Hash>();

function isHash(v: unknown): v is Hash {
  return v instanceof Uint8Array && v.length === HASH_BYTES;
}

/** Frozen private copy; byte strings become plain Uint8Arrays (decoders may yield Buffers). */
function deepFreeze(value: CborValue): CborValue {
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Object.freeze(value.map(deepFreeze));
  const out: { [key: string]: CborValue } = {};
  for (const [k, v] of Object.entries(value as ConsensusFields)) out[k] = deepFreeze(v);
  return Object.freeze(out);
}

function toCbor(h: BlockHeader, consensus: CborValue): CborValue {
  return [h.chainId, h.height, [...h.parents], h.timestamp, h.proposer, h.stateRoot, h.txRoot, consensus];
}

function check(h: BlockHeader): Uint8Array {
  if (!isValidChainId(h.chainId)) throw malformed('header.chainId', `1..${MAX_CHAIN_ID_LENGTH} printable ASCII characters`);
  if (!Number.isSafeInteger(h.height) || h.height < 0) throw malformed('header.height', 'not a safe uint');
  if (!Array.isArray(h.parents) || h.parents.length > MAX_PARENTS) throw malformed('header.parents', `0..${MAX_PARENTS} hashes`);
  const seen = new Set<string>();
  for (const p of h.parents) {
    if (!isHash(p)) throw malformed('header.parents', 'each parent is 32 bytes');
    seen.add(toHex(p));
  }
  if (seen.size !== h.parents.length) throw malformed('header.parents', 'duplicate parent');
  if ((h.height === 0) !== (h.parents.length === 0)) throw malformed('header.parents', 'height 0 if and only if no parents');
  if (!Number.isSafeInteger(h.timestamp) || h.timestamp < 0) throw malformed('header.timestamp', 'not a safe uint (ms)');
  if (!isAddress(h.proposer)) throw malformed('header.proposer', 'expected 32 bytes');
  if (!isHash(h.stateRoot)) throw malformed('header.stateRoot', 'expected 32 bytes');
  if (!isHash(h.txRoot)) throw malformed('header.txRoot', 'expected 32 bytes');
  let consensusBytes: Uint8Array;
  try {
    readMap(h.consensus, 'header.consensus');
    consensusBytes = encode(h.consensus);
  } catch {
    throw malformed('header.consensus', 'expected an encodable map');
  }
  if (consensusBytes.length > MAX_CONSENSUS_BYTES) {
    throw new LedgerError({ code: 'LEDGER_TOO_LARGE', what: 'header.consensus', size: consensusBytes.length, max: MAX_CONSENSUS_BYTES });
  }
  return consensusBytes;
}

/** Validates and returns a frozen private copy (byte fields copied, consensus deep-frozen). */
export function makeHeader(fields: BlockHeader): BlockHeader {
  check(fields);
  return Object.freeze({
    chainId: fields.chainId,
    height: fields.height,
    parents: Object.freeze(fields.parents.map((p) => Uint8Array.from(p))),
    timestamp: fields.timestamp,
    proposer: Uint8Array.from(fields.proposer),
    stateRoot: Uint8Array.from(fields.stateRoot),
    txRoot: Uint8Array.from(fields.txRoot),
    consensus: deepFreeze(fields.consensus) as ConsensusFields,
  });
}

export function encodeHeader(header: BlockHeader): Uint8Array {
  const hit = encodings.get(header);
  if (hit !== undefined) return hit;
  check(header);
  const bytes = encode(toCbor(header, header.consensus));
  if (bytes.length > MAX_HEADER_BYTES) throw new LedgerError({ code: 'LEDGER_TOO_LARGE', what: 'header', size: bytes.length, max: MAX_HEADER_BYTES });
  if (Object.isFrozen(header)) encodings.set(header, bytes);
  return bytes;
}

export function decodeHeader(bytes: Uint8Array, maxBytes: number = MAX_HEADER_BYTES): BlockHeader {
  if (bytes.length > maxBytes) throw new LedgerError({ code: 'LEDGER_TOO_LARGE', what: 'header', size: bytes.length, max: maxBytes });
  return asLedgerDecode('header', () => {
    const items = readArray(decode(bytes, maxBytes), 'header', 8);
    if (items.length !== 8) throw malformed('header', `expected 8 fields, got ${items.length}`);
    const fields: BlockHeader = {
      chainId: readString(items[0], 'header.chainId', MAX_CHAIN_ID_LENGTH),
      height: readUint(items[1], 'header.height'),
      parents: readArray(items[2], 'header.parents', MAX_PARENTS).map((p, i) => readBytes(p, `header.parents[${i}]`, HASH_BYTES)),
      timestamp: readUint(items[3], 'header.timestamp'),
      proposer: readBytes(items[4], 'header.proposer', 32),
      stateRoot: readBytes(items[5], 'header.stateRoot', HASH_BYTES),
      txRoot: readBytes(items[6], 'header.txRoot', HASH_BYTES),
      consensus: readMap(items[7] ?? null, 'header.consensus'),
    };
    const header = makeHeader(fields);
    encodings.set(header, Uint8Array.from(bytes));
    return header;
  });
}

/** taggedHash('thermo/header', encodeHeader(header)), cached for frozen headers. */
export function headerHash(header: BlockHeader): Hash {
  const hit = hashes.get(header);
  if (hit !== undefined) return Uint8Array.from(hit);
  const h = hashHeader(encodeHeader(header));
  if (Object.isFrozen(header)) hashes.set(header, h);
  return Uint8Array.from(h);
}
