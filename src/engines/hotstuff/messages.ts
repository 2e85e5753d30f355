/**
 * HotStuff's messages, quorum certificates and what a block header carries.
 *
 * A block is a ledger block whose header's `consensus` map holds
 *   { v: view, qc: [qcView, qcHash, [[voter, signature], ...]] }
 * `parents[0]` is the block it extends (the proposer's leaf), and `qc` (the paper's
 * `justify`) certifies an ancestor of it, normally the parent.
 *
 * A quorum certificate is the list of (voter, Ed25519 signature) pairs of a quorum over
 * (chain id, view, block hash): no threshold signatures, so a QC costs O(n) bytes and O(n)
 * verifications instead of the paper's O(1) (docs/protocols/hotstuff.md, "Deviations").
 */
import { sign, taggedHash, toHex, u64be, utf8, verify } from '../../core/index.js';
import type { CborValue, KeyPair } from '../../core/index.js';
import type { Block, ConsensusFields, Transfer } from '../../ledger/index.js';
import { HotStuffError } from './errors.js';

export const HASH_BYTES = 32;
export const SIGNATURE_BYTES = 64;
/** Largest validator set a certificate may name (bounds decoding; the header cap is tighter). */
export const MAX_VALIDATORS = 1024;
/** Most blocks one sync answer carries (bounds the message and the receiver's work). */
export const MAX_SYNC_BLOCKS = 32;

export interface CertVote {
  readonly voter: number;
  readonly signature: Uint8Array;
}

/** A signed vote (the voter is the authenticated sender of the message that carries it). */
export interface VoteRef {
  readonly view: number;
  readonly hash: Uint8Array;
  readonly signature: Uint8Array;
}

export interface QuorumCert {
  /** View of the certified block. */
  readonly view: number;
  readonly hash: Uint8Array;
  readonly hashHex: string;
  /** Voters in increasing index order (empty only for the genesis certificate). */
  readonly votes: readonly CertVote[];
}

export type HsMessage =
  /** A client transfer gossiped to every replica (leaders rotate, so all of them need it). */
  | { readonly t: 'tx'; readonly tx: Transfer }
  /** The leader's block for its view (the QC rides in the header). */
  | { readonly t: 'proposal'; readonly block: Block }
  /** A replica's vote for a block, sent to the leader of view + 1 (linear communication). */
  | { readonly t: 'vote'; readonly view: number; readonly hash: Uint8Array; readonly signature: Uint8Array }
  /**
   * Pacemaker: "I moved to `view`; here is my highest QC", sent to leader(view), with the
   * sender's latest vote: that vote went to a leader that may be silent, and the next leader
   * can still complete its QC (see docs/protocols/hotstuff.md, "Deviations").
   */
  | { readonly t: 'new-view'; readonly view: number; readonly qc: QuorumCert; readonly vote: VoteRef | null }
  /** "Send me the chain from this height." */
  | { readonly t: 'sync-request'; readonly fromHeight: number }
  /** Consecutive blocks from the requested height, and a QC for the last one when known. */
  | { readonly t: 'sync-response'; readonly blocks: readonly Block[]; readonly qc: QuorumCert | null };

export function makeQC(view: number, hash: Uint8Array, votes: readonly CertVote[]): QuorumCert {
  const sorted = [...votes].sort((a, b) => a.voter - b.voter).map((v) => Object.freeze({ voter: v.voter, signature: v.signature }));
  return Object.freeze({ view, hash: Uint8Array.from(hash), hashHex: toHex(hash), votes: Object.freeze(sorted) });
}

export function qcToCbor(qc: QuorumCert): CborValue {
  return [qc.view, qc.hash, qc.votes.map((v): CborValue => [v.voter, v.signature])];
}

export interface BlockMeta {
  readonly view: number;
  readonly qc: QuorumCert;
}

/** The consensus fields of a block: view and QC. */
export function blockConsensus(view: number, qc: QuorumCert): ConsensusFields {
  return { v: view, qc: qcToCbor(qc) };
}

function malformed(reason: string): HotStuffError {
  return new HotStuffError({ code: 'HOTSTUFF_MALFORMED', reason });
}

function readUintField(value: CborValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw malformed(`${what}: expected a uint`);
  return value;
}

function readBytesField(value: CborValue | undefined, what: string, length: number): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) throw malformed(`${what}: expected ${length} bytes`);
  return value;
}

/** Reads a QC from its CBOR form (shape only; signatures are checked by qc.ts). */
export function qcFromCbor(value: CborValue | undefined, what = 'qc'): QuorumCert {
  if (!Array.isArray(value) || value.length !== 3) throw malformed(`${what}: expected [view, hash, votes]`);
  const items = value as readonly CborValue[];
  const view = readUintField(items[0], `${what}.view`);
  const hash = readBytesField(items[1], `${what}.hash`, HASH_BYTES);
  const rawVotes = items[2];
  if (!Array.isArray(rawVotes) || rawVotes.length > MAX_VALIDATORS) throw malformed(`${what}.votes: expected at most ${MAX_VALIDATORS} votes`);
  let last = -1;
  const votes = (rawVotes as readonly CborValue[]).map((raw, i) => {
    if (!Array.isArray(raw) || raw.length !== 2) throw malformed(`${what}.votes[${i}]: expected [voter, signature]`);
    const pair = raw as readonly CborValue[];
    const voter = readUintField(pair[0], `${what}.votes[${i}].voter`);
    // Strictly increasing voters: one canonical encoding per QC, and no voter counted twice.
    if (voter <= last) throw malformed(`${what}.votes: voters must be strictly increasing`);
    last = voter;
    return Object.freeze({ voter, signature: Uint8Array.from(readBytesField(pair[1], `${what}.votes[${i}].signature`, SIGNATURE_BYTES)) });
  });
  return Object.freeze({ view, hash: Uint8Array.from(hash), hashHex: toHex(hash), votes: Object.freeze(votes) });
}

/** View and QC of a (non-genesis) block, or HOTSTUFF_MALFORMED. */
export function blockMeta(block: Block): BlockMeta {
  const c = block.header.consensus;
  const keys = Object.keys(c);
  if (keys.length !== 2 || !('v' in c) || !('qc' in c)) throw malformed('header.consensus: expected {v, qc}');
  return Object.freeze({ view: readUintField(c['v'], 'header.consensus.v'), qc: qcFromCbor(c['qc'], 'header.consensus.qc') });
}

/** The 32 bytes a vote signs: taggedHash('thermo/hotstuff/vote', chainId || u64(view) || hash). */
export function votePayload(chainId: string, view: number, hash: Uint8Array): Uint8Array {
  return taggedHash('thermo/hotstuff/vote', utf8(chainId), u64be(BigInt(view)), hash);
}

export function signVote(keyPair: KeyPair, chainId: string, view: number, hash: Uint8Array): Uint8Array {
  return sign(keyPair, votePayload(chainId, view, hash));
}

export function verifyVote(publicKey: Uint8Array, chainId: string, view: number, hash: Uint8Array, signature: Uint8Array): boolean {
  return verify(publicKey, votePayload(chainId, view, hash), signature);
}
