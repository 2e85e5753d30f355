/**
 * PBFT's messages and certificates (Castro and Liskov, "Practical Byzantine Fault Tolerance",
 * OSDI 1999, Section 4; "Practical Byzantine Fault Tolerance and Proactive Recovery", TOCS 2002,
 * Section 2.3 / 4). The request is a batch: a ledger block whose height is the sequence number.
 * Every protocol message is signed with Ed25519 (the paper's signature variant; its MAC
 * optimisation is not used), so certificates are lists of (replica, signature) pairs that any
 * replica can check: a prepared certificate, a commit certificate, a checkpoint proof.
 *
 * What each signature covers: taggedHash('thermo/pbft/<kind>', chainId || u64(view) || u64(seq)
 * || digest) for pre-prepare, prepare and commit; checkpoints use view 0; a view-change message
 * is signed over the hash of its own encoding without the signature.
 */
import { encode, sign, taggedHash, toHex, u64be, utf8, verify } from '../../core/index.js';
import type { CborValue, KeyPair } from '../../core/index.js';
import type { Block, BlockHeader, Transfer } from '../../ledger/index.js';
import { encodeHeader, headerHash } from '../../ledger/index.js';

export const HASH_BYTES = 32;
export const SIGNATURE_BYTES = 64;
/** Largest validator set a certificate may name (bounds decoding). */
export const MAX_VALIDATORS = 1024;
/** Most blocks one catch-up answer carries. */
export const MAX_SYNC_BLOCKS = 16;

export interface CertVote {
  readonly voter: number;
  readonly signature: Uint8Array;
}

/** A pre-prepare of the new view's O set: the block is known by digest only. */
export interface PrePrepareRef {
  readonly seq: number;
  readonly digest: Uint8Array;
  readonly signature: Uint8Array;
}

/** Proof that `header` (digest = its hash) was prepared at `seq` in `view`. */
export interface PreparedCert {
  readonly view: number;
  readonly seq: number;
  readonly header: BlockHeader;
  /** The primary's pre-prepare signature. */
  readonly ppSignature: Uint8Array;
  /** quorum - 1 prepares from backups (never the primary), increasing voter order. */
  readonly prepares: readonly CertVote[];
}

/** Proof that the state after `seq` (identified by the block header at seq) is stable. */
export interface CheckpointCert {
  readonly seq: number;
  readonly header: BlockHeader;
  /** quorum checkpoint signatures; empty for the genesis checkpoint (seq 0). */
  readonly votes: readonly CertVote[];
}

export interface ViewChange {
  readonly newView: number;
  readonly replica: number;
  readonly checkpoint: CheckpointCert;
  /** The P set: one prepared certificate per sequence number above the checkpoint. */
  readonly prepared: readonly PreparedCert[];
  readonly signature: Uint8Array;
}

export interface NewView {
  readonly view: number;
  /** The V set: view-change messages of a quorum of distinct replicas. */
  readonly viewChanges: readonly ViewChange[];
  /** The O set, as signed pre-prepares; every receiver recomputes it from V. */
  readonly preprepares: readonly PrePrepareRef[];
}

export type PbftMessage =
  | { readonly t: 'tx'; readonly tx: Transfer }
  | { readonly t: 'pre-prepare'; readonly view: number; readonly seq: number; readonly block: Block; readonly signature: Uint8Array }
  | { readonly t: 'prepare'; readonly view: number; readonly seq: number; readonly digest: Uint8Array; readonly signature: Uint8Array }
  | { readonly t: 'commit'; readonly view: number; readonly seq: number; readonly digest: Uint8Array; readonly signature: Uint8Array }
  | { readonly t: 'checkpoint'; readonly seq: number; readonly digest: Uint8Array; readonly signature: Uint8Array }
  | { readonly t: 'view-change'; readonly vc: ViewChange }
  | { readonly t: 'new-view'; readonly nv: NewView }
  /** "Send me the block with this digest" (O-set bodies after a view change). */
  | { readonly t: 'fetch-block'; readonly digest: Uint8Array }
  | { readonly t: 'block'; readonly block: Block }
  /** "Send me committed blocks from this sequence number" (catch-up). */
  | { readonly t: 'sync-request'; readonly fromSeq: number }
  /** A committed block with its commit certificate: quorum commits of (view, seq, digest). */
  | { readonly t: 'sync-block'; readonly block: Block; readonly view: number; readonly commits: readonly CertVote[] }
  /** "I am behind in views: send me your latest NEW-VIEW if it is for at least `view`." */
  | { readonly t: 'new-view-request'; readonly view: number };

export type VoteKind = 'pre-prepare' | 'prepare' | 'commit' | 'checkpoint';

export function votePayload(kind: VoteKind, chainId: string, view: number, seq: number, digest: Uint8Array): Uint8Array {
  return taggedHash(`thermo/pbft/${kind}`, utf8(chainId), u64be(BigInt(view)), u64be(BigInt(seq)), digest);
}

export function signVote(keyPair: KeyPair, kind: VoteKind, chainId: string, view: number, seq: number, digest: Uint8Array): Uint8Array {
  return sign(keyPair, votePayload(kind, chainId, view, seq, digest));
}

export function verifyVote(
  publicKey: Uint8Array,
  kind: VoteKind,
  chainId: string,
  view: number,
  seq: number,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  return verify(publicKey, votePayload(kind, chainId, view, seq, digest), signature);
}

// ---- CBOR forms shared by the wire codec and the durable records ----------------------------

export function votesToCbor(votes: readonly CertVote[]): CborValue {
  return votes.map((v): CborValue => [v.voter, v.signature]);
}

export function preparedToCbor(p: PreparedCert): CborValue {
  return [p.view, p.seq, encodeHeader(p.header), p.ppSignature, votesToCbor(p.prepares)];
}

export function checkpointToCbor(c: CheckpointCert): CborValue {
  return [c.seq, encodeHeader(c.header), votesToCbor(c.votes)];
}

/** The view-change fields its signature covers (everything but the signature). */
export function viewChangeBody(vc: Omit<ViewChange, 'signature'>): CborValue {
  return [vc.newView, vc.replica, checkpointToCbor(vc.checkpoint), vc.prepared.map(preparedToCbor)];
}

export function viewChangeToCbor(vc: ViewChange): CborValue {
  return [vc.newView, vc.replica, checkpointToCbor(vc.checkpoint), vc.prepared.map(preparedToCbor), vc.signature];
}

export function viewChangePayload(chainId: string, vc: Omit<ViewChange, 'signature'>): Uint8Array {
  return taggedHash('thermo/pbft/view-change', utf8(chainId), encode(viewChangeBody(vc)));
}

export function signViewChange(keyPair: KeyPair, chainId: string, vc: Omit<ViewChange, 'signature'>): ViewChange {
  return Object.freeze({ ...vc, signature: sign(keyPair, viewChangePayload(chainId, vc)) });
}

export function digestHex(header: BlockHeader): string {
  return toHex(headerHash(header));
}
