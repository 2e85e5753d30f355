/**
 * The JSON form of a coherence header, for `thermo mine` (prints it) and `thermo verify` (reads
 * it back). Byte fields are hex; the target is 0x-hex (a 256-bit number); r is written twice, as
 * a JSON number (JSON numbers round-trip doubles exactly) and as its IEEE-754 bits (`rBits`,
 * what the header commits), and `encoded` is the canonical header encoding.
 *
 * Reading (`headerFromJson`) rebuilds the header from the fields, not from `encoded`, so that a
 * hand-edited field (a different t, r, digest or target) is what gets verified; when `encoded`
 * is present as well it must agree with the fields, else COHERENCE_MALFORMED.
 */
import { bytesToBigInt, dmath, equalBytes, fromHex, fromHexExact, toHex } from '../../core/index.js';
import { encodeHeader, headerHash, makeHeader } from '../../ledger/index.js';
import type { BlockHeader } from '../../ledger/index.js';
import { CoherenceError } from './errors.js';
import { readSeal, sealFields } from './seal.js';

export interface HeaderJson {
  readonly chainId: string;
  readonly height: number;
  readonly parents: readonly string[];
  readonly timestamp: number;
  readonly proposer: string;
  readonly stateRoot: string;
  readonly txRoot: string;
  readonly consensus: {
    readonly target: string;
    readonly nonce: number;
    readonly t: number;
    readonly r: number;
    readonly rBits: string;
    readonly digest: string;
  };
  readonly hash: string;
  readonly encoded: string;
}

export function headerToJson(header: BlockHeader): HeaderJson {
  const seal = readSeal(header.consensus);
  return {
    chainId: header.chainId,
    height: header.height,
    parents: header.parents.map(toHex),
    timestamp: header.timestamp,
    proposer: toHex(header.proposer),
    stateRoot: toHex(header.stateRoot),
    txRoot: toHex(header.txRoot),
    consensus: {
      target: `0x${seal.target.toString(16).padStart(64, '0')}`,
      nonce: seal.nonce,
      t: seal.t,
      r: seal.r,
      rBits: dmath.bitsHex(seal.r),
      digest: toHex(seal.digest),
    },
    hash: toHex(headerHash(header)),
    encoded: toHex(encodeHeader(header)),
  };
}

function malformed(reason: string): CoherenceError {
  return new CoherenceError({ code: 'COHERENCE_MALFORMED', what: 'header JSON', reason });
}

function field<T>(obj: Record<string, unknown>, name: string, check: (v: unknown) => v is T): T {
  const v = obj[name];
  if (!check(v)) throw malformed(`field ${name}`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function hex32(v: string, what: string): Uint8Array {
  try {
    return fromHexExact(v, 32);
  } catch {
    throw malformed(`${what}: expected 32 bytes of hex`);
  }
}

/** Parses the JSON form (an already-parsed value) into a header. Throws COHERENCE_MALFORMED. */
export function headerFromJson(raw: unknown): BlockHeader {
  if (!isObject(raw)) throw malformed('expected an object');
  const c = field(raw, 'consensus', isObject);
  const targetHex = field(c, 'target', isString);
  if (!/^0x[0-9a-fA-F]{1,64}$/.test(targetHex)) throw malformed('consensus.target: expected 0x-hex of at most 64 digits');
  const rBits = c['rBits'];
  let r: number;
  if (rBits === undefined) r = field(c, 'r', isNumber);
  else if (typeof rBits === 'string' && /^[0-9a-f]{16}$/.test(rBits)) r = dmath.fromBitsHex(rBits);
  else throw malformed('consensus.rBits: expected 16 lowercase hex digits');
  let header: BlockHeader;
  try {
    header = makeHeader({
      chainId: field(raw, 'chainId', isString),
      height: field(raw, 'height', isUint),
      parents: field(raw, 'parents', isStringArray).map((p, i) => hex32(p, `parents[${i}]`)),
      timestamp: field(raw, 'timestamp', isUint),
      proposer: hex32(field(raw, 'proposer', isString), 'proposer'),
      stateRoot: hex32(field(raw, 'stateRoot', isString), 'stateRoot'),
      txRoot: hex32(field(raw, 'txRoot', isString), 'txRoot'),
      consensus: sealFields({
        target: BigInt(targetHex),
        nonce: field(c, 'nonce', isUint),
        t: field(c, 't', isUint),
        r,
        digest: hex32(field(c, 'digest', isString), 'consensus.digest'),
      }),
    });
  } catch (err) {
    if (err instanceof CoherenceError) throw err;
    throw malformed(err instanceof Error ? err.message : String(err));
  }
  const encoded = raw['encoded'];
  if (encoded !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = fromHex(field(raw, 'encoded', isString));
    } catch {
      throw malformed('encoded: expected hex');
    }
    if (!equalBytes(bytes, encodeHeader(header))) throw malformed('encoded does not match the fields (edit one or drop `encoded`)');
  }
  return header;
}

/** The header hash as a number, for comparisons with a target. */
export function headerHashValue(header: BlockHeader): bigint {
  return bytesToBigInt(headerHash(header));
}
