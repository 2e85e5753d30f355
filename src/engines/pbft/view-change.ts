/**
 * View changes (Castro and Liskov, OSDI 1999 Section 4.4; TOCS 2002 Section 4.5): checking
 * VIEW-CHANGE messages and computing the new view's O set, as pure functions.
 *
 * VIEW-CHANGE(v + 1, n, C, P, i): n is the replica's stable checkpoint with its proof C (quorum
 * checkpoint signatures), P one prepared certificate per sequence number above n (the one from
 * the highest view the replica prepared in). NEW-VIEW(v + 1, V, O): V holds a quorum of valid
 * view-change messages; O is computed from V by everyone:
 *   min-s = the highest checkpoint in V, max-s = the highest prepared sequence number in V;
 *   for each s in (min-s, max-s]: the batch of the prepared certificate with the highest view
 *   for s, or a null request when V has none.
 *
 * Deviation (chain consistency). Here a batch is a block that names its parent and its
 * post-state root, so an O set whose entries do not link would be unexecutable. The O set is
 * therefore walked from the checkpoint block up: the first entry whose block does not extend
 * the previous entry, and every entry after it, becomes a null block on the previous entry.
 * This never drops a committed batch, because a correct replica only sends its COMMIT for s
 * after the parent at s - 1 is prepared in the same view, executed, or checkpointed
 * (chain-prepared): a batch committed at s then has its parent committed at s - 1, so the
 * committed prefix is chosen entry by entry exactly as in the paper and always links
 * (docs/protocols/pbft.md has the argument).
 */
import { compareBytes, encode, toHex, verify } from '../../core/index.js';
import { headerHash } from '../../ledger/index.js';
import type { Block, BlockHeader } from '../../ledger/index.js';
import { nullBlock } from './chain.js';
import { PbftError } from './errors.js';
import type { CheckpointCert, PreparedCert, ViewChange } from './messages.js';
import { verifyVote, viewChangeBody, viewChangePayload, votePayload } from './messages.js';

export interface VcContext {
  readonly chainId: string;
  readonly validators: readonly Uint8Array[];
  readonly quorum: number;
  readonly checkpointInterval: number;
  readonly window: number;
  readonly genesisDigestHex: string;
}

export function primaryOf(view: number, n: number): number {
  return view % n;
}

function bad(reason: string): PbftError {
  return new PbftError({ code: 'PBFT_BAD_VIEW_CHANGE', reason });
}

/** Checks a checkpoint proof; returns the signatures verified. Throws PBFT_BAD_VIEW_CHANGE. */
export function verifyCheckpointCert(c: CheckpointCert, ctx: VcContext): number {
  const digest = headerHash(c.header);
  if (c.seq === 0) {
    if (toHex(digest) !== ctx.genesisDigestHex || c.votes.length !== 0) throw bad('checkpoint 0 must be the genesis block without votes');
    return 0;
  }
  if (c.seq % ctx.checkpointInterval !== 0) throw bad(`checkpoint ${c.seq} is not a multiple of ${ctx.checkpointInterval}`);
  if (c.header.height !== c.seq) throw bad('checkpoint header height differs from its sequence number');
  return verifyVotes(c.votes, ctx, 'checkpoint', 0, c.seq, digest, ctx.quorum, -1);
}

/** Checks a prepared certificate; returns the signatures verified. */
export function verifyPreparedCert(p: PreparedCert, ctx: VcContext): number {
  if (p.header.height !== p.seq) throw bad(`prepared ${p.seq}: header height differs`);
  const digest = headerHash(p.header);
  const primary = primaryOf(p.view, ctx.validators.length);
  if (!verify(ctx.validators[primary]!, prePreparePayload(ctx, p.view, p.seq, digest), p.ppSignature)) throw bad(`prepared ${p.seq}: bad pre-prepare signature`);
  return 1 + verifyVotes(p.prepares, ctx, 'prepare', p.view, p.seq, digest, ctx.quorum - 1, primary);
}

function prePreparePayload(ctx: VcContext, view: number, seq: number, digest: Uint8Array): Uint8Array {
  return votePayload('pre-prepare', ctx.chainId, view, seq, digest);
}

function verifyVotes(
  votes: readonly { readonly voter: number; readonly signature: Uint8Array }[],
  ctx: VcContext,
  kind: 'checkpoint' | 'prepare' | 'commit',
  view: number,
  seq: number,
  digest: Uint8Array,
  need: number,
  excluded: number,
): number {
  let last = -1;
  for (const v of votes) {
    if (!Number.isSafeInteger(v.voter) || v.voter <= last || v.voter >= ctx.validators.length) throw bad(`${kind} ${seq}: voter ${v.voter} unknown or out of order`);
    if (v.voter === excluded) throw bad(`${kind} ${seq}: the primary does not prepare`);
    last = v.voter;
  }
  if (votes.length < need) throw bad(`${kind} ${seq}: ${votes.length} votes, need ${need}`);
  for (const v of votes) {
    if (!verifyVote(ctx.validators[v.voter]!, kind, ctx.chainId, view, seq, digest, v.signature)) throw bad(`${kind} ${seq}: bad signature of ${v.voter}`);
  }
  return votes.length;
}

/** Checks a whole VIEW-CHANGE message; returns the signatures verified. */
export function verifyViewChange(vc: ViewChange, ctx: VcContext): number {
  if (!Number.isSafeInteger(vc.replica) || vc.replica >= ctx.validators.length) throw bad(`unknown replica ${vc.replica}`);
  let count = 1;
  if (!verify(ctx.validators[vc.replica]!, viewChangePayload(ctx.chainId, vc), vc.signature)) throw bad('bad view-change signature');
  count += verifyCheckpointCert(vc.checkpoint, ctx);
  let last = vc.checkpoint.seq;
  for (const p of vc.prepared) {
    if (p.seq <= last) throw bad('prepared certificates must be above the checkpoint, increasing');
    if (p.seq > vc.checkpoint.seq + ctx.window) throw bad(`prepared ${p.seq} beyond the high watermark`);
    if (p.view >= vc.newView) throw bad(`prepared ${p.seq} in view ${p.view}, not below ${vc.newView}`);
    last = p.seq;
    count += verifyPreparedCert(p, ctx);
  }
  return count;
}

/** A stable cache key for a view-change message (its signature binds every field). */
export function viewChangeKey(vc: ViewChange): string {
  return `${vc.newView}:${vc.replica}:${toHex(vc.signature)}`;
}

export interface OEntry {
  readonly seq: number;
  readonly header: BlockHeader;
  readonly digest: Uint8Array;
  readonly digestHex: string;
  /** The block itself for a null request (everyone builds it); null for a prepared batch. */
  readonly nullBody: Block | null;
}

export interface OSet {
  /** The highest checkpoint in V: the new low watermark. */
  readonly checkpoint: CheckpointCert;
  readonly minS: number;
  readonly maxS: number;
  readonly entries: readonly OEntry[];
}

/** Computes the O set of view `view` from V (already verified). Deterministic. */
export function computeO(vcs: readonly ViewChange[], view: number, primaryKey: Uint8Array): OSet {
  let checkpoint: CheckpointCert | null = null;
  for (const vc of vcs) {
    const c = vc.checkpoint;
    if (checkpoint === null || c.seq > checkpoint.seq || (c.seq === checkpoint.seq && compareBytes(headerHash(c.header), headerHash(checkpoint.header)) < 0)) {
      checkpoint = c;
    }
  }
  if (checkpoint === null) throw new PbftError({ code: 'PBFT_BAD_NEW_VIEW', reason: 'empty V set' });
  const minS = checkpoint.seq;
  const best = new Map<number, PreparedCert>();
  let maxS = minS;
  for (const vc of vcs) {
    for (const p of vc.prepared) {
      if (p.seq <= minS) continue;
      if (p.seq > maxS) maxS = p.seq;
      const cur = best.get(p.seq);
      if (cur === undefined || p.view > cur.view || (p.view === cur.view && compareBytes(headerHash(p.header), headerHash(cur.header)) < 0)) best.set(p.seq, p);
    }
  }
  const entries: OEntry[] = [];
  let prev = checkpoint.header;
  let broken = false;
  for (let s = minS + 1; s <= maxS; s++) {
    const p = best.get(s);
    const prevDigest = headerHash(prev);
    const links = p !== undefined && p.header.parents.length === 1 && compareBytes(p.header.parents[0]!, prevDigest) === 0;
    if (!broken && links) {
      const digest = headerHash(p.header);
      entries.push(Object.freeze({ seq: s, header: p.header, digest, digestHex: toHex(digest), nullBody: null }));
      prev = p.header;
      continue;
    }
    // From the first gap or break on, null requests on the previous entry (see the header).
    broken = true;
    const body = nullBlock(prev, s, view, primaryKey);
    const digest = headerHash(body.header);
    entries.push(Object.freeze({ seq: s, header: body.header, digest, digestHex: toHex(digest), nullBody: body }));
    prev = body.header;
  }
  return Object.freeze({ checkpoint, minS, maxS, entries: Object.freeze(entries) });
}

/** Encoded size of a view-change body (for tests and bounds). */
export function viewChangeBodySize(vc: ViewChange): number {
  return encode(viewChangeBody(vc)).length;
}
