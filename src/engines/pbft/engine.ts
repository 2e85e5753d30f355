/**
 * The PBFT replica (Castro and Liskov, OSDI 1999; TOCS 2002), ordering batches of ledger
 * transfers. Views v = 0, 1, ...; the primary of v is v mod n.
 *
 * Normal case (Section 4.2). The primary takes a batch from its mempool (the same batching as
 * HotStuff: src/protocol/batching.ts), builds the block at the next sequence number s on the
 * block at s - 1, and multicasts PRE-PREPARE(v, s, block). A backup accepts it when it is in
 * view v, s is within its watermarks, it has accepted no other pre-prepare for (v, s), the
 * signature is the primary's and the block applies to the state after s - 1; it then persists
 * the acceptance and multicasts PREPARE. Prepared (pre-prepare + quorum - 1 prepares) and
 * chain-prepared (view-change.ts) it multicasts COMMIT; with a quorum of commits the batch is
 * committed and executed in sequence order: a `finalize` effect per block.
 * Checkpoints and watermarks: checkpoint.ts. View changes: a request timer per replica runs
 * while it holds client transfers that are not executed; when it fires the replica stops
 * accepting messages of view v and multicasts VIEW-CHANGE(v + 1, ...); the new primary
 * gathers a quorum of them and multicasts NEW-VIEW with the O set (view-change.ts). The
 * view-change timer starts once a quorum of VIEW-CHANGEs is held (TOCS 4.5.2, rule 2); timers back
 * off exponentially across consecutive failed view changes. A replica that sees f + 1
 * view-change messages for higher views joins them.
 *
 * Around it: transfers are acknowledged after a durable write and gossiped to every replica
 * (so every backup's request timer watches the primary); a replica that is behind fetches
 * committed blocks with their commit certificates (sync-request), the NEW-VIEW of a view it
 * missed (new-view-request), or the bodies of O-set blocks (fetch-block), and checks every
 * certificate before using it. Durable records: records.ts.
 *
 * Refused peer input raises a PbftError inside the handler, which becomes a `penalize` effect
 * with its code; every check of a message runs before any state changes.
 */
import { fromHex, toHex } from '../../core/index.js';
import type { KeyPair } from '../../core/index.js';
import { LedgerError, Mempool, applyBlock, blockHash, decodeBlock, decodeTransfer, encodeBlock, encodeTransfer, headerHash, transferIdHex, txRoot } from '../../ledger/index.js';
import type { Block, BlockHeader, ChainRules, LedgerState, Transfer } from '../../ledger/index.js';
import { FinalizedLog, batchViolation, buildBatch, maxFaulty, quorumSize } from '../../protocol/index.js';
import type { BatchLimits, Effect, Engine, EngineContext, EngineInput, EngineStatus, NodeIndex } from '../../protocol/index.js';
import { genesisHeader } from './chain.js';
import { Checkpoints } from './checkpoint.js';
import { PBFT_PENALTY, PbftError } from './errors.js';
import { Instance, instanceKey } from './instance.js';
import type { CertVote, CheckpointCert, NewView, PbftMessage, PreparedCert, ViewChange } from './messages.js';
import { MAX_SYNC_BLOCKS, signViewChange, signVote, verifyVote } from './messages.js';
import type { PbftParams } from './params.js';
import {
  ACCEPTED_PREFIX,
  BLOCK_PREFIX,
  CHECKPOINT_KEY,
  PREPARED_PREFIX,
  TX_PREFIX,
  VIEW_KEY,
  bySeq,
  decodeAccepted,
  decodeCheckpoint,
  decodeExecuted,
  decodePrepared,
  decodeViewRecord,
  encodeAccepted,
  encodeCheckpoint,
  encodeExecutedBlockBytes,
  encodePrepared,
  encodeViewRecord,
} from './records.js';
import type { OSet, VcContext } from './view-change.js';
import { computeO, primaryOf, verifyViewChange, viewChangeKey } from './view-change.js';

export const REQUEST_TIMER = 'request';
export const VIEW_CHANGE_TIMER = 'view-change';
/** Own VIEW-CHANGEs kept for replicas left behind in an earlier view change (the last few views). */
export const OWN_VCS_KEPT = 4;
export const BATCH_TIMER = 'batch';
export const RETRANSMIT_TIMER = 'retransmit';
/** Executed blocks kept (with their commit certificates) to answer catch-up requests. */
export const KEEP_EXECUTED = 1024;
/** An executed block as the sync window keeps it: canonical bytes, digest (hex), certificate. */
interface ArchivedBlock {
  readonly bytes: Uint8Array;
  readonly digestHex: string;
  readonly view: number;
  readonly commits: readonly CertVote[];
}
/**
 * Retransmit periods without progress after which a replica that knows of no peer ahead asks one
 * peer (in turn) for the blocks after its own: only new messages reveal that peers are ahead, and
 * an idle cluster sends none (a replica restarted with an old or empty store would wait for the
 * next batch; docs/reliability-cluster.md, finding 2).
 */
export const IDLE_PROBE_PERIODS = 4;
/** Views above the current one for which messages are kept. */
export const MAX_VIEW_AHEAD = 16;
/** Messages of views not yet entered, kept until the new view is installed. */
export const MAX_FUTURE_MESSAGES = 1024;
/** Block bodies asked for at once (O-set blocks after a view change, committed blocks). */
export const MAX_WANTED = 256;
/** Locally acknowledged transfers re-gossiped per retransmission tick, at most. */
export const MAX_REGOSSIP = 256;
/** Tolerance when comparing the time a timer fired with the time it was set for. */
export const TIMER_SLACK_MS = 0.5;

type Out = Effect<PbftMessage>;
type Input = EngineInput<PbftMessage>;

interface LocalTx {
  readonly tx: Transfer;
  gossipedAt: number;
}

interface Executed {
  readonly seq: number;
  readonly digestHex: string;
  readonly header: BlockHeader;
  readonly state: LedgerState;
}

interface Ready {
  readonly digestHex: string;
  readonly view: number;
  readonly commits: readonly CertVote[];
}

type Status = 'normal' | 'view-change';

export class PbftEngine implements Engine<PbftMessage> {
  readonly n: number;
  readonly f: number;
  readonly quorum: number;
  private readonly keyPair: KeyPair;
  private readonly rules: ChainRules;
  private readonly limits: BatchLimits;
  private readonly vcCtx: VcContext;
  private readonly log: FinalizedLog;
  private readonly mempool: Mempool;
  private readonly checkpoints: Checkpoints;
  private view = 0;
  private mode: Status = 'normal';
  /** View changes started since the last execution: the backoff exponent. */
  private vcAttempts = 0;
  /** The view whose view-change timer is armed (-1: none); see maybeArmViewChangeTimer. */
  private vcTimerView = -1;
  private exec: Executed;
  /**
   * Executed blocks kept to answer sync requests and fetches, as their encoded bytes: a saturated
   * node executes up to KEEP_EXECUTED blocks of 500 transfers, and decoded transfers cost several
   * times their ~150 wire bytes in objects (a full window: ~75 MB encoded, several hundred MB
   * decoded). An answer decodes what it sends.
   */
  private readonly archive = new Map<number, ArchivedBlock>();
  private readonly archiveIndex = new Map<string, number>();
  private readonly instances = new Map<string, Instance>();
  /** Latest accepted pre-prepare per sequence number (durable). */
  private readonly accepted = new Map<number, { readonly view: number; readonly digestHex: string }>();
  private readonly bodies = new Map<string, Block>();
  private readonly states = new Map<string, LedgerState>();
  /** The P set: the prepared certificate of the highest view per sequence number. */
  private readonly pset = new Map<number, PreparedCert>();
  /** Committed (a commit certificate is at hand), waiting for the body or for earlier ones. */
  private readonly ready = new Map<number, Ready>();
  private readonly vcs = new Map<number, Map<NodeIndex, ViewChange>>();
  private readonly verifiedVcs = new Set<string>();
  private storedNV: NewView | null = null;
  /** Pre-prepares waiting for the pre-prepare of their parent (reordering), by view:seq. */
  private readonly pendingPP = new Map<string, { readonly from: NodeIndex; readonly message: PbftMessage & { t: 'pre-prepare' } }>();
  private readonly future: { readonly from: NodeIndex; readonly message: PbftMessage; readonly view: number }[] = [];
  private readonly wanted = new Map<string, number>();
  private readonly local = new Map<string, LocalTx>();
  private nextSeq = 1;
  private lastProposeAt = Number.NEGATIVE_INFINITY;
  private batchArmed = false;
  private requestArmed = false;
  private aheadSeq = 0;
  private aheadPeer = -1;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  /** Executed height when the current run of sync requests began, and requests sent since. */
  private syncFrom = -1;
  private syncTries = 0;
  private lastProgressAt = 0;
  private lastProbeAt = 0;
  private probes = 0;
  private lastVcSentAt = Number.NEGATIVE_INFINITY;
  private lastNvRequestAt = Number.NEGATIVE_INFINITY;
  private readonly nvSentAt = new Map<NodeIndex, number>();
  /** This replica's own VIEW-CHANGEs of the last OWN_VCS_KEPT views, re-sent to replicas stuck in them. */
  private readonly ownVcs = new Map<number, ViewChange>();
  /** When an own VIEW-CHANGE was last re-sent to each replica (at most one per retransmitMs). */
  private readonly vcResentAt = new Map<NodeIndex, number>();
  private restoreCost = 0;
  private conflicts = 0;
  private viewChanges = 0;

  constructor(private readonly ctx: EngineContext<PbftParams>) {
    const p = ctx.params;
    this.n = ctx.validators.length;
    this.f = maxFaulty(this.n);
    this.quorum = quorumSize(this.n);
    this.keyPair = ctx.keyPair;
    this.limits = Object.freeze({ maxTxsPerBlock: p.maxTxsPerBlock, maxBlockBytes: p.maxBlockBytes });
    this.rules = Object.freeze({ chainId: ctx.chainId, blockReward: 0n, maxTxsPerBlock: p.maxTxsPerBlock });
    const gHeader = genesisHeader(ctx.chainId, ctx.genesis);
    const gHex = toHex(headerHash(gHeader));
    this.vcCtx = Object.freeze({
      chainId: ctx.chainId,
      validators: ctx.validators,
      quorum: this.quorum,
      checkpointInterval: p.checkpointInterval,
      window: p.watermarkWindow,
      genesisDigestHex: gHex,
    });
    this.checkpoints = new Checkpoints(Object.freeze({ seq: 0, header: gHeader, votes: [] }), this.n, this.quorum, p.checkpointInterval, p.watermarkWindow);
    this.mempool = new Mempool({ chainId: ctx.chainId });
    this.exec = { seq: 0, digestHex: gHex, header: gHeader, state: ctx.genesis };
    this.archiveIndex.set(gHex, 0);
    this.restore(ctx.restored);
    this.log = new FinalizedLog(this.exec.seq);
  }

  // ---- restart -------------------------------------------------------------------------------

  private restore(records: ReadonlyMap<string, Uint8Array>): void {
    for (const { seq, key, bytes } of bySeq(records, BLOCK_PREFIX)) {
      if (seq !== this.exec.seq + 1) throw new PbftError({ code: 'PBFT_CORRUPT_RECORD', key, reason: `expected sequence number ${this.exec.seq + 1}` });
      const r = decodeExecuted(key, bytes);
      const state = applyBlock(this.exec.state, r.block, this.rules);
      this.restoreCost += r.block.txs.length;
      this.exec = { seq, digestHex: toHex(blockHash(r.block)), header: r.block.header, state };
      this.keepExecuted(seq, encodeBlock(r.block), this.exec.digestHex, r.view, r.commits);
    }
    const ckpt = records.get(CHECKPOINT_KEY);
    if (ckpt !== undefined) this.checkpoints.adopt(decodeCheckpoint(ckpt));
    const v = records.get(VIEW_KEY);
    if (v !== undefined) {
      const r = decodeViewRecord(v);
      this.view = r.view;
      this.mode = r.inViewChange ? 'view-change' : 'normal';
    }
    const low = this.checkpoints.low;
    for (const { seq, key, bytes } of bySeq(records, ACCEPTED_PREFIX)) {
      if (seq <= low) continue;
      const r = decodeAccepted(key, bytes);
      const digestHex = toHex(r.digest);
      this.accepted.set(seq, { view: r.view, digestHex });
      if (r.block !== null) this.bodies.set(digestHex, r.block);
      if (r.view === this.view && this.mode === 'normal' && r.block !== null) {
        const inst = this.instance(this.view, seq);
        inst.pp = { digest: r.digest, digestHex, signature: r.signature, header: r.block.header };
        if (this.primary(this.view) === this.ctx.self) this.nextSeq = Math.max(this.nextSeq, seq + 1);
      }
    }
    for (const { seq, key, bytes } of bySeq(records, PREPARED_PREFIX)) {
      if (seq > low) this.pset.set(seq, decodePrepared(key, bytes));
    }
    for (const [key, value] of records) {
      if (!key.startsWith(TX_PREFIX)) continue;
      const tx = decodeTransfer(value);
      const r = this.mempool.add(tx, this.exec.state);
      if (r.accepted) this.local.set(transferIdHex(tx), { tx, gossipedAt: Number.NEGATIVE_INFINITY });
    }
    this.nextSeq = Math.max(this.nextSeq, this.exec.seq + 1);
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
        this.onTimer(input.timer, input.now, out);
        break;
      case 'job-done':
        break;
    }
    return out;
  }

  status(): EngineStatus {
    return Object.freeze({
      finalized: this.log.length,
      height: this.exec.seq,
      stateRoot: this.exec.state.rootHex,
      telemetry: Object.freeze({
        view: this.view,
        inViewChange: this.mode === 'view-change' ? 1 : 0,
        viewChanges: this.viewChanges,
        lowWatermark: this.checkpoints.low,
        executed: this.exec.seq,
        instances: this.instances.size,
        prepared: this.pset.size,
        mempool: this.mempool.size,
        conflicts: this.conflicts,
      }),
    });
  }

  finalizedState(): LedgerState {
    return this.exec.state;
  }

  primary(view: number): NodeIndex {
    return primaryOf(view, this.n);
  }

  /** Post-state of a known block (adversaries build twins on it). */
  stateOf(digestHex: string, out: Out[] = []): LedgerState | undefined {
    return this.computeState(digestHex, out, 0);
  }

  /** Runs a message handler; a PbftError becomes a penalty, anything else is a bug. */
  private guarded(from: NodeIndex, out: Out[], body: () => void): void {
    const mark = out.length;
    try {
      body();
    } catch (err) {
      if (!(err instanceof PbftError)) throw err;
      // Refused input: drop what the handler queued (it made no state change before throwing).
      out.length = mark;
      out.push({ kind: 'penalize', peer: from, code: err.type.code, weight: PBFT_PENALTY[err.type.code] });
    }
  }

  private instance(view: number, seq: number): Instance {
    const key = instanceKey(view, seq);
    let inst = this.instances.get(key);
    if (inst === undefined) {
      inst = new Instance(view, seq, this.n);
      this.instances.set(key, inst);
    }
    return inst;
  }

  private timeoutMs(attempts: number = this.vcAttempts): number {
    const p = this.ctx.params;
    return p.viewChangeTimeoutMs * 2 ** Math.min(Math.max(0, attempts), p.maxBackoffExponent);
  }

  // ---- inputs --------------------------------------------------------------------------------

  private onStart(now: number, out: Out[]): void {
    if (this.restoreCost > 0) out.push({ kind: 'cost', op: 'tx-apply', count: this.restoreCost });
    this.lastProgressAt = now;
    out.push({ kind: 'set-timer', timer: RETRANSMIT_TIMER, at: now + this.ctx.params.retransmitMs });
    for (const p of this.local.values()) this.gossip(p, now, out);
    if (this.mode === 'view-change') {
      // Restarted in the middle of a view change: announce it again.
      // Its timer starts once a quorum of VIEW-CHANGEs for this view is back (liveness rule 2).
      this.sendViewChange(now, out);
    } else {
      // Batches accepted before a crash: announce our PREPARE again (same digest, so safe).
      if (this.primary(this.view) !== this.ctx.self) {
        for (const inst of this.instances.values()) if (inst.pp !== null && inst.view === this.view && inst.seq > this.exec.seq) this.sendPrepare(inst, out);
      }
      this.refreshRequestTimer(now, out, true);
      this.maybePropose(now, out);
    }
  }

  private onTimer(timer: string, now: number, out: Out[]): void {
    switch (timer) {
      case REQUEST_TIMER:
        this.requestArmed = false;
        if (this.mode !== 'normal') return;
        if (this.mempool.select(1, 1 << 20).length === 0) {
          this.refreshRequestTimer(now, out, false);
          return;
        }
        // A transfer waited a whole timeout without being executed: suspect the primary.
        this.startViewChange(this.view + 1, now, out);
        return;
      case VIEW_CHANGE_TIMER:
        // No NEW-VIEW in time: try the next view, waiting longer (vcAttempts grew).
        if (this.mode === 'view-change' && this.vcTimerView === this.view) this.startViewChange(this.view + 1, now, out);
        return;
      case BATCH_TIMER:
        this.batchArmed = false;
        this.maybePropose(now, out);
        return;
      case RETRANSMIT_TIMER:
        this.onRetransmit(now, out);
        return;
    }
  }

  private onClientTx(tx: Transfer, now: number, out: Out[]): void {
    const id = transferIdHex(tx);
    const r = this.mempool.add(tx, this.exec.state);
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!r.accepted && r.rejection.code !== 'MEMPOOL_DUPLICATE') {
      out.push({ kind: 'tx-rejected', txId: id, code: r.rejection.code });
      return;
    }
    let p = this.local.get(id);
    if (p === undefined) {
      p = { tx, gossipedAt: Number.NEGATIVE_INFINITY };
      this.local.set(id, p);
    }
    out.push({ kind: 'persist', key: `${TX_PREFIX}${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
    this.gossip(p, now, out);
    this.refreshRequestTimer(now, out, false);
    this.maybePropose(now, out);
  }

  private gossip(p: LocalTx, now: number, out: Out[]): void {
    p.gossipedAt = now;
    out.push({ kind: 'broadcast', message: { t: 'tx', tx: p.tx } });
  }

  private onMessage(from: NodeIndex, m: PbftMessage, now: number, out: Out[]): void {
    if (!Number.isInteger(from) || from < 0 || from >= this.n || from === this.ctx.self) return;
    switch (m.t) {
      case 'tx':
        this.onGossipTx(from, m.tx, now, out);
        return;
      case 'pre-prepare':
        this.onPrePrepare(from, m, now, out);
        return;
      case 'prepare':
      case 'commit':
        this.onVote(from, m, now, out);
        return;
      case 'checkpoint':
        this.onCheckpoint(from, m.seq, m.digest, m.signature, now, out);
        return;
      case 'view-change':
        this.onViewChange(from, m.vc, now, out);
        return;
      case 'new-view':
        this.onNewView(m.nv, now, out);
        return;
      case 'fetch-block':
        this.onFetchBlock(from, toHex(m.digest), out);
        return;
      case 'block':
        this.onBlock(m.block, now, out);
        return;
      case 'sync-request':
        this.onSyncRequest(from, m.fromSeq, out);
        return;
      case 'sync-block':
        this.onSyncBlock(from, m.block, m.view, m.commits, now, out);
        return;
      case 'new-view-request':
        if (this.storedNV !== null && this.storedNV.view >= m.view) this.sendNewView(from, now, out);
        return;
    }
  }

  private onGossipTx(from: NodeIndex, tx: Transfer, now: number, out: Out[]): void {
    const r = this.mempool.add(tx, this.exec.state);
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!r.accepted && (r.rejection.code === 'MEMPOOL_BAD_SIGNATURE' || r.rejection.code === 'MEMPOOL_MALFORMED')) {
      out.push({ kind: 'penalize', peer: from, code: r.rejection.code, weight: 1 });
      return;
    }
    if (r.accepted) {
      this.refreshRequestTimer(now, out, false);
      this.maybePropose(now, out);
    }
  }

  /**
   * Common gate of normal-case messages: true when the message is for the current view in
   * normal status. Older views are dropped; newer ones are kept for when we get there.
   */
  private inView(from: NodeIndex, view: number, m: PbftMessage, now: number, out: Out[]): boolean {
    if (view < this.view) {
      // A commit of an older view still says the sender's peers executed that far: a replica
      // stuck alone in a view change keeps up through catch-up.
      if (m.t === 'commit' && m.seq > this.exec.seq) this.sawAhead(from, m.seq);
      return false;
    }
    if (view === this.view && this.mode === 'normal') return true;
    const limit = this.view + MAX_VIEW_AHEAD;
    if (view > limit) throw new PbftError({ code: 'PBFT_VIEW_TOO_FAR', view, limit });
    if (this.future.length >= MAX_FUTURE_MESSAGES) throw new PbftError({ code: 'PBFT_BUFFER_FULL', what: 'future-view messages', max: MAX_FUTURE_MESSAGES });
    this.future.push({ from, message: m, view });
    if (view > this.view) this.requestNewView(from, view, now, out);
    return false;
  }

  private checkWindow(seq: number): boolean {
    if (seq <= this.checkpoints.low) return false;
    const high = this.checkpoints.high;
    if (seq > high) throw new PbftError({ code: 'PBFT_SEQ_OUT_OF_WINDOW', seq, low: this.checkpoints.low, high });
    return true;
  }

  // ---- normal case: pre-prepare --------------------------------------------------------------

  private onPrePrepare(from: NodeIndex, m: PbftMessage & { t: 'pre-prepare' }, now: number, out: Out[]): void {
    const { view, seq, block, signature } = m;
    if (from !== this.primary(view)) throw new PbftError({ code: 'PBFT_NOT_PRIMARY', view, from });
    if (!this.inView(from, view, m, now, out)) return;
    if (seq > this.checkpoints.high) this.sawAhead(from, seq);
    if (!this.checkWindow(seq) || seq <= this.exec.seq) return;
    const digest = blockHash(block);
    const digestHex = toHex(digest);
    out.push({ kind: 'cost', op: 'hash', count: 1 });
    const inst = this.instances.get(instanceKey(view, seq));
    if (inst?.pp !== null && inst?.pp !== undefined) {
      // A retransmission (of a fresh batch, or of an O-set entry we got in the NEW-VIEW).
      if (inst.pp.digestHex === digestHex) return;
      throw new PbftError({ code: 'PBFT_EQUIVOCATION', what: 'pre-prepare', view, seq, from });
    }
    const h = block.header;
    if (h.height !== seq) throw new PbftError({ code: 'PBFT_BAD_BLOCK', reason: 'height differs from the sequence number' });
    if (h.parents.length !== 1) throw new PbftError({ code: 'PBFT_BAD_BLOCK', reason: 'a block has exactly one parent' });
    if (toHex(h.proposer) !== toHex(this.ctx.validators[from]!)) throw new PbftError({ code: 'PBFT_BAD_BLOCK', reason: 'proposer is not the primary' });
    const violation = batchViolation(block, this.limits);
    if (violation !== null) {
      throw new PbftError({
        code: 'PBFT_BATCH_TOO_LARGE',
        what: violation.code === 'BATCH_TOO_MANY_TXS' ? 'txs' : 'bytes',
        size: violation.code === 'BATCH_TOO_MANY_TXS' ? violation.count : violation.size,
        max: violation.max,
      });
    }
    const acc = this.accepted.get(seq);
    if (acc !== undefined && acc.view === view && acc.digestHex !== digestHex) throw new PbftError({ code: 'PBFT_EQUIVOCATION', what: 'pre-prepare', view, seq, from });
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!verifyVote(this.ctx.validators[from]!, 'pre-prepare', this.ctx.chainId, view, seq, digest, signature)) {
      throw new PbftError({ code: 'PBFT_BAD_SIGNATURE', what: 'pre-prepare', from });
    }
    const parentHex = toHex(h.parents[0]!);
    const parentState = this.parentStateFor(view, seq, parentHex, out);
    if (parentState === 'wait') {
      const key = instanceKey(view, seq);
      if (!this.pendingPP.has(key) && this.pendingPP.size >= this.ctx.params.watermarkWindow) {
        throw new PbftError({ code: 'PBFT_BUFFER_FULL', what: 'pending pre-prepares', max: this.ctx.params.watermarkWindow });
      }
      this.pendingPP.set(key, { from, message: m });
      return;
    }
    out.push({ kind: 'cost', op: 'tx-apply', count: block.txs.length }, { kind: 'cost', op: 'sig-verify', count: block.txs.length });
    let state: LedgerState;
    try {
      state = applyBlock(parentState, block, this.rules);
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      throw new PbftError({ code: 'PBFT_INVALID_BLOCK', ledgerCode: err.code });
    }
    this.acceptPrePrepare(view, seq, block, digest, signature, state, now, out);
  }

  /**
   * The state a block at `seq` with parent `parentHex` applies to, or 'wait' when the parent's
   * pre-prepare (or body) has not arrived yet. Throws PBFT_BAD_PARENT when the parent
   * contradicts what this replica executed or accepted in this view.
   */
  private parentStateFor(view: number, seq: number, parentHex: string, out: Out[]): LedgerState | 'wait' {
    const prev = seq - 1;
    if (prev <= this.exec.seq) {
      if (prev !== this.exec.seq || parentHex !== this.exec.digestHex) throw new PbftError({ code: 'PBFT_BAD_PARENT', seq });
      return this.exec.state;
    }
    const pp = this.instances.get(instanceKey(view, prev))?.pp;
    if (pp === null || pp === undefined) return 'wait';
    if (pp.digestHex !== parentHex) throw new PbftError({ code: 'PBFT_BAD_PARENT', seq });
    return this.computeState(parentHex, out, 0) ?? 'wait';
  }

  /** Post-state of a block whose body (and ancestors' bodies down to the executed block) we hold. */
  private computeState(digestHex: string, out: Out[], depth: number): LedgerState | undefined {
    if (digestHex === this.exec.digestHex) return this.exec.state;
    const known = this.states.get(digestHex);
    if (known !== undefined) return known;
    const body = this.bodies.get(digestHex);
    if (body === undefined || depth > this.ctx.params.watermarkWindow + 1 || body.header.height <= this.exec.seq) return undefined;
    const parent = this.computeState(toHex(body.header.parents[0]!), out, depth + 1);
    if (parent === undefined) return undefined;
    out.push({ kind: 'cost', op: 'tx-apply', count: body.txs.length });
    try {
      const state = applyBlock(parent, body, this.rules);
      this.states.set(digestHex, state);
      return state;
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      return undefined;
    }
  }

  private acceptPrePrepare(
    view: number,
    seq: number,
    block: Block,
    digest: Uint8Array,
    signature: Uint8Array,
    state: LedgerState,
    now: number,
    out: Out[],
  ): void {
    const digestHex = toHex(digest);
    const inst = this.instance(view, seq);
    inst.pp = { digest, digestHex, signature, header: block.header };
    this.accepted.set(seq, { view, digestHex });
    this.bodies.set(digestHex, block);
    this.states.set(digestHex, state);
    // Durable before our PREPARE (or PRE-PREPARE) leaves: never a second digest for (view, seq).
    out.push({ kind: 'persist', key: `${ACCEPTED_PREFIX}${seq}`, value: encodeAccepted({ view, digest, signature, block }), sync: true });
    if (this.primary(view) !== this.ctx.self) this.sendPrepare(inst, out);
    this.checkPrepared(view, seq, now, out);
    this.drainPendingPP(view, seq + 1, now, out);
  }

  private sendPrepare(inst: Instance, out: Out[]): void {
    const pp = inst.pp!;
    if (inst.myPrepare === null) {
      inst.myPrepare = signVote(this.keyPair, 'prepare', this.ctx.chainId, inst.view, inst.seq, pp.digest);
      out.push({ kind: 'cost', op: 'sig-sign', count: 1 });
      inst.prepares.add(this.ctx.self, pp.digestHex, inst.myPrepare);
    }
    out.push({ kind: 'broadcast', message: { t: 'prepare', view: inst.view, seq: inst.seq, digest: pp.digest, signature: inst.myPrepare } });
  }

  private drainPendingPP(view: number, seq: number, now: number, out: Out[]): void {
    const key = instanceKey(view, seq);
    const p = this.pendingPP.get(key);
    if (p === undefined) return;
    this.pendingPP.delete(key);
    this.guarded(p.from, out, () => this.onPrePrepare(p.from, p.message, now, out));
  }

  // ---- normal case: prepare and commit ---------------------------------------------------------

  private onVote(from: NodeIndex, m: PbftMessage & { t: 'prepare' | 'commit' }, now: number, out: Out[]): void {
    const { view, seq, digest, signature } = m;
    if (m.t === 'prepare' && from === this.primary(view)) throw new PbftError({ code: 'PBFT_PRIMARY_PREPARE', view, from });
    if (!this.inView(from, view, m, now, out)) return;
    if (seq > this.checkpoints.high) this.sawAhead(from, seq);
    if (!this.checkWindow(seq)) return;
    if (m.t === 'commit' && seq <= this.exec.seq) return;
    const digestHex = toHex(digest);
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!verifyVote(this.ctx.validators[from]!, m.t, this.ctx.chainId, view, seq, digest, signature)) {
      throw new PbftError({ code: 'PBFT_BAD_SIGNATURE', what: m.t, from });
    }
    const inst = this.instance(view, seq);
    const set = m.t === 'prepare' ? inst.prepares : inst.commits;
    const r = set.add(from, digestHex, signature);
    if (r.kind === 'equivocation') throw new PbftError({ code: 'PBFT_EQUIVOCATION', what: m.t, view, seq, from });
    if (r.kind === 'duplicate') return;
    if (m.t === 'prepare') this.checkPrepared(view, seq, now, out);
    else {
      // f + 1 commits for a digest we did not accept: a correct replica committed a batch we
      // cannot (we were shown another one): fetch committed blocks from it.
      this.sawAhead(from, seq);
      if (r.votes >= this.f + 1 && inst.pp?.digestHex !== digestHex) this.requestSync(now, out, false);
      this.checkCommitted(inst, now, out);
    }
  }

  /**
   * Walks up from `seq`: every instance that is prepared and whose parent is chain-prepared
   * (prepared in this view, executed, or the stable checkpoint) sends its COMMIT.
   */
  private checkPrepared(view: number, seq: number, now: number, out: Out[]): void {
    for (let s = seq; s <= this.checkpoints.high; s++) {
      const inst = this.instances.get(instanceKey(view, s));
      if (inst === undefined || inst.pp === null || inst.prepared || !inst.hasPrepareQuorum(this.quorum)) return;
      if (!this.parentChainPrepared(view, s, toHex(inst.pp.header.parents[0]!))) return;
      inst.prepared = true;
      const pp = inst.pp;
      const primary = this.primary(view);
      const cert: PreparedCert = Object.freeze({
        view,
        seq: s,
        header: pp.header,
        ppSignature: pp.signature,
        prepares: inst.prepares.certificate(pp.digestHex).filter((v) => v.voter !== primary),
      });
      this.pset.set(s, cert);
      // Durable before our COMMIT leaves: a restarted replica's VIEW-CHANGE still carries it.
      out.push({ kind: 'persist', key: `${PREPARED_PREFIX}${s}`, value: encodePrepared(cert), sync: true });
      inst.myCommit = signVote(this.keyPair, 'commit', this.ctx.chainId, view, s, pp.digest);
      out.push({ kind: 'cost', op: 'sig-sign', count: 1 });
      inst.commits.add(this.ctx.self, pp.digestHex, inst.myCommit);
      out.push({ kind: 'broadcast', message: { t: 'commit', view, seq: s, digest: pp.digest, signature: inst.myCommit } });
      this.checkCommitted(inst, now, out);
    }
  }

  private parentChainPrepared(view: number, seq: number, parentHex: string): boolean {
    const prev = seq - 1;
    if (prev === this.checkpoints.low && parentHex === this.checkpoints.stableDigestHex) return true;
    if (prev <= this.exec.seq) return this.digestAt(prev) === parentHex;
    const parent = this.instances.get(instanceKey(view, prev));
    return parent !== undefined && parent.prepared && parent.pp !== null && parent.pp.digestHex === parentHex;
  }

  private digestAt(seq: number): string | undefined {
    if (seq === this.exec.seq) return this.exec.digestHex;
    return this.archive.get(seq)?.digestHex;
  }

  /** A quorum of commits for one digest is a commit certificate: the batch is committed. */
  private checkCommitted(inst: Instance, now: number, out: Out[]): void {
    const digestHex = inst.commitQuorum(this.quorum);
    if (digestHex === undefined || inst.seq <= this.exec.seq || this.ready.has(inst.seq)) return;
    this.ready.set(inst.seq, { digestHex, view: inst.view, commits: inst.commits.certificate(digestHex).slice(0, this.quorum) });
    if (!this.bodies.has(digestHex)) this.want(digestHex, now, out);
    this.tryExecute(now, out);
  }

  // ---- execution -----------------------------------------------------------------------------

  private tryExecute(now: number, out: Out[]): void {
    let progressed = false;
    for (;;) {
      const seq = this.exec.seq + 1;
      const r = this.ready.get(seq);
      if (r === undefined) break;
      const body = this.bodies.get(r.digestHex);
      if (body === undefined) {
        this.want(r.digestHex, now, out);
        break;
      }
      if (toHex(body.header.parents[0]!) !== this.exec.digestHex) {
        // A committed batch that does not extend what we executed: impossible with at most f
        // faulty replicas. Refuse it and report it (finality never reverts).
        this.ready.delete(seq);
        this.conflicts++;
        out.push({ kind: 'metric', name: 'conflicting-commit', value: this.conflicts });
        break;
      }
      const state = this.computeState(r.digestHex, out, 0);
      if (state === undefined) {
        this.ready.delete(seq);
        this.conflicts++;
        out.push({ kind: 'metric', name: 'conflicting-commit', value: this.conflicts });
        break;
      }
      this.execute(seq, body, r, state, now, out);
      progressed = true;
    }
    if (!progressed) return;
    this.refreshRequestTimer(now, out, true);
    for (const [key, p] of [...this.pendingPP]) {
      if (p.message.seq === this.exec.seq + 1) {
        this.pendingPP.delete(key);
        this.guarded(p.from, out, () => this.onPrePrepare(p.from, p.message, now, out));
      }
    }
    this.maybePropose(now, out);
  }

  private execute(seq: number, block: Block, r: Ready, state: LedgerState, now: number, out: Out[]): void {
    const txIds = block.txs.map(transferIdHex);
    const blockBytes = encodeBlock(block);
    out.push({ kind: 'persist', key: `${BLOCK_PREFIX}${seq}`, value: encodeExecutedBlockBytes(blockBytes, r.view, r.commits), sync: true });
    const entry = this.log.append({ slot: `h:${seq}`, value: r.digestHex, txIds, height: seq, stateRoot: state.rootHex, supply: state.supply, minted: 0n });
    if (entry !== null) out.push({ kind: 'finalize', entry });
    const dropped = this.mempool.onBlockCommitted(state, txIds);
    for (const id of txIds) this.forget(id, out);
    for (const d of dropped) this.forget(d.txIdHex, out);
    this.exec = { seq, digestHex: r.digestHex, header: block.header, state };
    this.ready.delete(seq);
    this.keepExecuted(seq, blockBytes, r.digestHex, r.view, r.commits);
    // Bodies and speculative states at or below the executed block are no longer needed.
    for (const [d, b] of [...this.bodies]) if (b.header.height <= seq) this.bodies.delete(d);
    for (const d of [...this.states.keys()]) if (!this.bodies.has(d)) this.states.delete(d);
    this.wanted.delete(r.digestHex);
    this.lastProgressAt = now;
    this.vcAttempts = 0;
    out.push({ kind: 'metric', name: 'height', value: seq }, { kind: 'metric', name: 'mempool', value: this.mempool.size });
    if (this.checkpoints.isCheckpointSeq(seq)) {
      const digest = fromHex(r.digestHex);
      const signature = signVote(this.keyPair, 'checkpoint', this.ctx.chainId, 0, seq, digest);
      out.push({ kind: 'cost', op: 'sig-sign', count: 1 }, { kind: 'broadcast', message: { t: 'checkpoint', seq, digest, signature } });
      this.checkpoints.recordOwn(seq, block.header);
      this.checkpoints.add(this.ctx.self, seq, r.digestHex, signature);
      this.maybeStabilize(seq, out);
    }
  }

  private forget(id: string, out: Out[]): void {
    if (!this.local.delete(id)) return;
    out.push({ kind: 'persist', key: `${TX_PREFIX}${id}`, value: null, sync: false });
  }

  private keepExecuted(seq: number, bytes: Uint8Array, digestHex: string, view: number, commits: readonly CertVote[]): void {
    this.archive.set(seq, { bytes, digestHex, view, commits });
    this.archiveIndex.set(digestHex, seq);
    const old = this.archive.get(seq - KEEP_EXECUTED);
    if (old !== undefined) {
      this.archive.delete(seq - KEEP_EXECUTED);
      this.archiveIndex.delete(old.digestHex);
    }
  }

  // ---- checkpoints -----------------------------------------------------------------------------

  private onCheckpoint(from: NodeIndex, seq: number, digest: Uint8Array, signature: Uint8Array, now: number, out: Out[]): void {
    if (!this.checkpoints.isCheckpointSeq(seq)) throw new PbftError({ code: 'PBFT_BAD_CHECKPOINT', reason: `${seq} is not a checkpoint sequence number` });
    if (seq > this.checkpoints.high) this.sawAhead(from, seq);
    if (!this.checkWindow(seq)) return;
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!verifyVote(this.ctx.validators[from]!, 'checkpoint', this.ctx.chainId, 0, seq, digest, signature)) {
      throw new PbftError({ code: 'PBFT_BAD_SIGNATURE', what: 'checkpoint', from });
    }
    const r = this.checkpoints.add(from, seq, toHex(digest), signature);
    if (r.kind === 'equivocation') throw new PbftError({ code: 'PBFT_EQUIVOCATION', what: 'checkpoint', view: 0, seq, from });
    if (seq > this.exec.seq) {
      this.sawAhead(from, seq);
      // A quorum vouches for a state we have not reached: fetch the committed blocks.
      if (this.checkpoints.quorumDigest(seq) !== undefined) this.requestSync(now, out, false);
      return;
    }
    this.maybeStabilize(seq, out);
  }

  private maybeStabilize(seq: number, out: Out[]): void {
    const cert = this.checkpoints.tryStabilize(seq);
    if (cert === null) return;
    out.push({ kind: 'persist', key: CHECKPOINT_KEY, value: encodeCheckpoint(cert), sync: true });
    this.collectGarbage(cert.seq, out);
  }

  /** Discards the log at or below the new low watermark `low` (Section 4.3). */
  private collectGarbage(low: number, out: Out[]): void {
    for (const [key, inst] of [...this.instances]) if (inst.seq <= low) this.instances.delete(key);
    for (const s of [...this.pset.keys()]) {
      if (s > low) continue;
      this.pset.delete(s);
      out.push({ kind: 'persist', key: `${PREPARED_PREFIX}${s}`, value: null, sync: false });
    }
    for (const s of [...this.accepted.keys()]) {
      if (s > low) continue;
      this.accepted.delete(s);
      out.push({ kind: 'persist', key: `${ACCEPTED_PREFIX}${s}`, value: null, sync: false });
    }
    for (const [key, p] of [...this.pendingPP]) if (p.message.seq <= low) this.pendingPP.delete(key);
    for (const s of [...this.ready.keys()]) if (s <= low && s <= this.exec.seq) this.ready.delete(s);
    out.push({ kind: 'metric', name: 'low-watermark', value: low });
  }

  // ---- the primary ---------------------------------------------------------------------------

  private maybePropose(now: number, out: Out[]): void {
    const p = this.ctx.params;
    for (;;) {
      if (this.mode !== 'normal' || this.primary(this.view) !== this.ctx.self) return;
      if (this.nextSeq <= this.exec.seq) this.nextSeq = this.exec.seq + 1;
      const seq = this.nextSeq;
      if (seq > this.checkpoints.high || seq - 1 - this.exec.seq >= p.maxInFlight || this.mempool.size === 0) return;
      // TIMER_SLACK_MS: a timer set for local time T may fire at T - epsilon once the runtime
      // converts through a clock skew; without slack it would re-arm at the same instant forever.
      if (now + TIMER_SLACK_MS < this.lastProposeAt + p.batchIntervalMs) {
        if (!this.batchArmed) {
          this.batchArmed = true;
          out.push({ kind: 'set-timer', timer: BATCH_TIMER, at: this.lastProposeAt + p.batchIntervalMs });
        }
        return;
      }
      const tipHex = seq - 1 === this.exec.seq ? this.exec.digestHex : this.instances.get(instanceKey(this.view, seq - 1))?.pp?.digestHex;
      if (tipHex === undefined) return;
      const tipState = this.computeState(tipHex, out, 0);
      const tipBody = tipHex === this.exec.digestHex ? null : this.bodies.get(tipHex);
      if (tipState === undefined || tipBody === undefined) return; // an O-set body still missing
      const exclude = new Set<string>();
      for (let s = this.exec.seq + 1; s < seq; s++) {
        const d = this.instances.get(instanceKey(this.view, s))?.pp?.digestHex;
        const b = d === undefined ? undefined : this.bodies.get(d);
        if (b !== undefined) for (const tx of b.txs) exclude.add(transferIdHex(tx));
      }
      const tipTimestamp = tipBody === null ? this.exec.header.timestamp : tipBody.header.timestamp;
      const batch = buildBatch(
        tipState,
        this.mempool,
        { height: seq, parent: fromHex(tipHex), timestamp: Math.max(0, Math.floor(now), tipTimestamp), proposer: this.keyPair.publicKey, consensus: {} },
        this.limits,
        this.ctx.chainId,
        exclude,
      );
      out.push({ kind: 'cost', op: 'tx-apply', count: batch.block.txs.length }, { kind: 'cost', op: 'hash', count: 1 });
      if (tipHex === this.exec.digestHex) {
        for (const id of batch.rejectedIds) {
          this.mempool.remove(id);
          this.forget(id, out);
        }
      }
      if (batch.block.txs.length === 0) return; // nothing to order (the rest is in flight)
      const digest = blockHash(batch.block);
      const signature = signVote(this.keyPair, 'pre-prepare', this.ctx.chainId, this.view, seq, digest);
      out.push({ kind: 'cost', op: 'sig-sign', count: 1 });
      this.nextSeq = seq + 1;
      this.lastProposeAt = now;
      // acceptPrePrepare persists before the broadcast below leaves (effects run in order).
      const view = this.view;
      const mark = out.length;
      this.acceptPrePrepare(view, seq, batch.block, digest, signature, batch.state, now, out);
      out.splice(mark + 1, 0, { kind: 'broadcast', message: { t: 'pre-prepare', view, seq, block: batch.block, signature } });
    }
  }

  // ---- view changes --------------------------------------------------------------------------

  private refreshRequestTimer(now: number, out: Out[], restart: boolean): void {
    if (this.mode !== 'normal') return;
    if (this.mempool.size > 0) {
      if (!this.requestArmed || restart) {
        this.requestArmed = true;
        out.push({ kind: 'set-timer', timer: REQUEST_TIMER, at: now + this.timeoutMs() });
      }
    } else if (this.requestArmed) {
      this.requestArmed = false;
      out.push({ kind: 'cancel-timer', timer: REQUEST_TIMER });
    }
  }

  private startViewChange(target: number, now: number, out: Out[]): void {
    if (target <= this.view) return;
    this.view = target;
    this.mode = 'view-change';
    this.viewChanges++;
    this.instances.clear();
    this.pendingPP.clear();
    if (this.requestArmed) {
      this.requestArmed = false;
      out.push({ kind: 'cancel-timer', timer: REQUEST_TIMER });
    }
    // Durable before the VIEW-CHANGE leaves: a restarted replica never returns to view v.
    out.push({ kind: 'persist', key: VIEW_KEY, value: encodeViewRecord(target, true), sync: true });
    // The timer of the previous view (if armed) must not move us on from this one.
    this.vcTimerView = -1;
    out.push({ kind: 'cancel-timer', timer: VIEW_CHANGE_TIMER });
    this.sendViewChange(now, out);
    this.vcAttempts++;
    out.push({ kind: 'metric', name: 'view', value: target });
    for (const v of [...this.vcs.keys()]) if (v < target) this.vcs.delete(v);
    this.future.splice(0, this.future.length, ...this.future.filter((x) => x.view >= target));
    this.maybeArmViewChangeTimer(now, out);
    if (this.primary(target) === this.ctx.self) this.tryNewView(now, out);
  }

  /**
   * TOCS 2002, section 4.5.2, liveness rule 2: a replica that multicast VIEW-CHANGE for v starts
   * its view-change timer only once it holds VIEW-CHANGEs for v from a quorum (its own
   * included). Without a quorum no NEW-VIEW can be formed anyway, so moving on to v + 1 would
   * only double the timeout and let the replicas that started earlier run a view ahead of the
   * others (each group then times out in a view the other has left: issue 8). Until then the
   * replica re-sends its VIEW-CHANGE every retransmission period.
   */
  private maybeArmViewChangeTimer(now: number, out: Out[]): void {
    if (this.mode !== 'view-change' || this.vcTimerView === this.view) return;
    const m = this.vcs.get(this.view);
    if (m === undefined || m.size < this.quorum || !m.has(this.ctx.self)) return;
    this.vcTimerView = this.view;
    // The k-th view change since the last execution waits base * 2^(k - 1) (section 4.5.2).
    out.push({ kind: 'set-timer', timer: VIEW_CHANGE_TIMER, at: now + this.timeoutMs(this.vcAttempts - 1) });
  }

  private sendViewChange(now: number, out: Out[]): void {
    const low = this.checkpoints.low;
    const prepared = [...this.pset.values()].filter((p) => p.seq > low).sort((a, b) => a.seq - b.seq);
    const vc = signViewChange(this.keyPair, this.ctx.chainId, {
      newView: this.view,
      replica: this.ctx.self,
      checkpoint: this.checkpoints.stable,
      prepared,
    });
    out.push({ kind: 'cost', op: 'sig-sign', count: 1 });
    this.storeViewChange(vc);
    this.verifiedVcs.add(viewChangeKey(vc));
    this.ownVcs.set(vc.newView, vc);
    for (const v of [...this.ownVcs.keys()]) if (v <= vc.newView - OWN_VCS_KEPT) this.ownVcs.delete(v);
    this.lastVcSentAt = now;
    out.push({ kind: 'broadcast', message: { t: 'view-change', vc } });
  }

  private storeViewChange(vc: ViewChange): void {
    let m = this.vcs.get(vc.newView);
    if (m === undefined) {
      m = new Map();
      this.vcs.set(vc.newView, m);
    }
    m.set(vc.replica, vc);
  }

  private checkViewChange(vc: ViewChange, out: Out[]): void {
    const key = viewChangeKey(vc);
    if (this.verifiedVcs.has(key)) return;
    let count = 0;
    try {
      count = verifyViewChange(vc, this.vcCtx);
    } finally {
      out.push({ kind: 'cost', op: 'sig-verify', count: Math.max(1, count) });
    }
    if (this.verifiedVcs.size >= 4 * this.n * (MAX_VIEW_AHEAD + 1)) this.verifiedVcs.clear();
    this.verifiedVcs.add(key);
  }

  private onViewChange(from: NodeIndex, vc: ViewChange, now: number, out: Out[]): void {
    if (vc.replica !== from) throw new PbftError({ code: 'PBFT_BAD_VIEW_CHANGE', reason: 'sent by another replica' });
    if (vc.newView < this.view || (vc.newView === this.view && this.mode === 'normal')) {
      // The sender is behind: our NEW-VIEW brings it here.
      if (this.storedNV !== null && this.storedNV.view >= vc.newView) this.sendNewView(from, now, out);
      else this.resendOwnViewChange(from, vc.newView, now, out);
      return;
    }
    const limit = this.view + MAX_VIEW_AHEAD;
    if (vc.newView > limit) throw new PbftError({ code: 'PBFT_VIEW_TOO_FAR', view: vc.newView, limit });
    const known = this.vcs.get(vc.newView)?.get(from);
    if (known !== undefined) return;
    this.checkViewChange(vc, out);
    this.storeViewChange(vc);
    // Liveness rule (Section 4.5.2): f + 1 replicas want a higher view: join the smallest view
    // that at least f + 1 of them have reached.
    const highest = new Map<NodeIndex, number>();
    for (const [v, m] of this.vcs) {
      if (v <= this.view) continue;
      for (const r of m.keys()) if (r !== this.ctx.self) highest.set(r, Math.max(highest.get(r) ?? 0, v));
    }
    if (highest.size >= this.f + 1) {
      const sorted = [...highest.values()].sort((a, b) => b - a);
      this.startViewChange(sorted[this.f]!, now, out);
    }
    if (this.mode === 'view-change' && vc.newView === this.view) {
      this.maybeArmViewChangeTimer(now, out);
      if (this.primary(this.view) === this.ctx.self) this.tryNewView(now, out);
    }
  }

  /** As the new primary: with a quorum of VIEW-CHANGE messages, multicast NEW-VIEW. */
  private tryNewView(now: number, out: Out[]): void {
    const m = this.vcs.get(this.view);
    if (m === undefined || m.size < this.quorum || this.mode !== 'view-change') return;
    const own = m.get(this.ctx.self);
    if (own === undefined) return;
    const others = [...m.values()].filter((vc) => vc.replica !== this.ctx.self).sort((a, b) => a.replica - b.replica);
    const chosen = [own, ...others.slice(0, this.quorum - 1)].sort((a, b) => a.replica - b.replica);
    const o = computeO(chosen, this.view, this.keyPair.publicKey);
    const preprepares = o.entries.map((e) =>
      Object.freeze({ seq: e.seq, digest: e.digest, signature: signVote(this.keyPair, 'pre-prepare', this.ctx.chainId, this.view, e.seq, e.digest) }),
    );
    out.push({ kind: 'cost', op: 'sig-sign', count: preprepares.length });
    const nv: NewView = Object.freeze({ view: this.view, viewChanges: Object.freeze(chosen), preprepares: Object.freeze(preprepares) });
    out.push({ kind: 'broadcast', message: { t: 'new-view', nv } });
    this.installNewView(nv, o, now, out);
  }

  private onNewView(nv: NewView, now: number, out: Out[]): void {
    if (nv.view < this.view || (nv.view === this.view && this.mode === 'normal')) return;
    const limit = this.view + MAX_VIEW_AHEAD;
    if (nv.view > limit) throw new PbftError({ code: 'PBFT_VIEW_TOO_FAR', view: nv.view, limit });
    const bad = (reason: string): PbftError => new PbftError({ code: 'PBFT_BAD_NEW_VIEW', reason });
    const seen = new Set<number>();
    for (const vc of nv.viewChanges) {
      if (vc.newView !== nv.view) throw bad(`view-change for view ${vc.newView}`);
      if (seen.has(vc.replica)) throw bad(`two view-changes of replica ${vc.replica}`);
      seen.add(vc.replica);
    }
    if (seen.size < this.quorum) throw bad(`${seen.size} view-changes, quorum is ${this.quorum}`);
    for (const vc of nv.viewChanges) {
      try {
        this.checkViewChange(vc, out);
      } catch (err) {
        if (err instanceof PbftError) throw bad(`view-change of ${vc.replica}: ${err.message}`);
        throw err;
      }
    }
    const primary = this.primary(nv.view);
    const o = computeO(nv.viewChanges, nv.view, this.ctx.validators[primary]!);
    if (o.entries.length !== nv.preprepares.length) throw bad('O set differs from the one V determines');
    out.push({ kind: 'cost', op: 'sig-verify', count: o.entries.length });
    o.entries.forEach((e, i) => {
      const pp = nv.preprepares[i]!;
      if (pp.seq !== e.seq || toHex(pp.digest) !== e.digestHex) throw bad(`O set entry ${e.seq} differs`);
      if (!verifyVote(this.ctx.validators[primary]!, 'pre-prepare', this.ctx.chainId, nv.view, pp.seq, pp.digest, pp.signature)) {
        throw bad(`bad pre-prepare signature at ${pp.seq}`);
      }
    });
    this.installNewView(nv, o, now, out);
  }

  private installNewView(nv: NewView, o: OSet, now: number, out: Out[]): void {
    const view = nv.view;
    this.view = view;
    this.mode = 'normal';
    this.storedNV = nv;
    this.instances.clear();
    this.pendingPP.clear();
    this.vcTimerView = -1;
    out.push({ kind: 'persist', key: VIEW_KEY, value: encodeViewRecord(view, false), sync: true }, { kind: 'cancel-timer', timer: VIEW_CHANGE_TIMER });
    out.push({ kind: 'metric', name: 'view', value: view });
    if (o.checkpoint.seq > this.checkpoints.low) {
      // A quorum proved a later stable checkpoint: adopt it (catch up to it if we are behind).
      this.checkpoints.adopt(o.checkpoint);
      out.push({ kind: 'persist', key: CHECKPOINT_KEY, value: encodeCheckpoint(o.checkpoint), sync: true });
      this.collectGarbage(o.checkpoint.seq, out);
      if (o.checkpoint.seq > this.exec.seq) {
        this.sawAhead(this.primary(view), o.checkpoint.seq);
        this.requestSync(now, out, true);
      }
    }
    const isPrimary = this.primary(view) === this.ctx.self;
    for (const e of o.entries) {
      if (e.seq <= this.checkpoints.low) continue;
      const pp = nv.preprepares.find((p) => p.seq === e.seq)!;
      const inst = this.instance(view, e.seq);
      inst.pp = { digest: e.digest, digestHex: e.digestHex, signature: pp.signature, header: e.header };
      this.accepted.set(e.seq, { view, digestHex: e.digestHex });
      if (e.nullBody !== null) this.bodies.set(e.digestHex, e.nullBody);
      const body = this.bodies.get(e.digestHex) ?? null;
      out.push({ kind: 'persist', key: `${ACCEPTED_PREFIX}${e.seq}`, value: encodeAccepted({ view, digest: e.digest, signature: pp.signature, block: body }), sync: true });
      if (body === null && e.seq > this.exec.seq) this.want(e.digestHex, now, out);
      if (!isPrimary) this.sendPrepare(inst, out);
    }
    if (isPrimary) this.nextSeq = Math.max(o.maxS, this.exec.seq) + 1;
    for (const e of o.entries) this.checkPrepared(view, e.seq, now, out);
    // Messages of this view that arrived before the NEW-VIEW.
    const replay = this.future.filter((x) => x.view === view);
    this.future.splice(0, this.future.length, ...this.future.filter((x) => x.view > view));
    for (const x of replay) this.guarded(x.from, out, () => this.onMessage(x.from, x.message, now, out));
    this.refreshRequestTimer(now, out, true);
    this.tryExecute(now, out);
    this.maybePropose(now, out);
  }

  /**
   * A replica still gathering VIEW-CHANGEs for v, which this replica left for a higher view
   * before any NEW-VIEW of v formed: re-send it our own VIEW-CHANGE for v (signed then, valid
   * still), as the BFT library's status messages make peers retransmit what a replica misses
   * (Castro and Liskov, TOCS 2002, section 5.2). Without it the replicas left behind wait
   * forever: their view-change timer starts only at a quorum of VIEW-CHANGEs (rule 2), and too
   * few replicas announce the higher view for the f + 1 rule (swarm seed 44: n = 10, five
   * correct replicas held six VIEW-CHANGEs for view 1, the two others had lost theirs to a
   * partition and moved to view 2, the three Byzantine ones spoke only to two replicas).
   */
  private resendOwnViewChange(to: NodeIndex, view: number, now: number, out: Out[]): void {
    const own = this.ownVcs.get(view);
    if (own === undefined) return;
    const last = this.vcResentAt.get(to) ?? Number.NEGATIVE_INFINITY;
    if (now - last < this.ctx.params.retransmitMs) return;
    this.vcResentAt.set(to, now);
    out.push({ kind: 'send', to, message: { t: 'view-change', vc: own } });
  }

  private sendNewView(to: NodeIndex, now: number, out: Out[]): void {
    if (this.storedNV === null) return;
    const last = this.nvSentAt.get(to) ?? Number.NEGATIVE_INFINITY;
    if (now - last < this.ctx.params.retransmitMs) return;
    this.nvSentAt.set(to, now);
    out.push({ kind: 'send', to, message: { t: 'new-view', nv: this.storedNV } });
  }

  private requestNewView(from: NodeIndex, view: number, now: number, out: Out[]): void {
    if (now - this.lastNvRequestAt < this.ctx.params.retransmitMs) return;
    this.lastNvRequestAt = now;
    out.push({ kind: 'send', to: from, message: { t: 'new-view-request', view } });
  }

  // ---- catch-up ------------------------------------------------------------------------------

  private sawAhead(peer: NodeIndex, seq: number): void {
    if (seq > this.aheadSeq) {
      this.aheadSeq = seq;
      this.aheadPeer = peer;
    }
  }

  private want(digestHex: string, now: number, out: Out[]): void {
    const last = this.wanted.get(digestHex);
    if (last !== undefined && now - last < this.ctx.params.retransmitMs) return;
    if (last === undefined && this.wanted.size >= MAX_WANTED) return;
    this.wanted.set(digestHex, now);
    out.push({ kind: 'broadcast', message: { t: 'fetch-block', digest: fromHex(digestHex) } });
  }

  private onFetchBlock(from: NodeIndex, digestHex: string, out: Out[]): void {
    const body = this.bodies.get(digestHex);
    const seq = this.archiveIndex.get(digestHex);
    const archived = seq === undefined ? undefined : this.archive.get(seq);
    const block = body ?? (archived === undefined ? undefined : decodeBlock(archived.bytes));
    if (block !== undefined) out.push({ kind: 'send', to: from, message: { t: 'block', block } });
  }

  /**
   * A block's digest is its header hash: a body fetched by digest (fetch-block, sync-block) is
   * only the block named by the digest if its transactions hash to the header's txRoot. Without
   * this check a Byzantine peer could answer with the right header and other transactions, and
   * the replica would finalize the committed digest with the wrong transaction ids (its cached
   * post-state, computed from the real body, hid the substitution; swarm seed 67, issue 8).
   */
  private checkBody(block: Block, out: Out[]): void {
    out.push({ kind: 'cost', op: 'hash', count: Math.max(1, block.txs.length) });
    if (toHex(txRoot(block.txs)) !== toHex(block.header.txRoot)) throw new PbftError({ code: 'PBFT_BAD_BLOCK', reason: 'transactions do not match the header txRoot' });
  }

  private onBlock(block: Block, now: number, out: Out[]): void {
    const digestHex = toHex(blockHash(block));
    if (!this.wanted.has(digestHex)) return; // unsolicited: ignore
    if (block.header.height <= this.exec.seq) {
      this.wanted.delete(digestHex);
      return;
    }
    const violation = batchViolation(block, this.limits);
    if (violation !== null) return;
    this.checkBody(block, out);
    this.wanted.delete(digestHex);
    this.bodies.set(digestHex, block);
    for (const inst of this.instances.values()) {
      if (inst.pp !== null && inst.pp.digestHex === digestHex) {
        out.push({ kind: 'persist', key: `${ACCEPTED_PREFIX}${inst.seq}`, value: encodeAccepted({ view: inst.view, digest: inst.pp.digest, signature: inst.pp.signature, block }), sync: false });
      }
    }
    this.tryExecute(now, out);
    this.maybePropose(now, out);
  }

  /**
   * Asks a peer for committed blocks. The peer that showed us the highest sequence number is
   * asked first; while repeated requests bring nothing, the next replicas in turn are asked,
   * so a Byzantine peer that advertises progress and never answers cannot stall us.
   */
  private requestSync(now: number, out: Out[], force: boolean): void {
    if (this.aheadPeer < 0) return;
    if (!force && now - this.lastSyncAt < this.ctx.params.retransmitMs) return;
    if (this.exec.seq !== this.syncFrom) {
      this.syncFrom = this.exec.seq;
      this.syncTries = 0;
    }
    let peer = (this.aheadPeer + this.syncTries) % this.n;
    if (peer === this.ctx.self) peer = (peer + 1) % this.n;
    this.syncTries++;
    this.lastSyncAt = now;
    out.push({ kind: 'send', to: peer, message: { t: 'sync-request', fromSeq: this.exec.seq + 1 } });
  }

  private onSyncRequest(from: NodeIndex, fromSeq: number, out: Out[]): void {
    const start = Math.max(1, fromSeq, this.exec.seq - KEEP_EXECUTED + 1);
    for (let s = start; s <= this.exec.seq && s < start + MAX_SYNC_BLOCKS; s++) {
      const a = this.archive.get(s);
      if (a !== undefined) out.push({ kind: 'send', to: from, message: { t: 'sync-block', block: decodeBlock(a.bytes), view: a.view, commits: a.commits } });
    }
  }

  private onSyncBlock(from: NodeIndex, block: Block, view: number, commits: readonly CertVote[], now: number, out: Out[]): void {
    const seq = block.header.height;
    if (seq <= this.exec.seq || this.ready.has(seq)) return;
    if (seq > this.exec.seq + this.ctx.params.watermarkWindow) return; // ask again later
    const violation = batchViolation(block, this.limits);
    if (violation !== null) throw new PbftError({ code: 'PBFT_BAD_CERTIFICATE', reason: 'block exceeds the batch limits' });
    this.checkBody(block, out);
    const digest = blockHash(block);
    const digestHex = toHex(digest);
    let last = -1;
    for (const v of commits) {
      if (v.voter <= last || v.voter >= this.n) throw new PbftError({ code: 'PBFT_BAD_CERTIFICATE', reason: 'voters out of order' });
      last = v.voter;
    }
    if (commits.length < this.quorum) throw new PbftError({ code: 'PBFT_BAD_CERTIFICATE', reason: `${commits.length} commits, quorum is ${this.quorum}` });
    out.push({ kind: 'cost', op: 'sig-verify', count: commits.length });
    for (const v of commits) {
      if (!verifyVote(this.ctx.validators[v.voter]!, 'commit', this.ctx.chainId, view, seq, digest, v.signature)) {
        throw new PbftError({ code: 'PBFT_BAD_CERTIFICATE', reason: `bad commit signature of ${v.voter}` });
      }
    }
    this.bodies.set(digestHex, block);
    this.ready.set(seq, { digestHex, view, commits });
    const before = this.exec.seq;
    this.tryExecute(now, out);
    this.sawAhead(from, seq);
    // A full batch moved us forward and the peer is further ahead (or sent a whole answer, so it
    // may have more): ask for the next one.
    if (this.exec.seq > before && this.exec.seq === seq && (this.aheadSeq > this.exec.seq || seq >= this.syncFrom + MAX_SYNC_BLOCKS)) this.requestSync(now, out, true);
  }

  // ---- retransmission ------------------------------------------------------------------------

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
    // Stalled while peers are ahead (commits, checkpoints, out-of-window messages): catch up
    // from a peer, whatever our view status.
    if (this.aheadSeq > this.exec.seq && now - this.lastProgressAt >= period) this.requestSync(now, out, false);
    const idle = IDLE_PROBE_PERIODS * period;
    if (this.aheadSeq <= this.exec.seq && now - this.lastProgressAt >= idle && now - this.lastProbeAt >= idle && this.n > 1) {
      this.lastProbeAt = now;
      this.syncFrom = this.exec.seq;
      const peer = (this.ctx.self + 1 + (this.probes++ % (this.n - 1))) % this.n;
      out.push({ kind: 'send', to: peer, message: { t: 'sync-request', fromSeq: this.exec.seq + 1 } });
    }
    if (this.mode === 'view-change') {
      if (now - this.lastVcSentAt >= period) {
        const own = this.vcs.get(this.view)?.get(this.ctx.self);
        if (own !== undefined) {
          this.lastVcSentAt = now;
          out.push({ kind: 'broadcast', message: { t: 'view-change', vc: own } });
        }
      }
      return;
    }
    if (now - this.lastProgressAt < period) return;
    // No execution for a period: the messages of in-flight instances may have been lost.
    const isPrimary = this.primary(this.view) === this.ctx.self;
    for (const inst of this.instances.values()) {
      if (inst.view !== this.view || inst.seq <= this.exec.seq || inst.pp === null) continue;
      if (isPrimary) {
        const block = this.bodies.get(inst.pp.digestHex);
        if (block !== undefined) out.push({ kind: 'broadcast', message: { t: 'pre-prepare', view: inst.view, seq: inst.seq, block, signature: inst.pp.signature } });
      } else {
        this.sendPrepare(inst, out);
      }
      if (inst.myCommit !== null) out.push({ kind: 'broadcast', message: { t: 'commit', view: inst.view, seq: inst.seq, digest: inst.pp.digest, signature: inst.myCommit } });
    }
    for (const [d, at] of this.wanted) {
      if (now - at >= period) {
        this.wanted.set(d, now);
        out.push({ kind: 'broadcast', message: { t: 'fetch-block', digest: fromHex(d) } });
      }
    }
  }

  /** For adversaries and tests: the block this replica accepted at (view, seq), if any. */
  acceptedBlock(view: number, seq: number): Block | undefined {
    const d = this.instances.get(instanceKey(view, seq))?.pp?.digestHex;
    return d === undefined ? undefined : this.bodies.get(d);
  }

  /** For tests: the current view and status. */
  viewState(): { readonly view: number; readonly status: Status; readonly low: number; readonly executed: number } {
    return { view: this.view, status: this.mode, low: this.checkpoints.low, executed: this.exec.seq };
  }

  /** For tests: the stable checkpoint certificate. */
  stableCheckpoint(): CheckpointCert {
    return this.checkpoints.stable;
  }
}
