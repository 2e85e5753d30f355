/**
 * The Proof-of-Coherence engine: a Nakamoto-style chain whose proof of work is a Kuramoto
 * simulation (docs/protocols/coherence.md). Sans-I/O (src/protocol/engine.ts): mining leaves as
 * a `job` effect and returns as `job-done`; blocks and transfers travel as messages; finality
 * is the block `confirmations` deep in the best chain.
 *
 * One node:
 *  - keeps a tree of validated blocks rooted at its last finalized block (chain.ts), each with
 *    its post-state; the head is the most-work tip (first seen on ties);
 *  - mines on the head: a block template (ledger proposeBlock: mempool transfers, reward to
 *    itself, target from the difficulty rule) goes out as a job; a new head cancels it;
 *  - validates every block from a peer completely (validate.ts) before it enters the tree; a bad
 *    block is answered with `penalize` and changes nothing; a block with an unknown parent waits
 *    in the bounded orphan pool while its parent is requested from the sender;
 *  - relays newly accepted blocks to `relayFanout` random peers (its own to everyone);
 *  - on a head change (reorg included) moves its mempool: transfers of abandoned blocks go back,
 *    transfers of adopted blocks leave; then finalizes what became k deep;
 *  - persists client transfers before acknowledging them, and every finalized block, so a
 *    restart rebuilds the finalized chain and the pending transfers.
 * The 'selfish' policy (selfish.ts) is the Eyal-Sirer adversary: the same validation and
 * mining, a private chain and strategic publication.
 */
import { dmath, fromHex, taggedHash, toHex, u64be, utf8 } from '../../core/index.js';
import {
  LedgerError,
  Mempool,
  applyBlock,
  blockHash,
  decodeBlock,
  decodeTransfer,
  encodeBlock,
  encodeTransfer,
  makeBlock,
  proposeBlock,
  transferIdHex,
} from '../../ledger/index.js';
import type { Block, ChainRules, LedgerState, Transfer } from '../../ledger/index.js';
import { FinalizedLog } from '../../protocol/index.js';
import type { Effect, Engine, EngineContext, EngineInput, EngineStatus, NodeIndex } from '../../protocol/index.js';
import { Chain } from './chain.js';
import type { ChainEntry } from './chain.js';
import { blockWork, medianTimePast, nextTarget, timestampsKept } from './difficulty/index.js';
import { CoherenceError } from './errors.js';
import { negentropy } from './kuramoto/negentropy.js';
import type { CoherenceMessage } from './messages.js';
import { MAX_SYNC_BLOCKS, blockMessage } from './messages.js';
import { finalKey } from './sync-server.js';
import type { MiningJob, MiningResult } from './miner.js';
import { OrphanPool } from './orphans.js';
import type { CoherenceParams } from './params.js';
import { PhaseCache, verifyPhases } from './phase-gossip.js';
import { sharedKernel } from './kuramoto/kernel.js';
import { hashThreshold, readSeal, sealPreimage, seedFor, targetBytes } from './seal.js';
import type { Seal } from './seal.js';
import { SelfishStrategy } from './selfish.js';
import { checkBlock, checkHeader, checkSize } from './validate.js';

export type MiningPolicy = 'honest' | 'selfish';

type Out = Effect<CoherenceMessage, MiningJob>;
type Input = EngineInput<CoherenceMessage, MiningResult>;

/** Nonces per real mining job before it reports back (the engine then continues). */
export const REAL_JOB_ATTEMPTS = 2_000;
/** Headroom left in a block for the header and framing when selecting transfers. */
const BLOCK_HEADROOM_BYTES = 16 * 1024;
/** One sender holds at most orphanPoolMax / ORPHAN_SHARE_DIVISOR orphans (orphans.ts). */
export const ORPHAN_SHARE_DIVISOR = 8;
/** A node behind a chain it cannot connect yet neither mines nor finalizes for at most this many target intervals (see syncing). */
export const SYNC_HOLD_INTERVALS = 30;
/** Range catch-up starts when a block is more than this many above the head (a gap of 2+ blocks). */
export const SYNC_MIN_GAP = 2;
/** A sync-request not answered in full is asked again after this long (the next block arriving triggers it). */
export const SYNC_RETRY_MS = 1000;
/** One peer's sync-requests are answered at most once per this long (32 blocks per answer). */
export const SYNC_ANSWER_MIN_MS = 100;

/** Penalty weights: a forged proof is deliberate; a clock or ordering problem may be honest. */
function penaltyWeight(code: string): number {
  switch (code) {
    case 'COHERENCE_TIME_TOO_FAR':
    case 'COHERENCE_TIME_TOO_OLD':
      return 1;
    default:
      return 10;
  }
}

/** Id of the virtual genesis block: chain id, genesis state root, genesis time, initial target. */
export function genesisHash(chainId: string, genesis: LedgerState, p: CoherenceParams): Uint8Array {
  return taggedHash('thermo/coherence/genesis', utf8(chainId), genesis.root, u64be(BigInt(p.genesisTimeMs)), targetBytes(p.initialTarget));
}

export function genesisEntry(chainId: string, genesis: LedgerState, p: CoherenceParams): ChainEntry {
  const hash = genesisHash(chainId, genesis, p);
  return Object.freeze({
    hash,
    hashHex: toHex(hash),
    block: null,
    height: 0,
    timestamp: p.genesisTimeMs,
    target: p.initialTarget,
    recentTimestamps: Object.freeze([p.genesisTimeMs]),
    state: genesis,
    minted: 0n,
  });
}

/** The chain entry of a validated block on top of `parent`. */
export function childEntry(parent: ChainEntry, block: Block, hash: Uint8Array, seal: Seal, state: LedgerState, p: CoherenceParams): ChainEntry {
  const recent = [...parent.recentTimestamps, block.header.timestamp].slice(-timestampsKept(p));
  return Object.freeze({
    hash,
    hashHex: toHex(hash),
    block,
    height: block.header.height,
    timestamp: block.header.timestamp,
    target: seal.target,
    recentTimestamps: Object.freeze(recent),
    state,
    minted: parent.minted + p.blockReward,
  });
}

interface CurrentJob {
  readonly jobId: string;
  readonly parent: ChainEntry;
  readonly block: Block;
  readonly state: LedgerState;
  nextNonce: number;
}

export class CoherenceEngine implements Engine<CoherenceMessage, MiningJob, MiningResult> {
  private readonly p: CoherenceParams;
  private readonly rules: ChainRules;
  private readonly chain: Chain;
  private readonly orphans: OrphanPool;
  private readonly log: FinalizedLog;
  private readonly mempool: Mempool;
  private readonly phases = new PhaseCache();
  /** Transfers acknowledged by this node (persisted), not yet finalized. */
  private readonly acked = new Set<string>();
  private readonly selfish: SelfishStrategy | null;
  private job: CurrentJob | null = null;
  private jobSeq = 0;
  private mempoolDirty = false;
  private started = false;
  private readonly counters = { mined: 0, accepted: 0, rejected: 0, reorgs: 0, maxReorgDepth: 0, orphansRefused: 0, syncHolds: 0 };
  /** Since when this node holds orphans above its head (-1: it does not). */
  private syncingSince = -1;
  /**
   * Range catch-up (sync-request): the highest block height peers showed us, the latest peer
   * that showed one above us and that height, and the last request (when, from which height).
   * See maybeRequestSync.
   */
  private syncTip = 0;
  private syncPeer: NodeIndex = -1;
  private lastShownHeight = 0;
  private syncAskedAt = Number.NEGATIVE_INFINITY;
  private syncAskedFrom = 0;
  /** When each peer's last sync-request was answered (at most n entries). */
  private readonly syncAnsweredAt = new Map<NodeIndex, number>();
  private lastR = 0;
  private readonly restoredBlocks: number;

  constructor(
    private readonly ctx: EngineContext<CoherenceParams>,
    private readonly policy: MiningPolicy = 'honest',
  ) {
    this.p = ctx.params;
    this.rules = Object.freeze({ chainId: ctx.chainId, blockReward: this.p.blockReward, maxTxsPerBlock: this.p.maxTxsPerBlock });
    this.mempool = new Mempool({ chainId: ctx.chainId });
    // A sender's share: an eighth of the pool, so up to f = n / 4 flooding peers of n <= 31
    // leave at least a fifth of it to honest ones (at least one orphan each at any pool size).
    this.orphans = new OrphanPool(this.p.orphanPoolMax, Math.max(1, Math.floor(this.p.orphanPoolMax / ORPHAN_SHARE_DIVISOR)));
    const { root, restored } = this.restoreChain(ctx.restored);
    this.restoredBlocks = restored;
    this.chain = new Chain(root, blockWork(root.target));
    this.log = new FinalizedLog(root.height);
    this.selfish = policy === 'selfish' ? new SelfishStrategy(root) : null;
    this.restorePending(ctx.restored);
  }

  // ---- restart ------------------------------------------------------------------------------

  /** Re-applies the persisted finalized blocks from genesis; returns the last one. */
  private restoreChain(records: ReadonlyMap<string, Uint8Array>): { root: ChainEntry; restored: number } {
    const finals: { h: number; bytes: Uint8Array }[] = [];
    for (const [key, value] of records) if (key.startsWith('final/')) finals.push({ h: Number(key.slice(6)), bytes: value });
    finals.sort((a, b) => a.h - b.h);
    let entry = genesisEntry(this.ctx.chainId, this.ctx.genesis, this.p);
    for (const { h, bytes } of finals) {
      const key = `final/${h}`;
      if (h !== entry.height + 1) throw new CoherenceError({ code: 'COHERENCE_CORRUPT_RECORD', key, reason: `expected height ${entry.height + 1}` });
      const block = decodeBlock(bytes);
      if (toHex(block.header.parents[0] ?? new Uint8Array()) !== entry.hashHex) {
        throw new CoherenceError({ code: 'COHERENCE_CORRUPT_RECORD', key, reason: 'does not extend the previous finalized block' });
      }
      const state = applyBlock(entry.state, block, this.rules);
      entry = childEntry(entry, block, blockHash(block), readSeal(block.header.consensus), state, this.p);
    }
    return { root: entry, restored: finals.length };
  }

  private restorePending(records: ReadonlyMap<string, Uint8Array>): void {
    for (const [key, value] of records) {
      if (!key.startsWith('tx/')) continue;
      const tx = decodeTransfer(value);
      const id = transferIdHex(tx);
      const r = this.mempool.add(tx, this.chain.head.state);
      if (r.accepted || r.rejection.code === 'MEMPOOL_DUPLICATE') this.acked.add(id);
    }
  }

  // ---- the Engine contract ------------------------------------------------------------------

  handle(input: Input): readonly Out[] {
    const out: Out[] = [];
    switch (input.kind) {
      case 'start':
        this.onStart(input.now, out);
        break;
      case 'transaction':
        this.onClientTx(input.tx, out);
        break;
      case 'message':
        this.onMessage(input.from, input.message, input.now, out);
        break;
      case 'timer':
        if (input.timer === 'refresh') this.onRefresh(input.now, out);
        break;
      case 'job-done':
        this.onJobDone(input.jobId, input.result, input.now, out);
        break;
    }
    return out;
  }

  status(): EngineStatus {
    const head = this.chain.head;
    return Object.freeze({
      finalized: this.log.length,
      height: head.height,
      stateRoot: toHex(this.chain.root.state.root),
      telemetry: Object.freeze({
        headHeight: head.height,
        finalizedHeight: this.chain.root.height,
        difficultyLog2: log2Work(head.target),
        coherenceR: this.lastR,
        negentropy: this.lastR === 0 ? 0 : negentropy(this.lastR),
        mempool: this.mempool.size,
        orphans: this.orphans.size,
        syncHolds: this.counters.syncHolds,
        treeBlocks: this.chain.size,
        mined: this.counters.mined,
        accepted: this.counters.accepted,
        rejected: this.counters.rejected,
        reorgs: this.counters.reorgs,
        maxReorgDepth: this.counters.maxReorgDepth,
        selfishLead: this.selfish?.lead ?? 0,
      }),
    });
  }

  finalizedState(): LedgerState {
    return this.chain.root.state;
  }

  /** The current best chain's head (tests and the API). */
  headEntry(): ChainEntry {
    return this.chain.head;
  }

  /** A block this node holds (tree or recent finalized), by hex hash. */
  entry(hashHex: string): ChainEntry | undefined {
    return this.chain.find(hashHex);
  }

  /** Verified phases received by phase gossip. */
  cachedPhases(hashHex: string): Float64Array | undefined {
    return this.phases.get(hashHex);
  }

  // ---- inputs -------------------------------------------------------------------------------

  private onStart(now: number, out: Out[]): void {
    this.started = true;
    if (this.restoredBlocks > 0) out.push({ kind: 'metric', name: 'restored_blocks', value: this.restoredBlocks });
    out.push({ kind: 'set-timer', timer: 'refresh', at: now + this.p.templateRefreshMs });
    // Transfers acknowledged before a crash go back out to the miners.
    for (const id of this.acked) {
      const tx = this.mempool.get(id);
      if (tx !== undefined) out.push({ kind: 'broadcast', message: { t: 'tx', tx } });
    }
    this.startMining(now, out);
  }

  private onRefresh(now: number, out: Out[]): void {
    out.push({ kind: 'set-timer', timer: 'refresh', at: now + this.p.templateRefreshMs });
    // A job is also started when there is none: mining paused while syncing resumes here once
    // the hold is over (syncing).
    if ((this.mempoolDirty || this.job === null) && this.policy === 'honest') this.startMining(now, out);
  }

  /**
   * Whether this node is behind a chain it cannot connect yet: it holds orphans above its head
   * (a restart, lost blocks; their ancestors are being fetched). k-deep finality assumes the
   * node mines on and measures depth in the heaviest chain, so meanwhile it neither mines nor
   * finalizes, as a Bitcoin node does not mine during its initial block download. Before, a
   * node restarted behind the others mined on its stale tip while it fetched their chain one
   * block per round trip; with more hash power on its side of the loss its fork overtook the
   * chain another node had already finalized k deep (swarm seeds 561 and 835: n = 4, 17-29 %
   * loss, two crash-restarts). At most SYNC_HOLD_INTERVALS target intervals from the first such
   * orphan: a peer's junk orphans, which pass the proof-of-work check against their own claimed
   * target, hold a node no longer, and not again until no orphan is above the head.
   */
  private syncing(now: number): boolean {
    if (this.orphans.maxHeight() <= this.chain.head.height) {
      this.syncingSince = -1;
      return false;
    }
    if (this.syncingSince < 0) this.syncingSince = now;
    return now - this.syncingSince < SYNC_HOLD_INTERVALS * this.p.targetIntervalMs;
  }

  private onClientTx(tx: Transfer, out: Out[]): void {
    const id = transferIdHex(tx);
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    const r = this.mempool.add(tx, this.chain.head.state);
    if (!r.accepted) {
      if (r.rejection.code === 'MEMPOOL_DUPLICATE' && this.acked.has(id)) {
        // A client retry of a transfer already durable here: acknowledge again, re-gossip.
        out.push({ kind: 'persist', key: `tx/${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
        out.push({ kind: 'broadcast', message: { t: 'tx', tx } });
        return;
      }
      if (r.rejection.code === 'MEMPOOL_NONCE_STALE' && this.inUnfinalizedChain(id)) {
        // A client retry of a transfer already in a block of our best chain: it is accepted
        // (durable here too, so a reorg that drops the block brings it back).
        this.acked.add(id);
        out.push({ kind: 'persist', key: `tx/${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
        return;
      }
      if (r.rejection.code === 'MEMPOOL_DUPLICATE') {
        // Known from gossip: make it durable here too before acknowledging.
        this.acked.add(id);
        out.push({ kind: 'persist', key: `tx/${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
        return;
      }
      out.push({ kind: 'tx-rejected', txId: id, code: r.rejection.code });
      return;
    }
    this.acked.add(id);
    this.mempoolDirty = true;
    out.push({ kind: 'persist', key: `tx/${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
    out.push({ kind: 'broadcast', message: { t: 'tx', tx } });
  }

  /** True when transfer `id` is in a block between the finalized root and the head. */
  private inUnfinalizedChain(id: string): boolean {
    const rootHeight = this.chain.root.height;
    for (let e: ChainEntry | undefined = this.chain.head; e !== undefined && e.height > rootHeight; ) {
      if (e.block !== null && e.block.txs.some((tx) => transferIdHex(tx) === id)) return true;
      e = e.block === null ? undefined : this.chain.find(toHex(e.block.header.parents[0]!));
    }
    return false;
  }

  private onMessage(from: NodeIndex, m: CoherenceMessage, now: number, out: Out[]): void {
    switch (m.t) {
      case 'block':
        this.onBlock(from, m.block, m.size, now, out);
        return;
      case 'get-block':
        this.onGetBlock(from, m.hash, out);
        return;
      case 'tx':
        this.onGossipTx(from, m.tx, out);
        return;
      case 'phases':
        this.onPhases(from, m.hash, m.phases, out);
        return;
      case 'sync-request':
        this.onSyncRequest(from, m.fromHeight, now, out);
        return;
    }
  }

  /**
   * Answers with the blocks of our best chain at heights fromHeight, fromHeight + 1, ... (at
   * most MAX_SYNC_BLOCKS, one `block` message each, oldest first so that each connects to the
   * one before): finalized ones from memory (the last KEEP_FINALIZED; older ones the node
   * answers from its `final/<height>` records, sync-server.ts), then the unfinalized best chain.
   * Only a contiguous run starting at fromHeight: a run with a gap would arrive as orphans.
   */
  private onSyncRequest(from: NodeIndex, fromHeight: number, now: number, out: Out[]): void {
    if (this.selfish !== null) return; // a selfish miner reveals nothing on request
    if (now - (this.syncAnsweredAt.get(from) ?? Number.NEGATIVE_INFINITY) < SYNC_ANSWER_MIN_MS) return;
    const head = this.chain.head;
    const root = this.chain.root;
    const last = Math.min(head.height, fromHeight + MAX_SYNC_BLOCKS - 1);
    let sent = 0;
    for (let h = Math.max(1, fromHeight); h <= last; h++) {
      const e = h <= root.height ? this.chain.finalizedAt(h) : this.chain.ancestorAt(head.hashHex, h);
      if (e === undefined || e.block === null) break;
      out.push({ kind: 'send', to: from, message: blockMessage(e.block) });
      sent++;
    }
    if (sent > 0) this.syncAnsweredAt.set(from, now);
  }

  /**
   * Range catch-up. A node that sees a block at least two blocks missing above its head (after
   * a restart or a partition; one missing block is fetched by the orphan path alone) asks the peer that showed it for its chain from head + 1, 32 blocks at a time,
   * instead of fetching parent by parent through the orphan pool: the pool holds 256 blocks and
   * peers keep 1,024 finalized ones in memory, so a node further behind never caught up (issue
   * 6: restart with 10,000 blocks behind). The next batch is asked for as soon as the last one
   * connected, or after SYNC_RETRY_MS if it did not (lost, or shorter). Blocks arrive as
   * ordinary `block` messages and are validated as such (seal, difficulty, parent, transfers):
   * a sync answer adds no trust. A first block that does not connect (our head is on a fork)
   * becomes an orphan, and the orphan path fetches the fork point parent by parent.
   */
  private maybeRequestSync(now: number, out: Out[]): void {
    const head = this.chain.head;
    if (this.syncPeer < 0 || this.syncTip <= head.height + SYNC_MIN_GAP) return;
    const asked = this.syncAskedAt > Number.NEGATIVE_INFINITY;
    const batchDone = asked && head.height >= this.syncAskedFrom + MAX_SYNC_BLOCKS - 1;
    if (!batchDone && now - this.syncAskedAt < SYNC_RETRY_MS) return;
    if (!batchDone && asked && head.height < this.syncAskedFrom) {
      // The last request brought nothing that connected: the target falls back to what the
      // latest peer showed (syncPeer is that peer), so a Byzantine peer's unbacked height does
      // not keep us asking it; if that is not above us either, stop.
      this.syncTip = this.lastShownHeight;
      if (this.syncTip <= head.height + SYNC_MIN_GAP) return;
    }
    this.syncAskedAt = now;
    this.syncAskedFrom = head.height + 1;
    out.push({ kind: 'send', to: this.syncPeer, message: { t: 'sync-request', fromHeight: head.height + 1 } });
  }

  /** Notes that `from` showed a block at `height`; the latest peer above us is asked next. */
  private noteTip(from: NodeIndex, height: number): void {
    if (height <= this.chain.head.height + SYNC_MIN_GAP) return;
    this.syncPeer = from;
    this.lastShownHeight = height;
    this.syncTip = Math.max(this.syncTip, height);
  }

  private onGossipTx(from: NodeIndex, tx: Transfer, out: Out[]): void {
    if (this.policy !== 'honest') return;
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    const r = this.mempool.add(tx, this.chain.head.state);
    if (r.accepted) this.mempoolDirty = true;
    else if (r.rejection.code === 'MEMPOOL_BAD_SIGNATURE' || r.rejection.code === 'MEMPOOL_MALFORMED' || r.rejection.code === 'MEMPOOL_WRONG_CHAIN') {
      out.push({ kind: 'penalize', peer: from, code: r.rejection.code, weight: 1 });
    }
  }

  private onGetBlock(from: NodeIndex, hash: Uint8Array, out: Out[]): void {
    const hex = toHex(hash);
    if (this.selfish !== null && !this.selfish.published.has(hex)) return; // never reveal the private chain
    const e = this.chain.find(hex);
    if (e?.block !== null && e?.block !== undefined) out.push({ kind: 'send', to: from, message: blockMessage(e.block) });
  }

  private onPhases(from: NodeIndex, hash: Uint8Array, phases: Float64Array, out: Out[]): void {
    const hex = toHex(hash);
    const e = this.chain.find(hex);
    if (e === undefined || e.block === null || this.phases.get(hex) !== undefined) return;
    out.push({ kind: 'cost', op: 'kuramoto-step', count: this.p.preset / 63 }, { kind: 'cost', op: 'hash', count: 1 });
    try {
      verifyPhases(phases, readSeal(e.block.header.consensus), this.p.preset);
    } catch (err) {
      if (!(err instanceof CoherenceError)) throw err;
      out.push({ kind: 'penalize', peer: from, code: err.code, weight: 5 });
      return;
    }
    this.phases.put(hex, phases);
  }

  // ---- blocks -------------------------------------------------------------------------------

  private onBlock(from: NodeIndex, block: Block, size: number, now: number, out: Out[]): void {
    out.push({ kind: 'cost', op: 'hash', count: 1 });
    const hash = blockHash(block);
    const hex = toHex(hash);
    if (this.chain.find(hex) !== undefined) return;
    if (this.orphans.has(hex)) {
      // A block we hold as an orphan, again: its chain still misses an ancestor, ask again (the
      // first request or its answer may have been lost).
      this.requestMissing(from, toHex(block.header.parents[0]!), out);
      return;
    }
    const parents = block.header.parents;
    if (parents.length !== 1) {
      this.reject(from, new CoherenceError({ code: 'COHERENCE_BAD_PARENT', reason: `${parents.length} parents` }), out);
      return;
    }
    const parentHex = toHex(parents[0]!);
    if (this.chain.node(parentHex) === undefined) {
      this.onUnconnected(from, block, size, parentHex, now, out);
      return;
    }
    this.connect(from, block, size, now, out);
  }

  /** A block whose parent is not in the tree: below finality (ignored) or an orphan. */
  private onUnconnected(from: NodeIndex, block: Block, size: number, parentHex: string, now: number, out: Out[]): void {
    const root = this.chain.root;
    if (this.chain.isFinalizedHash(parentHex) || block.header.height <= root.height) {
      // A fork below our finalized block: never adopted. Not a fault (a slow honest peer).
      out.push({ kind: 'metric', name: 'below_finalized', value: block.header.height });
      return;
    }
    try {
      checkSize(block, size, this.p);
      readSeal(block.header.consensus);
      if (this.orphans.add(block, from, size)) this.requestMissing(from, parentHex, out);
      this.noteTip(from, block.header.height);
      this.maybeRequestSync(now, out);
    } catch (err) {
      if (!(err instanceof CoherenceError)) throw err;
      if (err.code === 'COHERENCE_ORPHAN_POOL_FULL' || err.code === 'COHERENCE_ORPHAN_PEER_FULL') {
        this.counters.orphansRefused++;
        out.push({ kind: 'metric', name: 'orphans_refused', value: this.counters.orphansRefused });
        return;
      }
      this.reject(from, err, out);
    }
  }

  /**
   * Asks `from` for the block the orphan chain above `parentHex` misses. Not just the direct
   * parent: when that parent is itself a held orphan (its own request or the answer was lost),
   * asking for it again would return a block we hold and the chain would never connect; a
   * restarted node behind by many blocks then mined alone on its stale tip and finalized its own
   * fork (found by the swarm: `thermo sim fuzz --engine coherence --seed 3233365987 --max-nodes 7`).
   * Every new block above the gap asks again, so the fetch retries at the block rate.
   */
  private requestMissing(from: NodeIndex, parentHex: string, out: Out[]): void {
    const missing = this.orphans.missingAncestor(parentHex);
    if (this.chain.node(missing) !== undefined || this.chain.isFinalizedHash(missing)) return;
    out.push({ kind: 'send', to: from, message: { t: 'get-block', hash: fromHex(missing) } });
  }

  /** Validates a block whose parent is in the tree, adds it, then any orphans waiting for it. */
  private connect(from: NodeIndex, first: Block, firstSize: number, now: number, out: Out[]): void {
    const queue: { from: NodeIndex; block: Block; size: number }[] = [{ from, block: first, size: firstSize }];
    while (queue.length > 0) {
      const { from: sender, block, size } = queue.shift()!;
      const parentHex = toHex(block.header.parents[0]!);
      const parentNode = this.chain.node(parentHex);
      if (parentNode === undefined) continue; // its parent was pruned meanwhile
      const parent = parentNode.block;
      let entry: ChainEntry;
      this.chargeValidation(block, out);
      try {
        const check = checkBlock(block, size, parent, now, this.p, this.rules);
        entry = childEntry(parent, block, check.hash, check.seal, check.state, this.p);
      } catch (err) {
        if (!(err instanceof CoherenceError)) throw err;
        this.reject(sender, err, out);
        continue;
      }
      this.counters.accepted++;
      this.lastR = readSeal(block.header.consensus).r;
      out.push({ kind: 'metric', name: 'coherence_r', value: this.lastR });
      const before = this.chain.head;
      this.chain.add(entry, parentHex, blockWork(entry.target));
      if (this.selfish !== null) {
        for (const b of this.selfish.onOthersBlock(entry)) this.publish(b, out);
      } else {
        this.relay(entry, sender, out);
      }
      this.afterAdd(before, now, out);
      for (const o of this.orphans.takeChildren(entry.hashHex)) queue.push({ from: o.from, block: o.block, size: o.size });
    }
    this.maybeRequestSync(now, out);
  }

  private chargeValidation(block: Block, out: Out[]): void {
    let t = 0;
    try {
      t = readSeal(block.header.consensus).t;
    } catch {
      t = 0;
    }
    const steps = (Math.min(t, this.p.maxSteps) * this.p.preset) / 63;
    out.push(
      { kind: 'cost', op: 'hash', count: 2 },
      { kind: 'cost', op: 'kuramoto-step', count: steps },
      { kind: 'cost', op: 'tx-apply', count: block.txs.length },
      { kind: 'cost', op: 'sig-verify', count: block.txs.length },
    );
  }

  private reject(from: NodeIndex, err: CoherenceError, out: Out[]): void {
    this.counters.rejected++;
    out.push({ kind: 'penalize', peer: from, code: err.code, weight: penaltyWeight(err.code) });
  }

  private relay(entry: ChainEntry, from: NodeIndex, out: Out[]): void {
    if (entry.block === null || this.p.relayFanout === 0) return;
    const n = this.ctx.validators.length;
    const peers: number[] = [];
    for (let i = 0; i < n; i++) if (i !== this.ctx.self && i !== from) peers.push(i);
    const chosen = this.p.relayFanout >= peers.length ? peers : this.ctx.rng.shuffled(peers).slice(0, this.p.relayFanout);
    const message = blockMessage(entry.block);
    for (const to of chosen) out.push({ kind: 'send', to, message });
  }

  private publish(entry: ChainEntry, out: Out[]): void {
    if (entry.block === null) return;
    out.push({ kind: 'broadcast', message: blockMessage(entry.block) });
  }

  /** After a block entered the tree: a new head moves the mempool, finalizes, restarts mining. */
  private afterAdd(before: ChainEntry, now: number, out: Out[]): void {
    const head = this.chain.head;
    if (head.hashHex === before.hashHex) {
      if (this.selfish !== null) this.startMining(now, out);
      return;
    }
    const path = this.chain.reorgPath(before.hashHex, head.hashHex);
    if (path.revert.length > 0) {
      this.counters.reorgs++;
      this.counters.maxReorgDepth = Math.max(this.counters.maxReorgDepth, path.revert.length);
      out.push({ kind: 'metric', name: 'reorg_depth', value: path.revert.length });
      // Transfers of abandoned blocks go back to the pool (those also in the new chain fail the
      // nonce check there and are dropped).
      for (const id of path.revert) {
        const e = this.chain.find(id);
        if (e?.block !== null && e?.block !== undefined) for (const tx of e.block.txs) this.mempool.add(tx, head.state);
      }
    }
    const included: string[] = [];
    for (const id of path.apply) {
      const e = this.chain.find(id);
      if (e?.block !== null && e?.block !== undefined) for (const tx of e.block.txs) included.push(transferIdHex(tx));
    }
    this.mempool.onBlockCommitted(head.state, included);
    out.push({ kind: 'metric', name: 'height', value: head.height }, { kind: 'metric', name: 'difficulty_log2', value: log2Work(head.target) });
    if (this.selfish === null) this.finalize(now, out);
    this.startMining(now, out);
  }

  private finalize(now: number, out: Out[]): void {
    if (this.syncing(now)) return;
    const done = this.chain.finalize(this.p.confirmations);
    if (done.length === 0) return;
    for (const e of done) {
      if (e.block === null) continue;
      const txIds = e.block.txs.map(transferIdHex);
      out.push({ kind: 'persist', key: finalKey(e.height), value: encodeBlock(e.block), sync: true });
      const entry = this.log.append({
        slot: `h:${e.height}`,
        value: e.hashHex,
        txIds,
        height: e.height,
        stateRoot: toHex(e.state.root),
        supply: e.state.supply,
        minted: e.minted,
      });
      if (entry !== null) out.push({ kind: 'finalize', entry });
      for (const id of txIds) {
        if (this.acked.delete(id)) out.push({ kind: 'persist', key: `tx/${id}`, value: null, sync: false });
      }
    }
    this.orphans.dropAtOrBelow(this.chain.root.height);
    out.push({ kind: 'metric', name: 'finalized_height', value: this.chain.root.height });
  }

  // ---- mining -------------------------------------------------------------------------------

  private miningParent(): ChainEntry {
    return this.selfish !== null ? this.selfish.miningParent : this.chain.head;
  }

  private startMining(now: number, out: Out[]): void {
    if (!this.started) return;
    if (this.selfish === null && this.syncing(now)) {
      if (this.job !== null) {
        out.push({ kind: 'cancel-job', jobId: this.job.jobId });
        this.job = null;
      }
      this.counters.syncHolds++;
      return;
    }
    const parent = this.miningParent();
    if (this.job !== null) {
      if (this.job.parent.hashHex === parent.hashHex && !this.mempoolDirty) return;
      out.push({ kind: 'cancel-job', jobId: this.job.jobId });
      this.job = null;
    }
    const txs = this.selfish === null ? this.mempool.select(this.p.maxTxsPerBlock, this.p.maxBlockBytes - BLOCK_HEADROOM_BYTES) : [];
    const target = nextTarget(parent, this.p);
    const timestamp = Math.max(Math.floor(now), medianTimePast(parent.recentTimestamps) + 1);
    const proposal = proposeBlock(
      parent.state,
      {
        height: parent.height + 1,
        parents: [parent.hash],
        timestamp,
        proposer: this.ctx.keyPair.publicKey,
        txs,
        consensus: { target: targetBytes(target) },
      },
      this.rules,
    );
    out.push({ kind: 'cost', op: 'tx-apply', count: txs.length });
    for (const r of proposal.rejected) this.mempool.remove(transferIdHex(r.tx));
    this.mempoolDirty = false;
    const jobId = `mine-${++this.jobSeq}`;
    const startNonce = this.ctx.rng.nextU32() * 1024;
    this.job = { jobId, parent, block: proposal.block, state: proposal.state, nextNonce: startNonce };
    this.emitJob(out);
  }

  private emitJob(out: Out[]): void {
    const j = this.job!;
    const target = nextTarget(j.parent, this.p);
    const job: MiningJob = Object.freeze({
      template: j.block.header,
      target,
      threshold: hashThreshold(target, this.p.hashScaleLog2),
      preset: this.p.preset,
      maxSteps: this.p.maxSteps,
      startNonce: j.nextNonce,
      stride: 1,
      maxAttempts: REAL_JOB_ATTEMPTS,
      simAttemptsPerSecond: this.p.simAttemptsPerSecond,
      simSuccessRate: this.p.simSuccessRate,
    });
    out.push({ kind: 'job', jobId: j.jobId, job });
  }

  private onJobDone(jobId: string, result: MiningResult, now: number, out: Out[]): void {
    const j = this.job;
    if (j === null || j.jobId !== jobId) return;
    const header = result.header;
    if (header === null) {
      // The nonce range is exhausted without a block: continue from where it stopped.
      j.nextNonce += result.attempts;
      this.job = { ...j, jobId: `mine-${++this.jobSeq}` };
      this.emitJob(out);
      return;
    }
    this.job = null;
    const block = makeBlock(header, j.block.txs);
    let entry: ChainEntry;
    try {
      // Defensive: our own block passes the same header checks as a peer's (the state is the
      // template's, which proposeBlock computed from the same transfers).
      const check = checkHeader(header, j.parent, now, this.p, this.ctx.chainId);
      entry = childEntry(j.parent, block, check.hash, check.seal, j.state, this.p);
    } catch (err) {
      if (!(err instanceof CoherenceError) && !(err instanceof LedgerError)) throw err;
      out.push({ kind: 'metric', name: 'own_block_invalid', value: 1 });
      this.startMining(now, out);
      return;
    }
    this.counters.mined++;
    this.lastR = readSeal(header.consensus).r;
    const before = this.chain.head;
    if (this.chain.node(j.parent.hashHex) === undefined) {
      // The parent was pruned (finalized away) while mining: the block is stale.
      this.startMining(now, out);
      return;
    }
    this.chain.add(entry, j.parent.hashHex, blockWork(entry.target));
    out.push({ kind: 'metric', name: 'mined', value: this.counters.mined });
    if (this.selfish !== null) {
      for (const b of this.selfish.onOwnBlock(entry)) this.publish(b, out);
    } else {
      out.push({ kind: 'broadcast', message: blockMessage(block) });
      if (this.p.gossipPhases) this.gossipPhases(entry, out);
    }
    this.afterAdd(before, now, out);
    if (this.job === null) this.startMining(now, out);
  }

  private gossipPhases(entry: ChainEntry, out: Out[]): void {
    if (entry.block === null) return;
    const seal = readSeal(entry.block.header.consensus);
    const k = sharedKernel(this.p.preset);
    k.run(seedFor(sealPreimage(entry.block.header), seal.nonce), seal.t);
    out.push({ kind: 'broadcast', message: { t: 'phases', hash: entry.hash, phases: Float64Array.from(k.phases) } });
  }
}

function log2Work(target: bigint): number {
  const w = blockWork(target);
  const bits = w.toString(2).length;
  // log2 to about 6 significant digits: enough for a gauge (never used in consensus).
  const top = Number(w >> BigInt(Math.max(0, bits - 53)));
  return Math.max(0, bits - 53) + dmath.log(top) / dmath.LN2;
}

