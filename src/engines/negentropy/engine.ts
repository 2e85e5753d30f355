/**
 * The Proof-of-Negentropy engine (DESIGN.md section 3; docs/protocols/negentropy.md).
 *
 * Data: a DAG of signed vertices carrying client transfers (dag.ts). Transfers of one sender
 * with one nonce form a conflict set; each conflict set is decided by a Snowball loop whose
 * node preference follows the design's Gibbs/annealing rule (conflict-set.ts). Decided
 * transfers are executed in super-blocks, which are themselves Snowball slots, so that every
 * honest node runs the same state sequence (superblock.ts explains why).
 *
 * One tick timer (pollIntervalMs) drives everything time-based:
 *   - complete timed-out polls and apply completed ones in start order (polls.ts);
 *   - start one poll if fewer than maxOutstandingPolls are in flight: k peers drawn by
 *     reliability weight (weights.ts), one query per peer naming every open slot;
 *   - propose a vertex with the client transfers received since the last one (batching);
 *   - propose a super-block when this node is the designated proposer and enough decided
 *     transfers wait (every superBlockTxs, or superBlockMaxDelayMs after the oldest);
 *   - ask a peer that is ahead for its header chain and snapshot (sync).
 *
 * Decisions become `finalize` effects: `cs:<sender>:<nonce>` = transfer id (the client's
 * transfer is final), `sb:<i>` = super-block header hash with height i, state root and supply
 * (the simulator compares roots at equal heights). Every decision is persisted (sync) before
 * its finalize effect; a restarted engine resumes from its newest super-block (records.ts).
 */
import { LedgerError, checkTransferStateless, encodeHeader, encodeTransfer, headerHash, transferIdHex, verifyTransferSignature } from '../../ledger/index.js';
import type { Block, BlockHeader, ChainRules, LedgerState, Transfer } from '../../ledger/index.js';
import { FinalizedLog } from '../../protocol/index.js';
import type { Effect, Engine, EngineContext, EngineInput, EngineStatus, NodeIndex } from '../../protocol/index.js';
import { fromHex, toHex } from '../../core/index.js';
import type { Prng } from '../../core/index.js';
import { PeerBudget } from './budget.js';
import { ConflictBook } from './conflict-book.js';
import { ConflictSet } from './conflict-set.js';
import type { CheckedVertex, VertexEnv } from './dag-check.js';
import { checkVertex } from './dag-check.js';
import { Dag, VertexStatus } from './dag.js';
import { NegentropyError } from './errors.js';
import { KEY_BYTES, MAX_SYNC_HEADERS, SLOT_DIGEST_BYTES, bitmap, setBit } from './messages.js';
import type { NegMessage, OtherAnswer, WantKind } from './messages.js';
import { OrphanPool } from './orphans.js';
import type { NegentropyParams } from './params.js';
import { PollBook } from './polls.js';
import type { CompletedPoll, PollSlotRef } from './polls.js';
import {
  decodeDecisionRecord,
  decodeHeaderRecord,
  decodeSbRecord,
  decodeTxRecord,
  encodeDecisionRecord,
  encodeHeaderRecord,
  encodeSbRecord,
} from './records.js';
import { digestIs, prefixHex, prefixIs, sbSlot, slotDigest, txSlot } from './slots.js';
import {
  buildSuperBlock,
  checkHeaderChain,
  checkSuperBlockHeader,
  KEEP_CUTS,
  encodeSnapshot,
  executeSuperBlock,
  stateFromSnapshot,
  superBlockOf,
} from './superblock.js';
import type { SuperBlock } from './superblock.js';
import { buildVertex, genesisSuperBlock, genesisVertex, idHex } from './vertex.js';
import { anneal } from './thermo.js';
import { PeerWeights } from './weights.js';
import { BenchList } from './bench-list.js';
import { SAFE_BYZANTINE_FRACTION } from './safety.js';

type Out = Effect<NegMessage>;
type Input = EngineInput<NegMessage>;

export const TICK = 'tick';
/** Super-block candidates waiting for conflict-set decisions, at most. */
export const MAX_PENDING_CANDIDATES = 8;
/** Wants sent back for unknown slots of one query, at most. */
export const MAX_WANTS_PER_QUERY = 64;
/** Items answered per want / want-ids message, at most. */
export const MAX_WANT_ANSWERS = 256;
/** Requests for an orphan's missing parents (the first to its sender, then the next validators), at most. */
export const ORPHAN_MAX_ASKS = 8;
/** Gauges are emitted once per this period. */
export const METRIC_PERIOD_MS = 1000;

/** A super-block candidate this node has verified (or a sync target). */
export interface SbCandidate {
  readonly sb: SuperBlock;
  readonly state: LedgerState;
  /** The cut's transfers, executed on the previous state (empty for a sync jump). */
  readonly txs: readonly Transfer[];
  /** For a sync jump: every super-block from tip + 1 through `sb`; null for a normal candidate. */
  readonly jump: readonly SuperBlock[] | null;
}

interface PendingCandidate {
  readonly sb: SuperBlock;
  readonly from: NodeIndex;
  missing: number;
}

/** Read-only views for the Byzantine behaviours (adversary.ts) and tests. */
export interface SlotView {
  readonly slot: string;
  readonly prefixes: readonly string[];
  readonly estimate: readonly number[];
  readonly preference: string | null;
  readonly decided: string | null;
}

/** One vertex as a display shows it (vertexViews). */
export interface VertexView {
  readonly id: string;
  readonly block: Block;
  readonly height: number;
  readonly parents: readonly string[];
  /** Validator index of the proposer. */
  readonly proposer: number;
  readonly status: 'pending' | 'accepted' | 'rejected';
  readonly preferred: boolean;
  readonly final: boolean;
}

export class NegentropyEngine implements Engine<NegMessage> {
  private readonly p: NegentropyParams;
  private readonly n: number;
  private readonly self: NodeIndex;
  private readonly rules: ChainRules;
  private readonly proposers = new Map<string, number>();
  private readonly gibbsRng: Prng;
  private readonly sampleRng: Prng;
  private readonly weights: PeerWeights;
  private readonly bench: BenchList;
  private readonly budget: PeerBudget;
  private readonly polls: PollBook;
  private readonly log: FinalizedLog;
  private readonly dag: Dag;
  private readonly orphans: OrphanPool;
  private readonly book: ConflictBook;
  private readonly env: VertexEnv;

  // super-blocks
  private tip: SuperBlock;
  private tipState: LedgerState;
  private tipAt = 0;
  private readonly headers = new Map<number, SuperBlock>();
  private headerBytes = 0;
  private snapshotBytes = 0;
  private sbSet: ConflictSet<SbCandidate> | null = null;
  private sbSetIndex = -1;
  private readonly sbProposals = new Map<string, string>();
  private readonly pending: PendingCandidate[] = [];
  private readonly pendingByTx = new Map<string, PendingCandidate[]>();
  private proposedFor = 0;

  // own transfers
  private readonly mine = new Map<string, Transfer>();
  private readonly toPropose = new Map<string, Transfer>();
  private lastVertexAt = Number.NEGATIVE_INFINITY;

  // sync
  private aheadIndex = 0;
  private aheadPeer = -1;
  private aheadSince = -1;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  private syncChain: SuperBlock[] = [];

  // telemetry
  private pollCursor = 0;
  private pollsDone = 0;
  private pollsFailed = 0;
  private pollsTimedOut = 0;
  /** Conflict sets decided after two values were seen for them (real double spends). */
  private contestedDecided = 0;
  private lastMetricsAt = Number.NEGATIVE_INFINITY;
  /**
   * The node's temperature (the design's T): annealed by every poll's mean answer entropy; new
   * slots start at it, and the literal rule compares it with T_c.
   */
  private temperature: number;
  private started = false;

  constructor(private readonly ctx: EngineContext<NegentropyParams>) {
    this.p = ctx.params;
    this.n = ctx.validators.length;
    this.self = ctx.self;
    this.rules = Object.freeze({ chainId: ctx.chainId, blockReward: 0n });
    ctx.validators.forEach((v, i) => this.proposers.set(toHex(v), i));
    this.gibbsRng = ctx.rng.derive('negentropy/gibbs');
    this.sampleRng = ctx.rng.derive('negentropy/sample');
    this.weights = new PeerWeights(this.n, this.self, this.p);
    this.bench = new BenchList(this.weights, this.n, SAFE_BYZANTINE_FRACTION);
    this.budget = new PeerBudget(this.n, this.p.peerRequestsPerSecond);
    this.polls = new PollBook(this.p.maxOutstandingPolls, this.p.pollTimeoutMs, this.p.pollResendMs);
    this.book = new ConflictBook(this.p);
    this.orphans = new OrphanPool(this.p.maxOrphans, this.p.maxOrphansPerPeer);
    this.temperature = this.p.tInit;
    this.env = {
      chainId: ctx.chainId,
      validators: ctx.validators,
      proposers: this.proposers,
      limits: this.p,
      parentHeight: (id) => this.dag.heightOf(id),
      superBlockRoot: (index) => {
        const h = this.headers.get(index);
        return h === undefined ? undefined : toHex(h.header.stateRoot);
      },
    };
    const g = genesisVertex(ctx.chainId, ctx.genesis);
    const gv: CheckedVertex = Object.freeze({
      id: idHex(g.header),
      block: g,
      height: 0,
      parents: Object.freeze([]),
      txIds: Object.freeze([]),
      slots: Object.freeze([]),
      bytes: encodeHeader(g.header).length,
      superBlock: 0,
      proposer: -1,
      missingParents: Object.freeze([]),
    });
    this.dag = new Dag(gv, this.p.maxVertices);
    this.tip = superBlockOf(genesisSuperBlock(ctx.chainId, ctx.genesis), []);
    this.tipState = ctx.genesis;
    this.keepHeader(this.tip);
    const startSeq = this.restore(ctx.restored);
    this.log = new FinalizedLog(startSeq);
  }

  // ---- the Engine contract --------------------------------------------------------------------

  handle(input: Input): readonly Out[] {
    const out: Out[] = [];
    switch (input.kind) {
      case 'start':
        this.started = true;
        this.tipAt = input.now;
        out.push({ kind: 'set-timer', timer: TICK, at: input.now + this.p.pollIntervalMs });
        break;
      case 'timer':
        if (input.timer === TICK) this.onTick(input.now, out);
        break;
      case 'transaction':
        this.onClientTx(input.tx, input.now, out);
        break;
      case 'message':
        if (input.from >= 0 && input.from < this.n) this.onMessage(input.from, input.message, input.now, out);
        break;
      case 'job-done':
        break;
    }
    return out;
  }

  status(): EngineStatus {
    return Object.freeze({
      finalized: this.log.length,
      height: this.tip.index,
      stateRoot: toHex(this.tipState.root),
      telemetry: Object.freeze({
        temperature: this.temperature,
        open: this.book.open,
        decidedUnexecuted: this.book.decidedWaiting,
        superBlock: this.tip.index,
        executed: this.tip.count,
        dagVertices: this.dag.size,
        dagHeight: this.dag.height,
        acceptedVertices: this.dag.accepted,
        rejectedVertices: this.dag.rejected,
        prunedVertices: this.dag.prunedTotal,
        orphans: this.orphans.size,
        benched: this.bench.size,
        storedBytes: this.storedBytes(),
        polls: this.pollsDone,
        pollsFailed: this.pollsFailed,
        pollsTimedOut: this.pollsTimedOut,
        pollsOutstanding: this.polls.outstanding,
        contestedDecided: this.contestedDecided,
      }),
    });
  }

  finalizedState(): LedgerState {
    return this.tipState;
  }

  // ---- read-only views (light clients, adversaries, tests) -------------------------------------

  /** The newest finalized super-block. */
  latestSuperBlock(): SuperBlock {
    return this.tip;
  }

  /** Kept super-blocks from `from` through the newest (the header chain). */
  superBlocks(from = 0): SuperBlock[] {
    const out: SuperBlock[] = [];
    for (let i = Math.max(from, 0); i <= this.tip.index; i++) {
      const sb = this.headers.get(i);
      if (sb !== undefined) out.push(sb);
    }
    return out;
  }

  /** The vertices this node holds (for measurements: what a node without super-blocks would sync). */
  vertices(): readonly Block[] {
    return this.dag.all().map((v) => v.block);
  }

  /**
   * The newest `limit` held vertices, highest first (ties by id), for displays (the node's
   * GET /dag): status from the DAG (accepted vertices are final: every transfer in them won a
   * decided conflict set); `preferred` when every transfer in it is its set's current preference
   * (what this node would vote for now). Read-only.
   */
  vertexViews(limit: number): readonly VertexView[] {
    const all = this.dag.all();
    all.sort((a, b) => b.height - a.height || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const out: VertexView[] = [];
    for (const v of all.slice(0, Math.max(0, limit))) {
      const st = this.dag.status(v.id);
      const status = st === VertexStatus.Accepted ? 'accepted' : st === VertexStatus.Rejected ? 'rejected' : 'pending';
      const preferred = v.slots.every((slot, i) => {
        const set = this.book.get(slot);
        return set === undefined ? status === 'accepted' : set.preference === v.txIds[i];
      });
      out.push(Object.freeze({ id: v.id, block: v.block, height: v.height, parents: v.parents, proposer: v.proposer, status, preferred, final: status === 'accepted' }));
    }
    return Object.freeze(out);
  }

  /** A snapshot of the newest finalized state (what a syncing node downloads). */
  snapshot(): Uint8Array {
    return encodeSnapshot(this.tipState);
  }

  /** Bytes this node stores for history: DAG vertices, super-block headers, the newest snapshot. */
  storedBytes(): number {
    return this.dag.storedBytes + this.headerBytes + this.snapshotBytes;
  }

  /** The slot with this 12-byte wire digest, as the adversaries and tests see it. */
  slotView(digest: Uint8Array, offset = 0): SlotView | undefined {
    const set = this.setAt(digest, offset);
    if (set === undefined) return undefined;
    return {
      slot: set.slot,
      prefixes: set.candidates.map((c) => c.prefix),
      estimate: set.estimate,
      preference: set.preference,
      decided: set.decided,
    };
  }

  /** Where a new vertex of this node would go: parents, height, super-block claim. */
  vertexPlace(): { readonly parents: readonly Uint8Array[]; readonly height: number; readonly superBlock: number; readonly root: Uint8Array } {
    const parents = this.dag.chooseParents(this.p.parentsPerVertex);
    let height = 0;
    for (const id of parents) height = Math.max(height, (this.dag.heightOf(id) ?? 0) + 1);
    return { parents: parents.map(fromHex), height, superBlock: this.tip.index, root: this.tipState.root };
  }

  // ---- dispatch ---------------------------------------------------------------------------------

  private onMessage(from: NodeIndex, m: NegMessage, now: number, out: Out[]): void {
    switch (m.t) {
      case 'vertex':
        this.onVertex(from, m.block, now, out);
        return;
      case 'query':
        this.onQuery(from, m.poll, m.keys, now, out);
        return;
      case 'reply':
        if (this.polls.reply(from, m, now)) {
          this.sawSuperBlock(m.sb, from, now);
          this.completePolls(now, out);
        }
        return;
      case 'want':
        this.onWant(from, m.items, now, out);
        return;
      case 'want-ids':
        this.onWantIds(from, m.kind, m.ids, now, out);
        return;
      case 'txs':
        for (const tx of m.txs) this.onPeerTx(from, tx, now, out);
        return;
      case 'sb-candidate':
        this.onSbCandidate(from, m.header, m.ids, now, out);
        return;
      case 'sync-request':
        this.onSyncRequest(from, m.from, now, out);
        return;
      case 'sync':
        this.onSync(from, m.headers, m.cuts, m.snapshot, now, out);
        return;
    }
  }

  private penalize(peer: NodeIndex, code: string, weight: number, out: Out[]): void {
    if (peer !== this.self) out.push({ kind: 'penalize', peer, code, weight });
  }

  // ---- client transfers -------------------------------------------------------------------------

  private onClientTx(tx: Transfer, now: number, out: Out[]): void {
    const id = transferIdHex(tx);
    const reject = (code: string): void => void out.push({ kind: 'tx-rejected', txId: id, code });
    try {
      checkTransferStateless(tx, this.ctx.chainId);
    } catch (err) {
      if (err instanceof LedgerError) return reject(err.code);
      throw err;
    }
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!verifyTransferSignature(tx)) return reject('LEDGER_BAD_SIGNATURE');
    const slot = txSlot(tx);
    const executedNonce = this.tipState.nonceOf(tx.from);
    if (tx.nonce < executedNonce) {
      if (this.book.executedValue(slot) === id) return; // a resubmission of an executed transfer
      return reject('LEDGER_NONCE_REPLAYED');
    }
    if (tx.amount > this.tipState.balanceOf(tx.from)) return reject('LEDGER_INSUFFICIENT_BALANCE');
    const set = this.book.get(slot);
    if (set !== undefined && set.decided !== null && set.decided !== id) return reject('NEG_CONFLICT_DECIDED');
    if (set !== undefined && set.decided === null && set.preference !== null && set.preference !== id) return reject('NEG_CONFLICT');
    const r = this.ingest(tx, id, now, out);
    if (r === 'busy') return reject('NEG_BUSY');
    if (r === 'too-far') return reject('NEG_NONCE_TOO_FAR');
    if (r === 'full' || r === 'prefix-collision') return reject('NEG_CONFLICT');
    if (r === 'stale') return reject('LEDGER_NONCE_REPLAYED');
    if (!this.mine.has(id)) {
      this.mine.set(id, tx);
      if (this.dag.verticesWith(id).length === 0) this.toPropose.set(id, tx);
    }
    out.push({ kind: 'persist', key: `tx/${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
  }

  /** A transfer from a peer (want answer): checked, then admitted to its conflict set. */
  private onPeerTx(from: NodeIndex, tx: Transfer, now: number, out: Out[]): void {
    const id = transferIdHex(tx);
    if (this.book.ofTx(id) !== undefined) return;
    try {
      checkTransferStateless(tx, this.ctx.chainId);
    } catch (err) {
      if (err instanceof LedgerError) return this.penalize(from, err.code, 1, out);
      throw err;
    }
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!verifyTransferSignature(tx)) return this.penalize(from, 'LEDGER_BAD_SIGNATURE', 2, out);
    this.ingest(tx, id, now, out);
  }

  /** Admits a checked transfer; decides at once if the counter was only waiting for it. */
  private ingest(tx: Transfer, id: string, now: number, out: Out[]): ReturnType<ConflictBook['ingest']> {
    const r = this.book.ingest(tx, id, this.tipState.nonceOf(tx.from), now, this.temperature);
    if (r === 'added') {
      const set = this.book.get(txSlot(tx))!;
      const decided = set.decideIfFinal(this.p);
      if (decided !== null) this.onCsDecided(set, now, out);
    }
    return r;
  }

  // ---- vertices ---------------------------------------------------------------------------------

  private onVertex(from: NodeIndex, block: Block, now: number, out: Out[]): void {
    const work: { block: Block; from: NodeIndex }[] = [{ block, from }];
    while (work.length > 0) {
      const item = work.pop()!;
      const id = idHex(item.block.header);
      if (this.dag.has(id) || this.orphans.has(id)) continue;
      out.push({ kind: 'cost', op: 'sig-verify', count: 1 + item.block.txs.length }, { kind: 'cost', op: 'hash', count: 2 + item.block.txs.length });
      let v: CheckedVertex;
      try {
        v = checkVertex(item.block, this.env);
      } catch (err) {
        if (err instanceof NegentropyError) {
          this.penalize(item.from, err.code, 2, out);
          continue;
        }
        throw err;
      }
      for (const tx of item.block.txs) this.ingest(tx, transferIdHex(tx), now, out);
      this.sawSuperBlock(v.superBlock, item.from, now);
      if (v.missingParents.length > 0) {
        if (this.orphans.add(id, item.block, item.from, v.missingParents, now)) {
          this.want(item.from, 'vertex', v.missingParents, out);
        }
        continue;
      }
      if (!this.insertVertex(v, out)) continue;
      for (const o of this.orphans.release(id)) work.push(o);
    }
  }

  private insertVertex(v: CheckedVertex, out: Out[]): boolean {
    try {
      const executed = (tx: Transfer): number => this.tipState.nonceOf(tx.from);
      return this.dag.insert(v, (i) => {
        const tx = v.block.txs[i]!;
        return this.book.outcome(tx, v.txIds[i]!, executed(tx));
      });
    } catch (err) {
      if (err instanceof NegentropyError && err.type.code === 'NEG_DAG_FULL') {
        out.push({ kind: 'metric', name: 'dag_full', value: 1 });
        return false;
      }
      throw err;
    }
  }

  private want(peer: NodeIndex, kind: WantKind, ids: readonly string[], out: Out[]): void {
    if (peer === this.self || ids.length === 0) return;
    out.push({ kind: 'send', to: peer, message: { t: 'want-ids', kind, ids: ids.slice(0, MAX_WANT_ANSWERS).map(fromHex) } });
  }

  private maybeProposeVertex(now: number, out: Out[]): void {
    if (this.toPropose.size === 0 || now - this.lastVertexAt < this.p.vertexIntervalMs) return;
    const txs: Transfer[] = [];
    for (const [id, tx] of this.toPropose) {
      this.toPropose.delete(id);
      const set = this.book.get(txSlot(tx));
      if (set === undefined || (set.decided !== null && set.decided !== id)) continue;
      txs.push(tx);
      if (txs.length >= this.p.maxTxsPerVertex) break;
    }
    if (txs.length === 0) return;
    const place = this.vertexPlace();
    const block = buildVertex(this.ctx.keyPair, {
      chainId: this.ctx.chainId,
      parents: place.parents,
      height: place.height,
      timestamp: Math.max(0, Math.floor(now)),
      superBlock: place.superBlock,
      superBlockRoot: place.root,
      txs,
    });
    this.lastVertexAt = now;
    out.push({ kind: 'cost', op: 'sig-sign', count: 1 }, { kind: 'cost', op: 'hash', count: 2 + txs.length });
    const v = checkVertex(block, this.env);
    this.insertVertex(v, out);
    out.push({ kind: 'broadcast', message: { t: 'vertex', block } });
  }

  // ---- polls ------------------------------------------------------------------------------------

  private startPoll(now: number, out: Out[]): void {
    const sets: ConflictSet<unknown>[] = [];
    const sb = this.sbSet;
    if (sb !== null && sb.wantsPoll(this.p)) sets.push(sb);
    for (const s of this.book.pollable(this.pollCursor, this.p.maxKeysPerPoll - sets.length)) sets.push(s);
    if (sets.length === 0) return;
    this.pollCursor += this.p.maxKeysPerPoll;
    const peers = this.n === 1 ? [this.self] : this.weights.sample(this.p.k, this.sampleRng);
    const alpha = Math.max(1, Math.ceil((this.p.alpha * peers.length) / this.p.k));
    const keys = new Uint8Array(sets.length * KEY_BYTES);
    const refs: PollSlotRef[] = [];
    sets.forEach((s, i) => {
      s.inFlight++;
      const sent = prefixHex(s.preference!);
      keys.set(s.digestBytes, i * KEY_BYTES);
      keys.set(fromHex(sent), i * KEY_BYTES + SLOT_DIGEST_BYTES);
      refs.push({ slot: s.slot, sent });
    });
    const poll = this.polls.start(now, peers, refs, alpha, keys);
    for (const to of peers) out.push({ kind: 'send', to, message: { t: 'query', poll, keys } });
  }

  /** The slot (conflict set or super-block) whose wire digest is at bytes[at..]. */
  private setAt(bytes: Uint8Array, at: number): ConflictSet<unknown> | undefined {
    const cs = this.book.byDigest(bytes, at);
    if (cs !== undefined) return cs;
    const sb = this.sbSet;
    return sb !== null && digestIs(bytes, at, sb.d0, sb.d1, sb.d2) ? sb : undefined;
  }

  /**
   * Answers a poll: per key, "same as you", "unknown" or this node's value prefix. The answer is
   * the decided value, else the current preference (the Gibbs choice), else a remembered final
   * value. Slots this node has never heard of are asked back from the querier (want), so a node
   * that missed a vertex, or sat on the other side of a partition, learns the transfer.
   * This loop runs k times per poll of every peer: it builds no strings.
   */
  private onQuery(from: NodeIndex, poll: number, keys: Uint8Array, now: number, out: Out[]): void {
    if (!this.budget.spend(from, now)) return this.penalize(from, 'NEG_REQUEST_FLOOD', 1, out);
    const m = keys.length / KEY_BYTES;
    const agree = bitmap(m);
    const unknown = bitmap(m);
    const other: OtherAnswer[] = [];
    const wants: number[] = [];
    for (let i = 0; i < m; i++) {
      const at = i * KEY_BYTES;
      const set = this.setAt(keys, at);
      const p = at + SLOT_DIGEST_BYTES;
      if (set !== undefined) {
        const c = set.answer();
        if (c === undefined) setBit(unknown, i);
        else if (prefixIs(keys, p, set.a0, set.a1, set.a2, set.a3)) setBit(agree, i);
        else other.push({ index: i, value: c.prefixBytes });
        continue;
      }
      const f = this.book.finalValue(keys, at);
      if (f === undefined) {
        setBit(unknown, i);
        if (wants.length < MAX_WANTS_PER_QUERY) wants.push(at);
      } else if (prefixIs(keys, p, f.a0, f.a1, f.a2, f.a3)) setBit(agree, i);
      else other.push({ index: i, value: f.prefixBytes });
    }
    out.push({ kind: 'send', to: from, message: { t: 'reply', poll, agree, unknown, other, sb: this.tip.index } });
    if (wants.length > 0 && from !== this.self) {
      const items = new Uint8Array(wants.length * KEY_BYTES);
      wants.forEach((at, j) => items.set(keys.subarray(at, at + KEY_BYTES), j * KEY_BYTES));
      out.push({ kind: 'send', to: from, message: { t: 'want', items } });
    }
  }

  /** A peer asks for values by (slot digest, value prefix): transfers or a super-block candidate. */
  private onWant(from: NodeIndex, items: Uint8Array, now: number, out: Out[]): void {
    if (!this.budget.spend(from, now)) return this.penalize(from, 'NEG_REQUEST_FLOOD', 1, out);
    const txs: Transfer[] = [];
    const m = Math.min(items.length / KEY_BYTES, MAX_WANT_ANSWERS);
    for (let i = 0; i < m; i++) {
      const at = i * KEY_BYTES;
      const set = this.setAt(items, at);
      if (set === undefined) continue;
      const c = set.byValuePrefix(toHex(items.subarray(at + SLOT_DIGEST_BYTES, at + KEY_BYTES)));
      if (c === undefined) continue;
      if (set === this.sbSet) {
        const sb = (c.value as SbCandidate);
        if (sb.jump === null) out.push({ kind: 'send', to: from, message: { t: 'sb-candidate', header: sb.sb.header, ids: sb.sb.ids.map(fromHex) } });
      } else txs.push(c.value as Transfer);
    }
    if (txs.length > 0) out.push({ kind: 'send', to: from, message: { t: 'txs', txs } });
  }

  /** A peer asks for vertices (unknown parents) or transfers (super-block cut members) by id. */
  private onWantIds(from: NodeIndex, kind: WantKind, ids: readonly Uint8Array[], now: number, out: Out[]): void {
    if (!this.budget.spend(from, now)) return this.penalize(from, 'NEG_REQUEST_FLOOD', 1, out);
    const txs: Transfer[] = [];
    for (const raw of ids.slice(0, MAX_WANT_ANSWERS)) {
      const id = toHex(raw);
      if (kind === 'vertex') {
        const v = this.dag.get(id);
        if (v !== undefined) out.push({ kind: 'send', to: from, message: { t: 'vertex', block: v.block } });
      } else {
        const c = this.book.ofTx(id)?.get(id);
        if (c !== undefined) txs.push(c.value);
      }
    }
    if (txs.length > 0) out.push({ kind: 'send', to: from, message: { t: 'txs', txs } });
  }

  private completePolls(now: number, out: Out[]): void {
    for (const poll of this.polls.collect(now)) this.applyPoll(poll, now, out);
  }

  /**
   * Applies a completed poll: each slot steps its estimate, temperature, counter and
   * preference; then the node's T is annealed with the poll's mean answer entropy. Under the
   * literal rule (finalRule 'temperature') every polled open slot is then decided on the
   * node's current preference as soon as T < tCritical: the design's "final when T < T_c".
   */
  private applyPoll(poll: CompletedPoll, now: number, out: Out[]): void {
    this.pollsDone++;
    if (poll.timedOut) this.pollsTimedOut++;
    for (const peer of poll.peers) {
      if (poll.answered.has(peer)) this.bench.answered(peer);
      else if (poll.timedOut) this.bench.missed(peer, now);
    }
    let failed = false;
    let hSum = 0;
    let hCount = 0;
    const alpha = Math.max(1, Math.ceil((this.p.alpha * poll.peers.length) / this.p.k));
    const polled: ConflictSet<unknown>[] = [];
    for (const t of poll.tallies) {
      const set = this.slotNamed(t.slot);
      if (set === undefined) continue;
      if (set.inFlight > 0) set.inFlight--;
      if (set.decided !== null) continue;
      const r = set.applyPoll(
        { votes: t.votes, missing: t.missing, alpha, answerPeers: t.answerPeers, answerValues: t.answerValues },
        this.p,
        this.gibbsRng,
      );
      hSum += r.entropy;
      hCount++;
      polled.push(set);
      if (r.winner === null) failed = true;
      for (const prefix of set.unknownValues(t.votes, this.p.maxCandidates)) this.wantValue(set, prefix, poll.sources.get(prefix), out);
      if (r.decided !== null) this.onDecided(set, now, out);
    }
    if (failed) this.pollsFailed++;
    if (hCount > 0) this.temperature = anneal(this.temperature, hSum / hCount, this.p);
    if (this.p.finalRule === 'temperature' && this.temperature < this.p.tCritical) {
      for (const set of polled) {
        if (set.decided !== null || set.preference === null) continue;
        set.decide(set.preference);
        this.onDecided(set, now, out);
      }
    }
  }

  private slotNamed(slot: string): ConflictSet<unknown> | undefined {
    return this.book.get(slot) ?? (this.sbSet !== null && this.sbSet.slot === slot ? this.sbSet : undefined);
  }

  private onDecided(set: ConflictSet<unknown>, now: number, out: Out[]): void {
    if (set === this.sbSet) this.onSbDecided(this.sbSet, now, out);
    else {
      const cs = this.book.get(set.slot);
      if (cs !== undefined) this.onCsDecided(cs, now, out);
    }
  }

  /** Asks `source` (a peer that answered it) for the value with `prefix` in `set`. */
  private wantValue(set: ConflictSet<unknown>, prefix: string, source: number | undefined, out: Out[]): void {
    if (source === undefined || source === this.self) return;
    const item = new Uint8Array(KEY_BYTES);
    item.set(set.digestBytes, 0);
    item.set(fromHex(prefix), SLOT_DIGEST_BYTES);
    out.push({ kind: 'send', to: source, message: { t: 'want', items: item } });
  }

  // ---- conflict-set decisions ---------------------------------------------------------------------

  private onCsDecided(set: ConflictSet<Transfer>, now: number, out: Out[]): void {
    const id = set.decided!;
    const tx = set.get(id)!.value;
    this.book.markDecided(set, now);
    if (set.contested) this.contestedDecided++;
    const won = prefixHex(id);
    set.forEachAnswer((peer, prefix) => this.weights.record(peer, prefix === won));
    const entryFields = { slot: set.slot, value: id, txIds: [id] };
    out.push({ kind: 'persist', key: `cs/${set.slot}`, value: encodeDecisionRecord(this.log.length, tx), sync: true });
    const entry = this.log.append(entryFields);
    if (entry !== null) out.push({ kind: 'finalize', entry });
    this.dag.onDecided(
      id,
      set.candidates.filter((c) => c.id !== id).map((c) => c.id),
    );
    for (const c of set.candidates) {
      if (c.id === id) continue;
      this.toPropose.delete(c.id);
      if (this.mine.delete(c.id)) {
        out.push({ kind: 'tx-rejected', txId: c.id, code: 'NEG_CONFLICT_LOST' });
        out.push({ kind: 'persist', key: `tx/${c.id}`, value: null, sync: false });
      }
    }
    const waiting = this.pendingByTx.get(id);
    if (waiting !== undefined) {
      this.pendingByTx.delete(id);
      for (const pc of waiting) {
        pc.missing--;
        if (pc.missing === 0) this.resolvePending(pc, now, out);
      }
    }
  }

  // ---- super-blocks -----------------------------------------------------------------------------

  /**
   * Keeps a super-block header (bounded: maxHeaders) and its cut (only the newest KEEP_CUTS: a
   * cut is 32 bytes per transfer, so keeping every cut would grow the stored size with history,
   * which pruning exists to stop). A header already older than that is kept bare, so the result
   * does not depend on the order a restart hands the records in.
   */
  private keepHeader(given: SuperBlock, out?: Out[]): void {
    const size = (x: SuperBlock): number => encodeHeader(x.header).length + 32 * x.ids.length;
    const sb = given.index > 0 && given.ids.length > 0 && given.index <= this.tip.index - KEEP_CUTS ? superBlockOf(given.header, []) : given;
    const had = this.headers.get(sb.index);
    if (had !== undefined) this.headerBytes -= size(had);
    this.headers.set(sb.index, sb);
    this.headerBytes += size(sb);
    const old = this.headers.get(sb.index - this.p.maxHeaders);
    if (old !== undefined) {
      this.headers.delete(old.index);
      this.headerBytes -= size(old);
    }
    const uncut = this.headers.get(sb.index - KEEP_CUTS);
    if (uncut !== undefined && uncut.ids.length > 0 && uncut.index > 0) {
      const bare = superBlockOf(uncut.header, []);
      this.headers.set(uncut.index, bare);
      this.headerBytes -= 32 * uncut.ids.length;
      out?.push({ kind: 'persist', key: `h/${uncut.index}`, value: encodeHeaderRecord(bare.header, []), sync: false });
    }
  }

  private maybeProposeSuperBlock(now: number, out: Out[]): void {
    const next = this.tip.index + 1;
    if (this.proposedFor >= next || this.sbSetIndex > next) return;
    const oldest = this.book.oldestWaiting;
    if (oldest === null) return;
    if (this.book.decidedWaiting < this.p.superBlockTxs && now - oldest < this.p.superBlockMaxDelayMs) return;
    const attempt = Math.floor(Math.max(0, now - this.tipAt) / this.p.superBlockAttemptMs);
    if ((next + attempt) % this.n !== this.self) return;
    const built = buildSuperBlock(this.ctx.keyPair, this.rules, this.tip, this.tipState, this.book.decidedTransfers(), this.p.superBlockTxs, Math.max(0, Math.floor(now)));
    if (built === null) return;
    this.proposedFor = next;
    out.push({ kind: 'cost', op: 'tx-apply', count: built.txs.length }, { kind: 'cost', op: 'sig-sign', count: 1 });
    this.sbProposals.set(toHex(this.ctx.keyPair.publicKey), built.superBlock.hash);
    this.addSbCandidate({ sb: built.superBlock, state: built.state, txs: built.txs, jump: null }, now);
    out.push({ kind: 'broadcast', message: { t: 'sb-candidate', header: built.superBlock.header, ids: built.superBlock.ids.map(fromHex) } });
  }

  private addSbCandidate(c: SbCandidate, now: number): void {
    const index = c.sb.index;
    if (this.sbSet === null || this.sbSetIndex !== index) {
      const slot = sbSlot(index);
      this.sbSet = new ConflictSet<SbCandidate>(slot, slotDigest(slot), now, this.temperature);
      this.sbSetIndex = index;
    }
    this.sbSet.add(c.sb.hash, c, this.p.maxCandidates);
  }

  private onSbCandidate(from: NodeIndex, header: BlockHeader, ids: readonly Uint8Array[], now: number, out: Out[]): void {
    const index = header.height;
    if (index <= this.tip.index) return;
    if (index > this.tip.index + 1) {
      this.sawSuperBlock(index - 1, from, now);
      return;
    }
    if (this.sbSetIndex > index) return; // syncing towards a later super-block
    const hash = toHex(headerHash(header));
    if (this.sbSet?.get(hash) !== undefined || this.pending.some((pc) => pc.sb.hash === hash)) return;
    const proposer = toHex(header.proposer);
    const earlier = this.sbProposals.get(proposer);
    if (earlier !== undefined && earlier !== hash) return this.penalize(from, 'NEG_SB_EQUIVOCATION', 10, out);
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 }, { kind: 'cost', op: 'hash', count: ids.length });
    let sb: SuperBlock;
    try {
      sb = checkSuperBlockHeader(header, ids, this.tip, this.ctx.chainId, (a) => this.validatorKey(a));
    } catch (err) {
      if (err instanceof NegentropyError) return this.penalize(from, err.code, 5, out);
      throw err;
    }
    this.sbProposals.set(proposer, hash);
    const missing: string[] = [];
    for (const id of sb.ids) {
      const set = this.book.ofTx(id);
      if (set !== undefined && set.decided !== null && set.decided !== id) return this.penalize(from, 'NEG_BAD_SUPERBLOCK', 5, out);
      if (set === undefined || set.decided === null) missing.push(id);
    }
    if (missing.length === 0) return this.validateCandidate(sb, from, now, out);
    if (this.pending.length >= MAX_PENDING_CANDIDATES) return;
    const pc: PendingCandidate = { sb, from, missing: missing.length };
    this.pending.push(pc);
    const unknown: string[] = [];
    for (const id of missing) {
      const list = this.pendingByTx.get(id);
      if (list === undefined) this.pendingByTx.set(id, [pc]);
      else list.push(pc);
      if (this.book.ofTx(id) === undefined) unknown.push(id);
    }
    this.want(from, 'tx', unknown, out);
  }

  private resolvePending(pc: PendingCandidate, now: number, out: Out[]): void {
    const at = this.pending.indexOf(pc);
    if (at >= 0) this.pending.splice(at, 1);
    if (pc.sb.index === this.tip.index + 1) this.validateCandidate(pc.sb, pc.from, now, out);
  }

  private validateCandidate(sb: SuperBlock, from: NodeIndex, now: number, out: Out[]): void {
    const txs: Transfer[] = [];
    for (const id of sb.ids) {
      const set = this.book.ofTx(id);
      const c = set?.decided === id ? set.get(id) : undefined;
      if (c === undefined) return;
      txs.push(c.value);
    }
    out.push({ kind: 'cost', op: 'tx-apply', count: txs.length });
    let state: LedgerState;
    try {
      state = executeSuperBlock(sb, txs, this.tipState, this.rules);
    } catch (err) {
      if (err instanceof NegentropyError) return this.penalize(from, err.code, 5, out);
      throw err;
    }
    this.addSbCandidate({ sb, state, txs, jump: null }, now);
  }

  private onSbDecided(set: ConflictSet<SbCandidate>, now: number, out: Out[]): void {
    const c = set.get(set.decided!)!.value;
    const won = prefixHex(c.sb.hash);
    set.forEachAnswer((peer, prefix) => this.weights.record(peer, prefix === won));
    const chain = c.jump ?? [c.sb];
    const executedHere = new Set(c.txs.map(transferIdHex));
    for (const sb of chain) {
      const reported: string[] = [];
      for (const id of sb.ids) {
        const cs = this.book.ofTx(id);
        const decidedHere = cs !== undefined && cs.decided === id;
        if (decidedHere) {
          this.book.settle(cs.get(id)!.value, id);
          out.push({ kind: 'persist', key: `cs/${cs.slot}`, value: null, sync: false });
        } else if (!executedHere.has(id)) reported.push(id);
        this.toPropose.delete(id);
        if (this.mine.delete(id)) out.push({ kind: 'persist', key: `tx/${id}`, value: null, sync: false });
      }
      this.keepHeader(sb, out);
      if (sb.index > this.p.maxHeaders) out.push({ kind: 'persist', key: `h/${sb.index - this.p.maxHeaders}`, value: null, sync: false });
      out.push({ kind: 'persist', key: `h/${sb.index}`, value: encodeHeaderRecord(sb.header, sb.ids), sync: false });
      this.book.rememberFinal(slotDigest(sbSlot(sb.index)), sb.hash);
      this.tip = sb;
      const last = sb === c.sb;
      if (last) {
        this.tipState = c.state;
        const snapshot = encodeSnapshot(c.state);
        this.snapshotBytes = snapshot.length;
        out.push({
          kind: 'persist',
          key: 'sb',
          value: encodeSbRecord({ logLength: this.log.length + 1, header: sb.header, ids: sb.ids, snapshot }),
          sync: true,
        });
      }
      const entry = this.log.append({
        slot: sbSlot(sb.index),
        value: sb.hash,
        txIds: reported,
        height: sb.index,
        stateRoot: toHex(sb.header.stateRoot),
        supply: c.state.supply,
        minted: 0n,
      });
      if (entry !== null) out.push({ kind: 'finalize', entry });
    }
    this.tipAt = now;
    this.sbSet = null;
    this.sbSetIndex = -1;
    this.sbProposals.clear();
    this.syncChain = [];
    for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i]!.sb.index <= this.tip.index) this.pending.splice(i, 1);
    if (this.pending.length === 0) this.pendingByTx.clear();
    this.book.dropStale((sender) => this.tipState.nonceOf(sender));
    if (this.p.prune) {
      const pruned = this.dag.prune((v) => v.block.txs.every((tx, i) => this.book.outcome(tx, v.txIds[i]!, this.tipState.nonceOf(tx.from)) !== 'open' && this.settled(tx, v.txIds[i]!)));
      if (pruned > 0) out.push({ kind: 'metric', name: 'pruned', value: pruned });
    }
    out.push({ kind: 'metric', name: 'super_block', value: this.tip.index });
  }

  /** Executed (or lost for good): nothing about it can change any more. */
  private settled(tx: Transfer, id: string): boolean {
    if (tx.nonce < this.tipState.nonceOf(tx.from)) return true;
    const set = this.book.get(txSlot(tx));
    return set !== undefined && set.decided !== null && set.decided !== id;
  }

  private validatorKey(address: string): Uint8Array | undefined {
    const i = this.proposers.get(address);
    return i === undefined ? undefined : this.ctx.validators[i];
  }

  // ---- sync -------------------------------------------------------------------------------------

  /** A peer says it has finalized super-block `index`. */
  private sawSuperBlock(index: number, peer: NodeIndex, now: number): void {
    if (index <= this.tip.index || peer === this.self) return;
    if (index > this.aheadIndex || this.aheadPeer < 0) {
      this.aheadIndex = index;
      this.aheadPeer = peer;
    }
    if (this.aheadSince < 0) this.aheadSince = now;
  }

  /**
   * Ask for headers and a snapshot when a peer is two or more super-blocks ahead, or has been
   * ahead by one for 3 attempt periods (the conflict sets of that super-block may be pruned at
   * every peer by now, so the normal path cannot complete).
   */
  private maybeSync(now: number, out: Out[]): void {
    if (this.aheadIndex <= this.tip.index) {
      this.aheadSince = -1;
      this.aheadPeer = -1;
      return;
    }
    const far = this.aheadIndex >= this.tip.index + 2;
    const stuck = now - this.aheadSince >= 3 * this.p.superBlockAttemptMs;
    if (!far && !stuck) return;
    if (now - this.lastSyncAt < this.p.superBlockAttemptMs || this.aheadPeer < 0) return;
    this.lastSyncAt = now;
    const from = this.tip.index + 1 + this.syncChain.length;
    out.push({ kind: 'send', to: this.aheadPeer, message: { t: 'sync-request', from } });
  }

  private onSyncRequest(from: NodeIndex, fromIndex: number, now: number, out: Out[]): void {
    if (!this.budget.spend(from, now, 10)) return this.penalize(from, 'NEG_REQUEST_FLOOD', 1, out);
    if (fromIndex > this.tip.index || fromIndex < 1) return;
    const headers: BlockHeader[] = [];
    const cuts: Uint8Array[][] = [];
    for (let i = fromIndex; i <= this.tip.index && headers.length < MAX_SYNC_HEADERS; i++) {
      const sb = this.headers.get(i);
      if (sb === undefined) return;
      headers.push(sb.header);
      cuts.push(sb.ids.map(fromHex));
    }
    const complete = fromIndex + headers.length - 1 === this.tip.index;
    out.push({ kind: 'send', to: from, message: { t: 'sync', headers, cuts, snapshot: complete ? encodeSnapshot(this.tipState) : null } });
  }

  private onSync(
    from: NodeIndex,
    headers: readonly BlockHeader[],
    cuts: readonly (readonly Uint8Array[])[],
    snapshot: Uint8Array | null,
    now: number,
    out: Out[],
  ): void {
    const base = this.syncChain.length > 0 ? this.syncChain[this.syncChain.length - 1]! : this.tip;
    if (headers.length === 0 || headers[0]!.height !== base.index + 1) return;
    let chain: SuperBlock[];
    let state: LedgerState | null = null;
    out.push({ kind: 'cost', op: 'sig-verify', count: headers.length });
    try {
      chain = checkHeaderChain(base, headers, cuts, this.ctx.chainId, (a) => this.validatorKey(a));
      if (snapshot !== null) state = stateFromSnapshot(snapshot, toHex(chain[chain.length - 1]!.header.stateRoot));
    } catch (err) {
      if (err instanceof NegentropyError) return this.penalize(from, err.code, 5, out);
      throw err;
    }
    this.syncChain = [...this.syncChain, ...chain];
    if (state === null) {
      this.lastSyncAt = Number.NEGATIVE_INFINITY; // fetch the next batch on the next tick
      return;
    }
    const target = this.syncChain[this.syncChain.length - 1]!;
    // The jump target is decided like any super-block: by Snowball on its slot sb:<index>.
    this.sbSet = null;
    this.addSbCandidate({ sb: target, state, txs: [], jump: this.syncChain }, now);
  }

  // ---- the tick ---------------------------------------------------------------------------------

  private onTick(now: number, out: Out[]): void {
    out.push({ kind: 'set-timer', timer: TICK, at: now + this.p.pollIntervalMs });
    this.completePolls(now, out);
    this.bench.release(now);
    for (const r of this.polls.resends(now)) for (const to of r.peers) out.push({ kind: 'send', to, message: { t: 'query', poll: r.id, keys: r.keys } });
    // A want-ids round trip fits in a poll timeout; ORPHAN_MAX_ASKS spans every validator at n = 8.
    for (const [peer, ids] of this.orphans.retry(now, this.p.pollTimeoutMs, ORPHAN_MAX_ASKS, this.n, this.self)) this.want(peer, 'vertex', ids, out);
    this.maybeProposeVertex(now, out);
    this.maybeProposeSuperBlock(now, out);
    this.maybeSync(now, out);
    if (this.polls.canStart()) this.startPoll(now, out);
    if (now - this.lastMetricsAt >= METRIC_PERIOD_MS) {
      this.lastMetricsAt = now;
      out.push(
        { kind: 'metric', name: 'temperature', value: this.temperature },
        { kind: 'metric', name: 'open_slots', value: this.book.open },
        { kind: 'metric', name: 'dag_vertices', value: this.dag.size },
        { kind: 'metric', name: 'stored_bytes', value: this.storedBytes() },
      );
    }
  }

  // ---- restart ----------------------------------------------------------------------------------

  /** Rebuilds the newest super-block, decided conflict sets and own transfers; returns the log length. */
  private restore(records: ReadonlyMap<string, Uint8Array>): number {
    let seq = 0;
    const sbBytes = records.get('sb');
    if (sbBytes !== undefined) {
      const r = decodeSbRecord('sb', sbBytes);
      let state: LedgerState;
      try {
        state = stateFromSnapshot(r.snapshot, toHex(r.header.stateRoot));
      } catch (err) {
        throw new NegentropyError({ code: 'NEG_CORRUPT_RECORD', key: 'sb', reason: err instanceof Error ? err.message : String(err) });
      }
      this.tip = superBlockOf(r.header, r.ids);
      this.tipState = state;
      this.snapshotBytes = r.snapshot.length;
      this.keepHeader(this.tip);
      seq = r.logLength;
    }
    const txs: Transfer[] = [];
    for (const [key, value] of records) {
      if (key.startsWith('h/')) {
        const { header, ids } = decodeHeaderRecord(key, value);
        if (header.height < this.tip.index) this.keepHeader(superBlockOf(header, ids));
      } else if (key.startsWith('cs/')) {
        const { seq: s, tx } = decodeDecisionRecord(key, value);
        const id = transferIdHex(tx);
        if (this.book.ingest(tx, id, this.tipState.nonceOf(tx.from), 0, this.temperature) !== 'added') continue;
        const set = this.book.get(txSlot(tx))!;
        set.decide(id);
        this.book.markDecided(set, 0);
        seq = Math.max(seq, s + 1);
      } else if (key.startsWith('tx/')) {
        txs.push(decodeTxRecord(key, value));
      }
    }
    for (const sb of this.headers.values()) this.book.rememberFinal(slotDigest(sbSlot(sb.index)), sb.hash);
    for (const tx of txs) {
      const id = transferIdHex(tx);
      const r = this.book.ingest(tx, id, this.tipState.nonceOf(tx.from), 0, this.temperature);
      if (r === 'stale' || r === 'too-far' || r === 'busy') continue;
      const set = this.book.get(txSlot(tx));
      if (set?.decided !== null && set?.decided !== id) continue;
      this.mine.set(id, tx);
      this.toPropose.set(id, tx);
    }
    return seq;
  }

  /** True once `start` was handled (for tests). */
  get running(): boolean {
    return this.started;
  }
}
