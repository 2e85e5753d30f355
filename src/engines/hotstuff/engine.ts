/**
 * The HotStuff replica: chained HotStuff in its event-driven form (Yin, Malkhi, Reiter, Gueta,
 * Abraham, "HotStuff: BFT Consensus with Linearity and Responsiveness", PODC 2019, Algorithms
 * 4 and 5), with round-robin leaders and the same transaction batches as PBFT.
 *
 * One view, one leader, at most one block. The leader of view v extends its leaf (the highest
 * block it knows above its highest QC) with a batch from the mempool and the highest QC as the
 * block's justify, and broadcasts it. Replicas vote (safety.ts) and send the vote to the leader
 * of v + 1 only: linear communication. That leader aggregates a quorum of votes into a QC,
 * which it puts in its own proposal; the QC chain drives locks and commits (three-chain rule).
 * The pacemaker (pacemaker.ts) moves replicas through views on QCs, or on timeouts with
 * exponential backoff and NEW-VIEW messages that carry the highest QC to the next leader.
 *
 * Around the core protocol: client transfers are acknowledged after a durable write and
 * gossiped to all replicas (leaders rotate every view); a replica that lacks a block's ancestors
 * or fell behind asks a peer for the chain (sync-request) and checks every QC in it before
 * applying anything; the vote-safety state is persisted with sync before any vote or proposal
 * leaves (records.ts), so a restarted replica never votes twice at a height.
 *
 * Refused peer input raises a HotStuffError inside the handler, which becomes a `penalize`
 * effect with the error's code; every check runs before any state changes.
 */
import { fromHex, toHex } from '../../core/index.js';
import type { KeyPair } from '../../core/index.js';
import {
  EMPTY_TX_ROOT,
  LedgerError,
  Mempool,
  applyBlock,
  blockHash,
  decodeBlock,
  decodeTransfer,
  encodeBlock,
  encodeTransfer,
  makeBlock,
  makeHeader,
  transferIdHex,
} from '../../ledger/index.js';
import type { Block, BlockHeader, ChainRules, LedgerState, Transfer } from '../../ledger/index.js';
import { FinalizedLog, VoteSet, batchViolation, buildBatch, maxFaulty, quorumSize } from '../../protocol/index.js';
import type { BatchLimits, Effect, Engine, EngineContext, EngineInput, EngineStatus, NodeIndex } from '../../protocol/index.js';
import { BlockStore } from './block-store.js';
import type { HsNode } from './block-store.js';
import { MAX_MESSAGE_BYTES } from './codec.js';
import { HOTSTUFF_PENALTY, HotStuffError } from './errors.js';
import type { BlockMeta, HsMessage, QuorumCert, VoteRef } from './messages.js';
import { MAX_SYNC_BLOCKS, blockConsensus, blockMeta, makeQC, signVote, verifyVote } from './messages.js';
import { Pacemaker, VIEW_TIMER } from './pacemaker.js';
import type { HotStuffParams } from './params.js';
import { QcVerifier } from './qc.js';
import { SAFETY_KEY, TX_PREFIX, blockKey, committedRecords, decodeSafety, encodeSafety } from './records.js';
import type { LockRef } from './safety.js';
import { safeNode, updateFromQC } from './safety.js';

/** A committed block as the sync window keeps it: its canonical bytes and hash (hex). */
interface ArchivedBlock {
  readonly bytes: Uint8Array;
  readonly hashHex: string;
}

export const PROPOSE_TIMER = 'propose';
export const RETRANSMIT_TIMER = 'retransmit';
/** Committed blocks kept in memory to answer sync requests. */
export const KEEP_COMMITTED = 1024;
/** Proposals waiting for their parent (reordering, or a replica that is catching up). */
export const MAX_PENDING_PROPOSALS = 64;
/** Locally acknowledged transfers re-gossiped per retransmission tick, at most. */
export const MAX_REGOSSIP = 256;
/** QCs for unknown blocks kept until the block arrives. */
export const MAX_PENDING_QCS = 16;
/** Tolerance when comparing the time a timer fired with the time it was set for. */
export const TIMER_SLACK_MS = 0.5;

type Out = Effect<HsMessage>;
type Input = EngineInput<HsMessage>;

interface LocalTx {
  readonly tx: Transfer;
  gossipedAt: number;
}

/** The genesis block every replica starts from: height 0, the genesis state root. */
export function genesisBlock(chainId: string, genesis: LedgerState): Block {
  const header: BlockHeader = makeHeader({
    chainId,
    height: 0,
    parents: [],
    timestamp: 0,
    proposer: new Uint8Array(32),
    stateRoot: genesis.root,
    txRoot: EMPTY_TX_ROOT,
    consensus: { engine: 'hotstuff' },
  });
  return makeBlock(header, []);
}

export class HotStuffEngine implements Engine<HsMessage> {
  readonly n: number;
  readonly quorum: number;
  private readonly keyPair: KeyPair;
  private readonly rules: ChainRules;
  private readonly limits: BatchLimits;
  private readonly log: FinalizedLog;
  private readonly mempool: Mempool;
  private readonly store: BlockStore;
  private readonly pacemaker: Pacemaker;
  private readonly qcs: QcVerifier;
  private readonly genesisNode: HsNode;
  private vheight = 0;
  private lock: LockRef;
  private highQC: QuorumCert;
  private highQCHeight = 0;
  private proposedView = 0;
  /** This replica's latest vote, re-sent with its new-view messages (not durable). */
  private lastVote: VoteRef | null = null;
  /** This replica's latest proposal (as leader), re-broadcast until a QC of its view is seen. */
  private lastProposal: { readonly view: number; readonly block: Block } | null = null;
  /** The view of this replica's latest NEW-VIEW, re-broadcast while it is still in that view. */
  private announcedView = 0;
  /** When the proposal, the vote and the NEW-VIEW above last left (re-sent retransmitMs later). */
  private proposalSentAt = 0;
  private voteSentAt = 0;
  private announcedAt = 0;
  /** A block replicas voted for that this (next) leader lacks, and until when to wait for it. */
  private awaitBlock = '';
  private awaitUntil = 0;
  /** View for which a propose timer is armed (0: none). */
  private proposeArmedFor = 0;
  /**
   * Committed blocks kept to answer sync requests, as their encoded bytes: a saturated node
   * commits up to KEEP_COMMITTED blocks of 500 transfers, and decoded transfers cost several
   * times their ~150 wire bytes in objects (a full window: ~75 MB encoded, several hundred MB
   * decoded). A sync answer decodes what it sends.
   */
  private readonly archive = new Map<number, ArchivedBlock>();
  /** Hash -> height of the archived committed blocks (and genesis). */
  private readonly archiveIndex = new Map<string, number>();
  /** Verified QCs for blocks not (yet) in the store, by block hash. */
  private readonly pendingQCs = new Map<string, QuorumCert>();
  /** Votes this replica collects as leader of view + 1, by view. */
  private readonly votes = new Map<number, VoteSet<Uint8Array>>();
  private readonly formed = new Set<number>();
  /** Largest vote count of any one block, per view still collecting. */
  private readonly bestCount = new Map<number, number>();
  /** Views (as the next leader) in which no block can reach a quorum any more. */
  private readonly failed = new Set<number>();
  private readonly pendingProposals = new Map<string, { readonly from: NodeIndex; readonly block: Block; readonly meta: BlockMeta; readonly hashHex: string }>();
  private readonly local = new Map<string, LocalTx>();
  private syncPeer = -1;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  private restoreCost = 0;
  private conflicts = 0;

  constructor(private readonly ctx: EngineContext<HotStuffParams>) {
    this.n = ctx.validators.length;
    this.quorum = quorumSize(this.n);
    this.keyPair = ctx.keyPair;
    this.limits = Object.freeze({ maxTxsPerBlock: ctx.params.maxTxsPerBlock, maxBlockBytes: ctx.params.maxBlockBytes });
    this.rules = Object.freeze({ chainId: ctx.chainId, blockReward: 0n, maxTxsPerBlock: ctx.params.maxTxsPerBlock });
    const g = genesisBlock(ctx.chainId, ctx.genesis);
    const gHash = blockHash(g);
    const gHex = toHex(gHash);
    const gQC = makeQC(0, gHash, []);
    this.genesisNode = Object.freeze({ block: g, hash: gHash, hashHex: gHex, height: 0, view: 0, parentHex: '', qc: gQC, state: ctx.genesis, txIds: [] });
    this.archiveIndex.set(gHex, 0);
    this.qcs = new QcVerifier({ chainId: ctx.chainId, validators: ctx.validators, quorum: this.quorum, genesisHashHex: gHex });
    this.mempool = new Mempool({ chainId: ctx.chainId });
    this.pacemaker = new Pacemaker(this.n, ctx.params);
    this.lock = { height: 0, hashHex: gHex };
    this.highQC = gQC;
    const root = this.restoreChain(ctx.restored);
    this.store = new BlockStore(root);
    this.log = new FinalizedLog(root.height);
    this.restoreSafety(ctx.restored);
    this.restoreTxs(ctx.restored);
  }

  // ---- restart -------------------------------------------------------------------------------

  private restoreChain(records: ReadonlyMap<string, Uint8Array>): HsNode {
    let node = this.genesisNode;
    for (const { height, bytes } of committedRecords(records)) {
      const block = decodeBlock(bytes);
      const meta = blockMeta(block);
      const state = applyBlock(node.state, block, this.rules);
      this.restoreCost += block.txs.length;
      const hash = blockHash(block);
      node = Object.freeze({
        block,
        hash,
        hashHex: toHex(hash),
        height,
        view: meta.view,
        parentHex: node.hashHex,
        qc: meta.qc,
        state,
        txIds: Object.freeze(block.txs.map(transferIdHex)),
      });
      this.keepCommitted(height, bytes, node.hashHex);
    }
    return node;
  }

  private restoreSafety(records: ReadonlyMap<string, Uint8Array>): void {
    const raw = records.get(SAFETY_KEY);
    if (raw === undefined) return;
    const r = decodeSafety(raw);
    this.pacemaker.restore(r.view);
    this.vheight = r.vheight;
    this.lock = { height: r.lockHeight, hashHex: toHex(r.lockHash) };
    this.highQC = r.highQC;
    this.highQCHeight = r.highQCHeight;
    this.proposedView = r.proposedView;
  }

  private restoreTxs(records: ReadonlyMap<string, Uint8Array>): void {
    for (const [key, value] of records) {
      if (!key.startsWith(TX_PREFIX)) continue;
      const tx = decodeTransfer(value);
      const r = this.mempool.add(tx, this.store.root.state);
      if (r.accepted) this.local.set(transferIdHex(tx), { tx, gossipedAt: Number.NEGATIVE_INFINITY });
    }
  }

  // ---- the Engine contract --------------------------------------------------------------------

  handle(input: Input): readonly Out[] {
    const out: Out[] = [];
    switch (input.kind) {
      case 'start':
        this.onStart(input.now, out);
        break;
      case 'transaction':
        this.onClientTx(input.tx, input.now, out);
        break;
      case 'message':
        this.guarded(input.from, out, () => this.onMessage(input.from, input.message, input.now, out));
        break;
      case 'timer':
        if (input.timer === VIEW_TIMER) this.onViewTimeout(input.now, out);
        else if (input.timer === PROPOSE_TIMER) this.onProposeTimer(input.now, out);
        else if (input.timer === RETRANSMIT_TIMER) this.onRetransmit(input.now, out);
        break;
      case 'job-done':
        break;
    }
    return out;
  }

  status(): EngineStatus {
    const root = this.store.root;
    return Object.freeze({
      finalized: this.log.length,
      height: root.height,
      stateRoot: root.state.rootHex,
      telemetry: Object.freeze({
        view: this.pacemaker.view,
        backoff: this.pacemaker.backoff,
        highQcView: this.highQC.view,
        lockHeight: this.lock.height,
        vheight: this.vheight,
        storeBlocks: this.store.size,
        mempool: this.mempool.size,
        conflicts: this.conflicts,
      }),
    });
  }

  finalizedState(): LedgerState {
    return this.store.root.state;
  }

  /** Post-state of a known block (adversaries build twins on it). */
  stateOf(hashHex: string): LedgerState | undefined {
    return this.store.get(hashHex)?.state;
  }

  leader(view: number): NodeIndex {
    return this.pacemaker.leader(view);
  }

  /** Runs a message handler; a HotStuffError becomes a penalty, anything else is a bug. */
  private guarded(from: NodeIndex, out: Out[], body: () => void): void {
    const mark = out.length;
    try {
      body();
    } catch (err) {
      if (!(err instanceof HotStuffError)) throw err;
      // Refused input: drop what the handler had queued (it ran no state change before throwing).
      out.length = mark;
      const code = err.type.code;
      if (code === 'HOTSTUFF_BAD_QC' || code === 'HOTSTUFF_BAD_SIGNATURE') out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
      out.push({ kind: 'penalize', peer: from, code, weight: HOTSTUFF_PENALTY[code] });
    }
  }

  // ---- inputs --------------------------------------------------------------------------------

  private onStart(now: number, out: Out[]): void {
    if (this.restoreCost > 0) out.push({ kind: 'cost', op: 'tx-apply', count: this.restoreCost });
    this.pacemaker.arm(now, out);
    out.push({ kind: 'set-timer', timer: RETRANSMIT_TIMER, at: now + this.ctx.params.retransmitMs });
    for (const p of this.local.values()) this.gossip(p, now, out);
    if (this.store.get(this.highQC.hashHex) === undefined) this.requestSync(this.leader(this.highQC.view + 1), now, out, true);
    this.maybePropose(now, out);
  }

  private onClientTx(tx: Transfer, now: number, out: Out[]): void {
    const id = transferIdHex(tx);
    const r = this.mempool.add(tx, this.store.root.state);
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!r.accepted && r.rejection.code !== 'MEMPOOL_DUPLICATE') {
      out.push({ kind: 'tx-rejected', txId: id, code: r.rejection.code });
      return;
    }
    // New, or already pending here (a client retry, or it arrived by gossip first): make it
    // durable here and acknowledge it.
    let p = this.local.get(id);
    if (p === undefined) {
      p = { tx, gossipedAt: Number.NEGATIVE_INFINITY };
      this.local.set(id, p);
    }
    out.push({ kind: 'persist', key: `${TX_PREFIX}${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
    this.gossip(p, now, out);
  }

  private gossip(p: LocalTx, now: number, out: Out[]): void {
    p.gossipedAt = now;
    out.push({ kind: 'broadcast', message: { t: 'tx', tx: p.tx } });
  }

  private onMessage(from: NodeIndex, m: HsMessage, now: number, out: Out[]): void {
    if (!Number.isInteger(from) || from < 0 || from >= this.n || from === this.ctx.self) return;
    switch (m.t) {
      case 'tx':
        this.onGossipTx(from, m.tx, out);
        return;
      case 'proposal':
        this.onProposal(from, m.block, now, out);
        return;
      case 'vote':
        this.onVote(from, m.view, m.hash, m.signature, now, out);
        return;
      case 'new-view':
        this.onNewView(from, m.view, m.qc, m.vote, now, out);
        return;
      case 'sync-request':
        this.onSyncRequest(from, m.fromHeight, out);
        return;
      case 'sync-response':
        this.onSyncResponse(from, m.blocks, m.qc, now, out);
        return;
    }
  }

  private onGossipTx(from: NodeIndex, tx: Transfer, out: Out[]): void {
    const r = this.mempool.add(tx, this.store.root.state);
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!r.accepted && (r.rejection.code === 'MEMPOOL_BAD_SIGNATURE' || r.rejection.code === 'MEMPOOL_MALFORMED')) {
      out.push({ kind: 'penalize', peer: from, code: r.rejection.code, weight: 1 });
    }
  }

  // ---- proposals -----------------------------------------------------------------------------

  private onProposal(from: NodeIndex, block: Block, now: number, out: Out[]): void {
    const hash = blockHash(block);
    const hashHex = toHex(hash);
    out.push({ kind: 'cost', op: 'hash', count: 1 });
    if (this.store.has(hashHex) || this.pendingProposals.has(hashHex)) return;
    if (block.header.height <= this.store.root.height) return; // below what we committed: stale
    const meta = blockMeta(block);
    const leader = this.leader(meta.view);
    if (from !== leader) throw new HotStuffError({ code: 'HOTSTUFF_NOT_LEADER', view: meta.view, from, leader });
    this.checkStatic(block, meta);
    out.push({ kind: 'cost', op: 'sig-verify', count: this.qcs.check(meta.qc) });
    const parentHex = toHex(block.header.parents[0]!);
    if (!this.store.has(parentHex)) {
      if (this.pendingProposals.size >= MAX_PENDING_PROPOSALS) {
        throw new HotStuffError({ code: 'HOTSTUFF_BUFFER_FULL', what: 'pending proposals', max: MAX_PENDING_PROPOSALS });
      }
      this.pendingProposals.set(hashHex, { from, block, meta, hashHex });
      this.requestSync(from, now, out, false);
      return;
    }
    const node = this.validate(block, meta, hash, hashHex, out);
    this.accept(node, true, now, out);
  }

  /** Checks that need nothing but the block itself (and the view bound). */
  private checkStatic(block: Block, meta: BlockMeta): void {
    const h = block.header;
    if (h.parents.length !== 1) throw new HotStuffError({ code: 'HOTSTUFF_BAD_BLOCK', reason: 'a block has exactly one parent' });
    if (toHex(h.proposer) !== toHex(this.ctx.validators[this.leader(meta.view)]!)) {
      throw new HotStuffError({ code: 'HOTSTUFF_BAD_PROPOSER', view: meta.view });
    }
    if (meta.view <= meta.qc.view) throw new HotStuffError({ code: 'HOTSTUFF_BAD_BLOCK', reason: 'view must exceed its QC view' });
    const limit = this.pacemaker.viewLimit(meta.qc.view);
    if (meta.view > limit) throw new HotStuffError({ code: 'HOTSTUFF_VIEW_TOO_FAR', view: meta.view, limit });
    const violation = batchViolation(block, this.limits);
    if (violation !== null) {
      throw new HotStuffError({
        code: 'HOTSTUFF_BATCH_TOO_LARGE',
        what: violation.code === 'BATCH_TOO_MANY_TXS' ? 'txs' : 'bytes',
        size: violation.code === 'BATCH_TOO_MANY_TXS' ? violation.count : violation.size,
        max: violation.max,
      });
    }
  }

  /** Full validation of a block whose parent is in the store; returns the node (not added). */
  private validate(block: Block, meta: BlockMeta, hash: Uint8Array, hashHex: string, out: Out[]): HsNode {
    const parent = this.store.get(toHex(block.header.parents[0]!))!;
    if (block.header.height !== parent.height + 1) throw new HotStuffError({ code: 'HOTSTUFF_BAD_BLOCK', reason: 'height is not parent + 1' });
    if (meta.view <= parent.view) throw new HotStuffError({ code: 'HOTSTUFF_BAD_BLOCK', reason: 'view must exceed the parent view' });
    const justified = this.store.get(meta.qc.hashHex);
    if (justified !== undefined) {
      if (!this.store.extends(parent.hashHex, justified.hashHex, justified.height)) {
        throw new HotStuffError({ code: 'HOTSTUFF_BAD_BLOCK', reason: 'the QC must certify an ancestor' });
      }
      if (justified.view !== meta.qc.view) throw new HotStuffError({ code: 'HOTSTUFF_BAD_QC', reason: 'QC view differs from the certified block view' });
    } else if (!this.archiveIndex.has(meta.qc.hashHex)) {
      // Below the root, only blocks of the committed chain are ancestors.
      throw new HotStuffError({ code: 'HOTSTUFF_BAD_BLOCK', reason: 'the QC must certify an ancestor' });
    }
    out.push({ kind: 'cost', op: 'tx-apply', count: block.txs.length }, { kind: 'cost', op: 'sig-verify', count: block.txs.length });
    let state: LedgerState;
    try {
      state = applyBlock(parent.state, block, this.rules);
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      throw new HotStuffError({ code: 'HOTSTUFF_INVALID_BLOCK', ledgerCode: err.code });
    }
    return Object.freeze({
      block,
      hash,
      hashHex,
      height: block.header.height,
      view: meta.view,
      parentHex: parent.hashHex,
      qc: meta.qc,
      state,
      txIds: Object.freeze(block.txs.map(transferIdHex)),
    });
  }

  /**
   * Adds a validated node and runs the protocol on it: the vote decision (against the lock held
   * before this block, as in onReceiveProposal), then update(b*) with its QC, then the vote.
   */
  private accept(node: HsNode, mayVote: boolean, now: number, out: Out[]): void {
    this.store.add(node); // throws HOTSTUFF_BUFFER_FULL at the bound, before any change
    const waiting = this.pendingQCs.get(node.hashHex);
    const vote = mayVote && node.height > this.vheight && safeNode(this.store, node, this.lock);
    this.processQC(node.qc, now, out);
    if (waiting !== undefined) {
      this.pendingQCs.delete(node.hashHex);
      this.processQC(waiting, now, out);
    }
    if (vote) {
      this.vheight = node.height;
      // Having voted in view v, the replica waits for the proposal of view v + 1 (Algorithm 3:
      // the vote goes to leader(v + 1), whose turn it now is).
      this.pacemaker.advance(node.view + 1, false, now, out);
      this.persistSafety(true, out);
      const signature = signVote(this.keyPair, this.ctx.chainId, node.view, node.hash);
      this.lastVote = Object.freeze({ view: node.view, hash: node.hash, signature });
      this.voteSentAt = now;
      out.push({ kind: 'cost', op: 'sig-sign', count: 1 });
      const next = this.leader(node.view + 1);
      if (next === this.ctx.self) this.countVote(this.ctx.self, node.view, node.hash, signature, now, out);
      else out.push({ kind: 'send', to: next, message: { t: 'vote', view: node.view, hash: node.hash, signature } });
    }
    this.drainPending(node.hashHex, now, out);
    this.maybePropose(now, out);
  }

  /** Proposals that were waiting for `parentHex`. */
  private drainPending(parentHex: string, now: number, out: Out[]): void {
    for (const [key, p] of [...this.pendingProposals]) {
      if (toHex(p.block.header.parents[0]!) !== parentHex) continue;
      // The loop runs over a snapshot: accepting an earlier sibling may have committed, which
      // drops pending proposals at or below the new root and prunes the store, parentHex
      // included (swarm seed 130: a TypeError in validate, the replica crashed).
      if (!this.pendingProposals.delete(key)) continue;
      if (this.store.has(key) || !this.store.has(parentHex)) continue;
      this.guarded(p.from, out, () => {
        const node = this.validate(p.block, p.meta, blockHash(p.block), p.hashHex, out);
        this.accept(node, true, now, out);
      });
    }
  }

  // ---- QCs: highQC, lock, commit, view ---------------------------------------------------------

  /** update(b*) driven by a verified QC, plus the pacemaker's "a QC ends its view". */
  private processQC(qc: QuorumCert, now: number, out: Out[]): void {
    const node = this.store.get(qc.hashHex);
    if (node === undefined) {
      // A valid QC for a block we lack: the chain is ahead of us. Keep it for when the block
      // arrives (bounded: the newest few).
      if (qc.view > 0) {
        if (!this.archiveIndex.has(qc.hashHex)) {
          this.pendingQCs.set(qc.hashHex, qc);
          if (this.pendingQCs.size > MAX_PENDING_QCS) this.pendingQCs.delete(this.pendingQCs.keys().next().value!);
        }
        this.pacemaker.advance(qc.view + 1, qc.view > this.highQC.view, now, out);
      }
      return;
    }
    // Only a QC newer than any seen is progress (resets the backoff): old QCs ride in every
    // block and NEW-VIEW, and counting them kept the timeout from meaning "views without a QC".
    const progress = qc.view > this.highQC.view;
    if (node.height > this.highQCHeight || (node.height === this.highQCHeight && qc.view > this.highQC.view)) {
      this.highQC = qc;
      this.highQCHeight = node.height;
    }
    const outcome = updateFromQC(this.store, qc, this.lock);
    if (outcome.lock !== undefined) this.lock = { height: outcome.lock.height, hashHex: outcome.lock.hashHex };
    if (outcome.commit !== undefined) this.commit(outcome.commit, out);
    if (qc.view > 0 && this.pacemaker.advance(qc.view + 1, progress, now, out)) {
      out.push({ kind: 'metric', name: 'view', value: this.pacemaker.view });
    }
  }

  private commit(target: HsNode, out: Out[]): void {
    const root = this.store.root;
    if (target.height <= root.height) return;
    const path = this.store.pathFromRoot(target.hashHex);
    if (path.length === 0 || path[path.length - 1]!.hashHex !== target.hashHex) {
      // A three-chain for a block that conflicts with what we committed: impossible with at most
      // f Byzantine replicas. Refuse it (never revert finality) and report it.
      this.conflicts++;
      out.push({ kind: 'metric', name: 'conflicting-commit', value: this.conflicts });
      return;
    }
    for (const node of path) {
      const entry = this.log.append({
        slot: `h:${node.height}`,
        value: node.hashHex,
        txIds: node.txIds,
        height: node.height,
        stateRoot: node.state.rootHex,
        supply: node.state.supply,
        minted: 0n,
      });
      const bytes = encodeBlock(node.block);
      out.push({ kind: 'persist', key: blockKey(node.height), value: bytes, sync: true });
      if (entry !== null) out.push({ kind: 'finalize', entry });
      const dropped = this.mempool.onBlockCommitted(node.state, node.txIds);
      for (const id of node.txIds) this.forget(id, out);
      for (const d of dropped) this.forget(d.txIdHex, out);
      this.keepCommitted(node.height, bytes, node.hashHex);
    }
    this.store.pruneTo(target.hashHex);
    for (const [key, p] of [...this.pendingProposals]) if (p.block.header.height <= target.height) this.pendingProposals.delete(key);
    for (const key of [...this.pendingQCs.keys()]) if (this.archiveIndex.has(key)) this.pendingQCs.delete(key);
    out.push({ kind: 'metric', name: 'height', value: target.height }, { kind: 'metric', name: 'mempool', value: this.mempool.size });
  }

  private forget(id: string, out: Out[]): void {
    if (!this.local.delete(id)) return;
    out.push({ kind: 'persist', key: `${TX_PREFIX}${id}`, value: null, sync: false });
  }

  private keepCommitted(height: number, bytes: Uint8Array, hashHex: string): void {
    this.archive.set(height, { bytes, hashHex });
    this.archiveIndex.set(hashHex, height);
    const old = this.archive.get(height - KEEP_COMMITTED);
    if (old !== undefined) {
      this.archive.delete(height - KEEP_COMMITTED);
      this.archiveIndex.delete(old.hashHex);
    }
  }

  private persistSafety(sync: boolean, out: Out[]): void {
    const value = encodeSafety({
      view: this.pacemaker.view,
      vheight: this.vheight,
      lockHeight: this.lock.height,
      lockHash: fromHex(this.lock.hashHex),
      highQC: this.highQC,
      highQCHeight: this.highQCHeight,
      proposedView: this.proposedView,
    });
    out.push({ kind: 'persist', key: SAFETY_KEY, value, sync });
  }

  // ---- votes and new-views (as the next leader) ------------------------------------------------

  private onVote(from: NodeIndex, view: number, hash: Uint8Array, signature: Uint8Array, now: number, out: Out[]): void {
    if (this.leader(view + 1) !== this.ctx.self) throw new HotStuffError({ code: 'HOTSTUFF_NOT_NEXT_LEADER', view, self: this.ctx.self });
    if (view + 1 < this.pacemaker.view || this.formed.has(view)) return; // stale or already certified
    const limit = this.pacemaker.viewLimit(this.highQC.view);
    if (view > limit) throw new HotStuffError({ code: 'HOTSTUFF_VIEW_TOO_FAR', view, limit });
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!verifyVote(this.ctx.validators[from]!, this.ctx.chainId, view, hash, signature)) {
      throw new HotStuffError({ code: 'HOTSTUFF_BAD_SIGNATURE', view, voter: from });
    }
    this.countVote(from, view, hash, signature, now, out);
  }

  private countVote(voter: NodeIndex, view: number, hash: Uint8Array, signature: Uint8Array, now: number, out: Out[]): void {
    if (this.formed.has(view)) return;
    let vs = this.votes.get(view);
    if (vs === undefined) {
      vs = new VoteSet<Uint8Array>(this.n);
      this.votes.set(view, vs);
    }
    const hashHex = toHex(hash);
    const r = vs.add(voter, hashHex, signature);
    if (r.kind === 'equivocation') {
      // Reported, not thrown: callers may already have changed state for the same message.
      out.push({ kind: 'penalize', peer: voter, code: 'HOTSTUFF_EQUIVOCATION', weight: HOTSTUFF_PENALTY.HOTSTUFF_EQUIVOCATION });
      return;
    }
    if (r.kind !== 'counted') return;
    if (r.votes < this.quorum) {
      if (!this.store.has(hashHex) && voter !== this.ctx.self && !this.archiveIndex.has(hashHex)) {
        // A vote for a block this leader lacks: the block's QC may be newer than ours (a
        // proposal that reached only some replicas; in seed 578 it carried the QC that ends a
        // three-chain, formed by the Byzantine leader). Fetch it before proposing, bounded by
        // retransmitMs, as onNewView does for a forwarded vote.
        this.awaitBlock = hashHex;
        this.awaitUntil = now + this.ctx.params.retransmitMs;
        this.requestSync(voter, now, out, true);
      }
      this.bestCount.set(view, Math.max(this.bestCount.get(view) ?? 0, r.votes));
      this.checkFailed(view, now, out);
      this.maybePropose(now, out);
      return;
    }
    this.formed.add(view);
    this.bestCount.delete(view);
    this.votes.delete(view);
    for (const v of [...this.votes.keys()]) {
      if (v < view) {
        this.votes.delete(v);
        this.bestCount.delete(v);
      }
    }
    for (const v of [...this.formed]) if (v < view - 64) this.formed.delete(v);
    const qc = makeQC(view, hash, vs.certificate(hashHex));
    if (!this.store.has(hashHex)) this.requestSync(voter === this.ctx.self ? this.leader(view) : voter, now, out, true);
    this.processQC(qc, now, out);
    this.maybePropose(now, out);
  }

  /**
   * As the leader of v + 1: view v failed once no block of v can reach a quorum any more, and
   * the leader then proposes on its highest QC without waiting for n - f NEW-VIEWs. A vote for
   * v says "I am in v + 1" (a voter moves on right after voting and announces nothing); a
   * NEW-VIEW for v + 1 without a vote of v says "I left v without voting". With h replicas
   * heard either way (h >= n - f) and the best block at b votes, view v failed when
   * b + (n - h) < quorum: a split by an equivocating leader, or a proposal that reached too few (swarm seed 578: the
   * Byzantine leader's block reached one replica, which voted; the leader after it heard that
   * vote and two NEW-VIEWs, three of n - f = 3, but counted only the NEW-VIEWs and waited for
   * a third that never came: every such view failed by timeout, and the QC it should have
   * carried was lost). Only liveness rests on this: a late vote can still certify a block of v.
   */
  private checkFailed(view: number, now: number, out: Out[]): void {
    if (this.failed.has(view) || this.formed.has(view) || this.leader(view + 1) !== this.ctx.self) return;
    const vs = this.votes.get(view);
    const voters = vs?.size ?? 0;
    let heard = voters;
    for (const r of this.pacemaker.entered(view + 1)) if (vs === undefined || !vs.has(r)) heard++;
    const best = this.bestCount.get(view) ?? 0;
    // The votes alone rule it out (a split), or n - f replicas were heard and the rest cannot
    // make up a quorum. Not from fewer than n - f heard: replicas that left v without a vote
    // after a silent leader are the normal case, and proposing before n - f of them were heard
    // skips their (possibly higher) QCs; measured on swarm seeds 1-200, that doubled the
    // liveness failures (12 against 2 on the same seeds).
    const splitByVotes = best + (this.n - voters) < this.quorum;
    const splitByHeard = heard >= this.quorum && best + (this.n - heard) < this.quorum;
    if (!splitByVotes && !splitByHeard) return;
    this.failed.add(view);
    for (const v of [...this.failed]) if (v < view - 64) this.failed.delete(v);
    this.pacemaker.advance(view + 1, false, now, out);
  }

  private onNewView(from: NodeIndex, view: number, qc: QuorumCert, vote: VoteRef | null, now: number, out: Out[]): void {
    const limit = this.pacemaker.viewLimit(Math.max(this.highQC.view, qc.view));
    if (view > limit) throw new HotStuffError({ code: 'HOTSTUFF_VIEW_TOO_FAR', view, limit });
    if (qc.view >= view) throw new HotStuffError({ code: 'HOTSTUFF_BAD_QC', reason: 'new-view QC must be older than the view' });
    if (vote !== null && vote.view >= view) throw new HotStuffError({ code: 'HOTSTUFF_MALFORMED', reason: 'new-view vote must be older than the view' });
    const isLeader = this.leader(view) === this.ctx.self;
    // Only the leader of `view` uses the forwarded vote: only it pays for checking it.
    const useVote = isLeader && vote !== null && vote.view > this.highQC.view && view >= this.pacemaker.view;
    out.push({ kind: 'cost', op: 'sig-verify', count: this.qcs.check(qc) });
    if (useVote) {
      out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
      if (!verifyVote(this.ctx.validators[from]!, this.ctx.chainId, vote.view, vote.hash, vote.signature)) {
        throw new HotStuffError({ code: 'HOTSTUFF_BAD_SIGNATURE', view: vote.view, voter: from });
      }
    }
    if (!this.store.has(qc.hashHex)) this.requestSync(from, now, out, false);
    this.processQC(qc, now, out);
    if (view < this.pacemaker.view) return;
    if (useVote) {
      if (!this.store.has(toHex(vote.hash))) {
        // Votes for a block we lack: fetch it before proposing, or we would propose at a
        // height these replicas already voted at (they would refuse it).
        this.awaitBlock = toHex(vote.hash);
        this.awaitUntil = now + this.ctx.params.retransmitMs;
        this.requestSync(from, now, out, true);
      }
      // The forwarded vote may complete a QC its addressee (a silent leader) never formed.
      this.countVote(from, vote.view, vote.hash, vote.signature, now, out);
    }
    const count = this.pacemaker.recordEntered(view, from);
    if (isLeader && count >= this.quorum) this.pacemaker.advance(view, false, now, out);
    if (isLeader) this.checkFailed(view - 1, now, out);
    const join = this.pacemaker.noteAnnounced(from, view, maxFaulty(this.n));
    if (join > this.pacemaker.view) this.enterByTimeout(join, now, out);
    this.maybePropose(now, out);
  }

  // ---- pacemaker and proposing -------------------------------------------------------------------

  private onViewTimeout(now: number, out: Out[]): void {
    const view = this.pacemaker.onTimeout(now, out);
    this.announce(view, now, out);
  }

  /** Joins `view` as if our own timer had fired (the f + 1 rule). */
  private enterByTimeout(view: number, now: number, out: Out[]): void {
    this.pacemaker.advance(view, false, now, out);
    this.announce(view, now, out);
  }

  /** Broadcasts NEW-VIEW(view, highQC, last vote) and counts our own for the leader of `view`. */
  private announce(view: number, now: number, out: Out[]): void {
    out.push({ kind: 'metric', name: 'view', value: view }, { kind: 'metric', name: 'view-timeouts', value: this.pacemaker.backoff });
    this.persistSafety(false, out);
    this.announcedView = view;
    this.announcedAt = now;
    out.push({ kind: 'broadcast', message: { t: 'new-view', view, qc: this.highQC, vote: this.lastVote } });
    if (this.leader(view) === this.ctx.self) {
      const v = this.lastVote;
      if (v !== null && v.view > this.highQC.view) this.countVote(this.ctx.self, v.view, v.hash, v.signature, now, out);
      this.pacemaker.recordEntered(view, this.ctx.self);
      this.checkFailed(view - 1, now, out);
      this.maybePropose(now, out);
    }
  }

  /**
   * The leader of the current view proposes once it holds a QC of the previous view, or knows
   * the previous view failed (its votes split), or holds n - f new-views.
   */
  private canPropose(): boolean {
    const view = this.pacemaker.view;
    if (this.leader(view) !== this.ctx.self || this.proposedView >= view) return false;
    if (!this.store.has(this.highQC.hashHex)) return false;
    return this.highQC.view === view - 1 || this.failed.has(view - 1) || this.pacemaker.newViewCount(view) >= this.quorum;
  }

  /** True while a block some replicas voted for is being fetched (bounded by awaitUntil). */
  private awaiting(now: number): boolean {
    if (this.awaitBlock === '') return false;
    // Slack: a timer set for awaitUntil may fire a hair earlier after the runtime's skew
    // conversion; without it the propose timer would re-arm at the same instant forever.
    if (this.store.has(this.awaitBlock) || this.archiveIndex.has(this.awaitBlock) || now + TIMER_SLACK_MS >= this.awaitUntil) {
      this.awaitBlock = '';
      return false;
    }
    return true;
  }

  private maybePropose(now: number, out: Out[]): void {
    if (!this.canPropose()) return;
    const view = this.pacemaker.view;
    if (this.proposeArmedFor === view) return;
    const leaf = this.store.highestDescendant(this.highQC.hashHex)!;
    if (leaf.view >= view) return; // a stale view (e.g. just restarted): the chain is past it
    const interval = this.ctx.params.batchIntervalMs;
    // Pace blocks: at least batchIntervalMs after the parent's timestamp, never more than
    // batchIntervalMs from now (a skewed clock must not stall the view).
    let at = Math.min(now + interval, Math.max(now, leaf.block.header.timestamp + interval));
    if (this.awaiting(now)) at = Math.max(at, this.awaitUntil);
    this.proposeArmedFor = view;
    if (at <= now) this.propose(now, out);
    else out.push({ kind: 'set-timer', timer: PROPOSE_TIMER, at });
  }

  private onProposeTimer(now: number, out: Out[]): void {
    if (this.proposeArmedFor !== this.pacemaker.view) {
      this.proposeArmedFor = 0;
      this.maybePropose(now, out);
      return;
    }
    this.propose(now, out);
  }

  private propose(now: number, out: Out[]): void {
    this.proposeArmedFor = 0;
    if (!this.canPropose()) return;
    if (this.awaiting(now)) {
      this.maybePropose(now, out);
      return;
    }
    const view = this.pacemaker.view;
    const leaf = this.store.highestDescendant(this.highQC.hashHex)!;
    if (leaf.view >= view) return;
    const exclude = new Set<string>();
    for (const node of this.store.pathFromRoot(leaf.hashHex)) for (const id of node.txIds) exclude.add(id);
    const batch = buildBatch(
      leaf.state,
      this.mempool,
      {
        height: leaf.height + 1,
        parent: leaf.hash,
        timestamp: Math.max(0, Math.floor(now), leaf.block.header.timestamp),
        proposer: this.keyPair.publicKey,
        consensus: blockConsensus(view, this.highQC),
      },
      this.limits,
      this.ctx.chainId,
      exclude,
    );
    out.push({ kind: 'cost', op: 'tx-apply', count: batch.block.txs.length }, { kind: 'cost', op: 'hash', count: 1 });
    if (leaf.hashHex === this.store.root.hashHex) {
      // Refused by the committed state itself: these can never be included.
      for (const id of batch.rejectedIds) {
        this.mempool.remove(id);
        this.forget(id, out);
      }
    }
    const hash = blockHash(batch.block);
    const node: HsNode = Object.freeze({
      block: batch.block,
      hash,
      hashHex: toHex(hash),
      height: leaf.height + 1,
      view,
      parentHex: leaf.hashHex,
      qc: this.highQC,
      state: batch.state,
      txIds: Object.freeze(batch.block.txs.map(transferIdHex)),
    });
    this.proposedView = view;
    // Durable before the proposal leaves: a restarted leader never proposes twice in a view.
    this.persistSafety(true, out);
    out.push({ kind: 'cost', op: 'sig-sign', count: 1 });
    out.push({ kind: 'broadcast', message: { t: 'proposal', block: batch.block } });
    this.lastProposal = Object.freeze({ view, block: batch.block });
    this.proposalSentAt = now;
    this.accept(node, true, now, out);
  }

  // ---- catch-up ------------------------------------------------------------------------------

  private onRetransmit(now: number, out: Out[]): void {
    const period = this.ctx.params.retransmitMs;
    out.push({ kind: 'set-timer', timer: RETRANSMIT_TIMER, at: now + period });
    let k = 0;
    for (const p of this.local.values()) {
      if (k >= MAX_REGOSSIP) break;
      if (now - p.gossipedAt < 4 * period) continue;
      this.gossip(p, now, out);
      k++;
    }
    if (this.pendingProposals.size > 0 || !this.store.has(this.highQC.hashHex)) {
      const peer = this.syncPeer >= 0 ? this.syncPeer : this.leader(this.pacemaker.view);
      this.requestSync(peer, now, out, false);
    }
    this.resendConsensus(now, out);
  }

  /**
   * Re-sends what the current view still waits for, once its last copy is retransmitMs old: a
   * proposal, a vote and a view announcement are each sent once, and over a lossy link one lost
   * copy used to cost the whole view (measured: under 25.7 % loss with n = 5 no three-chain of
   * direct parents completed in 30 s). Production pacemakers do the same: LibraBFT/DiemBFT v4
   * re-send the last vote or timeout message until the replica enters a higher round (Yin et
   * al. section 5 assume reliable links). Each is at most one message (or one broadcast) per
   * tick and only while its view is still open; on the happy path (a QC within retransmitMs of
   * the proposal) nothing is re-sent.
   */
  private resendConsensus(now: number, out: Out[]): void {
    const view = this.pacemaker.view;
    // Due after half a period: a copy is re-sent 0.5 to 1.5 periods after it left (250-750 ms by
    // default), inside the default 1 s view. With a full period (0.5 s to 1 s later) swarm seeds
    // 90, 97 and 160 stalled again: the re-send often came after the view had timed out.
    const due = (sentAt: number): boolean => 2 * (now - sentAt) + TIMER_SLACK_MS >= this.ctx.params.retransmitMs;
    const p = this.lastProposal;
    if (p !== null) {
      // Our proposal of view pv: open until a QC of pv or later is seen, or the replicas moved
      // past pv + 1 (its votes go to leader(pv + 1); later views no longer wait for it).
      if (this.highQC.view >= p.view || view > p.view + 1) this.lastProposal = null;
      else if (due(this.proposalSentAt)) {
        this.proposalSentAt = now;
        out.push({ kind: 'broadcast', message: { t: 'proposal', block: p.block } });
      }
    }
    const v = this.lastVote;
    const next = v === null ? this.ctx.self : this.leader(v.view + 1);
    if (v !== null && next !== this.ctx.self && this.highQC.view < v.view && view === v.view + 1 && due(this.voteSentAt)) {
      // Still waiting for the proposal of v.view + 1, whose leader collects our vote.
      this.voteSentAt = now;
      out.push({ kind: 'send', to: next, message: { t: 'vote', view: v.view, hash: v.hash, signature: v.signature } });
    }
    if (this.announcedView === view && due(this.announcedAt)) {
      // Entered by timeout and no QC or vote moved us since: announce again so that the f + 1
      // rule and the leader's n - f count still complete when copies were lost.
      this.announcedAt = now;
      out.push({ kind: 'broadcast', message: { t: 'new-view', view, qc: this.highQC, vote: this.lastVote } });
    }
  }


  private requestSync(peer: NodeIndex, now: number, out: Out[], force: boolean): void {
    if (peer < 0 || peer >= this.n || peer === this.ctx.self) return;
    this.syncPeer = peer;
    if (!force && now - this.lastSyncAt < this.ctx.params.retransmitMs) return;
    this.lastSyncAt = now;
    out.push({ kind: 'send', to: peer, message: { t: 'sync-request', fromHeight: this.store.root.height + 1 } });
  }

  private onSyncRequest(from: NodeIndex, fromHeight: number, out: Out[]): void {
    const root = this.store.root;
    const blocks: Block[] = [];
    let bytes = 0;
    const budget = MAX_MESSAGE_BYTES - 64 * 1024;
    const push = (b: Block, encoded?: Uint8Array): boolean => {
      const size = (encoded ?? encodeBlock(b)).length;
      if (blocks.length >= MAX_SYNC_BLOCKS || (blocks.length > 0 && bytes + size > budget)) return false;
      blocks.push(b);
      bytes += size;
      return true;
    };
    let full = false;
    for (let h = Math.max(1, fromHeight, root.height - KEEP_COMMITTED + 1); h <= root.height && !full; h++) {
      const a = this.archive.get(h);
      if (a === undefined) {
        if (blocks.length > 0) break;
        continue;
      }
      full = !push(decodeBlock(a.bytes), a.bytes);
    }
    let last: string | null = null;
    if (!full) {
      const leaf = this.store.get(this.highQC.hashHex) === undefined ? root : this.store.highestDescendant(this.highQC.hashHex)!;
      for (const node of this.store.pathFromRoot(leaf.hashHex)) {
        if (node.height < fromHeight) continue;
        if (!push(node.block)) break;
        last = node.hashHex;
      }
    }
    if (blocks.length === 0) return;
    const qc = last !== null && last === this.highQC.hashHex ? this.highQC : null;
    out.push({ kind: 'send', to: from, message: { t: 'sync-response', blocks, qc } });
  }

  private onSyncResponse(from: NodeIndex, blocks: readonly Block[], qc: QuorumCert | null, now: number, out: Out[]): void {
    let applied = 0;
    let refused = false;
    for (const block of blocks) {
      const hash = blockHash(block);
      const hashHex = toHex(hash);
      if (this.store.has(hashHex) || block.header.height <= this.store.root.height) continue;
      if (block.header.parents.length !== 1 || !this.store.has(toHex(block.header.parents[0]!))) break;
      // Same checks as a proposal, except that the sender need not be the leader; the QC in
      // every header is verified before the block is applied. Each block is its own unit: a
      // bad one is refused (and penalized) without undoing the good ones before it.
      this.guarded(from, out, () => {
        refused = true;
        const meta = blockMeta(block);
        this.checkStatic(block, meta);
        out.push({ kind: 'cost', op: 'sig-verify', count: this.qcs.check(meta.qc) });
        const node = this.validate(block, meta, hash, hashHex, out);
        this.accept(node, false, now, out);
        refused = false;
        applied++;
      });
      if (refused) return;
    }
    if (qc !== null) {
      // Its own unit too: a forged trailing QC must not take back the effects (commits, their
      // records and finalize entries) of the good blocks above. Checked outside one, its throw
      // reached the message's guard, which dropped every effect of the answer while the engine
      // kept the commits: two finalized heights never announced (swarm seed 581, a Byzantine
      // peer answering with real blocks and a QC with a bad signature).
      this.guarded(from, out, () => {
        out.push({ kind: 'cost', op: 'sig-verify', count: this.qcs.check(qc) });
        this.processQC(qc, now, out);
      });
    }
    // More to fetch: the answer was full and moved us forward.
    if (applied > 0 && blocks.length >= MAX_SYNC_BLOCKS) this.requestSync(from, now, out, true);
    this.maybePropose(now, out);
  }
}
