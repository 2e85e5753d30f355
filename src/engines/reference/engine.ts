/**
 * The reference engine: a fixed-leader, vote-based finality protocol, small enough to read in
 * one sitting. It is a TEST FIXTURE for the simulator (it exercises every effect kind and every
 * invariant checker), not one of the designs Thermo measures.
 *
 * Protocol (n validators, f = floor((n - 1) / 3), quorum q = quorumSize(n), which is 2f + 1
 * when n = 3f + 1 and larger otherwise, so that any two quorums share an honest validator):
 *  - Validator 0 is the leader forever. Clients submit transfers to any validator; a replica
 *    checks it against its mempool, makes it durable (`persist` with `ack`) and forwards it to
 *    the leader.
 *  - Every blockIntervalMs, if its previous block is final, the leader builds a block on its
 *    finalized state (ledger proposeBlock: header + transfers + state root), persists it and
 *    broadcasts it.
 *  - A validator votes for the first valid proposal at height h = its finalized height + 1:
 *    the block must extend its last finalized block and apply cleanly (ledger applyBlock). The
 *    vote (a signature over chain id, height, block hash) is persisted before it is sent, so a
 *    restart never votes twice at a height. Votes go to everyone.
 *  - A validator finalizes height h when it holds the block and q votes for its hash.
 *  - Recovery: own vote, open proposal and forwarded transfers are retransmitted every
 *    retransmitMs while nothing changes; a validator that sees it is behind asks a peer for
 *    finalized blocks with their quorum certificates (sync-request / sync-block).
 * Safety: two different blocks at one height would each need q votes; two quorums share an
 * honest validator, which votes once per height. So it is safe with up to f Byzantine
 * validators of any behaviour. Liveness: none if the leader is Byzantine (silent or
 * equivocating): there is no view change. That is deliberate; PBFT and HotStuff have one.
 *
 * The BROKEN mode (definition 'reference-broken') finalizes a block as soon as the proposal is
 * valid, without waiting for votes. With an equivocating leader, honest validators then
 * finalize different blocks at the same height: the control run for the agreement checker.
 */
import { toHex } from '../../core/index.js';
import type { KeyPair } from '../../core/index.js';
import {
  LedgerError,
  Mempool,
  applyBlock,
  blockHash,
  decodeTransfer,
  encodeBlock,
  encodeTransfer,
  proposeBlock,
  transferIdHex,
  MAX_BLOCK_BYTES,
  decodeBlock,
} from '../../ledger/index.js';
import type { Block, ChainRules, LedgerState, Transfer } from '../../ledger/index.js';
import { FinalizedLog, VoteSet, quorumSize } from '../../protocol/index.js';
import type { Effect, Engine, EngineContext, EngineInput, EngineStatus, NodeIndex } from '../../protocol/index.js';
import { decode, encode, readArray, readBytes, taggedHash, utf8 } from '../../core/index.js';
import { RefError } from './errors.js';
import type { CertVote, RefMessage } from './messages.js';
import { MAX_SYNC_BLOCKS, decodeFinalRecord, encodeFinalRecord, signVote, verifyVote } from './messages.js';
import type { ReferenceParams } from './params.js';

export const LEADER: NodeIndex = 0;
/** Heights ahead of the finalized one for which votes and proposals are kept. */
export const LOOKAHEAD = 64;
/** Default number of finalized blocks kept in memory to answer sync requests (params.keepFinalBlocks). */
export const KEEP_FINAL_BLOCKS = 1024;
/** Forwarded transfers retransmitted per retransmission tick, at most. */
export const MAX_REFORWARD = 256;

export interface ReferenceMode {
  /** The deliberately broken variant: finalize on a valid proposal, without votes. */
  readonly finalizeOnProposal: boolean;
}

type Out = Effect<RefMessage>;
type Input = EngineInput<RefMessage>;

interface Candidate {
  readonly block: Block;
  readonly state: LedgerState;
  readonly height: number;
  readonly hashHex: string;
}

interface MyVote {
  readonly hashHex: string;
  readonly hash: Uint8Array;
  readonly signature: Uint8Array;
}

interface PendingTx {
  readonly tx: Transfer;
  forwardedAt: number;
}

/** Id of the (virtual) block before height 1: binds the chain id and the genesis state root. */
export function genesisBlockHash(chainId: string, genesis: LedgerState): Uint8Array {
  return taggedHash('thermo/ref/genesis', utf8(chainId), genesis.root);
}

export class ReferenceEngine implements Engine<RefMessage> {
  private readonly n: number;
  private readonly quorum: number;
  private readonly rules: ChainRules;
  private readonly keyPair: KeyPair;
  private readonly isLeader: boolean;
  private readonly log: FinalizedLog;
  private readonly mempool: Mempool;
  private state: LedgerState;
  private height = 0;
  private lastHash: Uint8Array;
  private readonly candidates = new Map<string, Candidate>();
  /** Proposals above the next height, waiting for their parent. */
  private readonly future = new Map<number, Block>();
  private readonly votes = new Map<number, VoteSet<Uint8Array>>();
  /** Verified votes per height: voter -> hash hex (to skip re-verifying duplicates). */
  private readonly heard = new Map<number, Map<number, string>>();
  private readonly myVotes = new Map<number, MyVote>();
  private readonly finalBlocks = new Map<number, { readonly block: Block; readonly cert: readonly CertVote[] }>();
  private readonly pending = new Map<string, PendingTx>();
  /** Leader: its open proposal. */
  private open: Candidate | null = null;
  /** Highest height some peer showed us, and who. */
  private aheadHeight = 0;
  private aheadPeer = -1;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  /** Last height the latest sync request asked for. */
  private syncUpTo = 0;
  /** Sync answers that arrived before their parent (reordering), by height. */
  private readonly syncBuffer = new Map<number, { readonly from: NodeIndex; readonly block: Block; readonly cert: readonly CertVote[] }>();
  private progressAt = 0;
  private readonly restoreCost: number;

  constructor(
    private readonly ctx: EngineContext<ReferenceParams>,
    private readonly mode: ReferenceMode,
  ) {
    this.n = ctx.validators.length;
    this.quorum = quorumSize(this.n);
    this.rules = Object.freeze({ chainId: ctx.chainId, blockReward: BigInt(ctx.params.blockReward), maxTxsPerBlock: ctx.params.maxTxsPerBlock });
    this.keyPair = ctx.keyPair;
    this.isLeader = ctx.self === LEADER;
    this.state = ctx.genesis;
    this.lastHash = genesisBlockHash(ctx.chainId, ctx.genesis);
    this.mempool = new Mempool({ chainId: ctx.chainId });
    this.restoreCost = this.restore(ctx.restored);
    this.log = new FinalizedLog(this.height);
  }

  // ---- restart -------------------------------------------------------------------------------

  /** Rebuilds the finalized chain, own votes and pending transfers; returns transfers re-applied. */
  private restore(records: ReadonlyMap<string, Uint8Array>): number {
    const blocks: { h: number; bytes: Uint8Array }[] = [];
    for (const [key, value] of records) {
      if (key.startsWith('block/')) blocks.push({ h: Number(key.slice(6)), bytes: value });
    }
    blocks.sort((a, b) => a.h - b.h);
    let applied = 0;
    for (const { h, bytes } of blocks) {
      if (h !== this.height + 1) throw new RefError({ code: 'REF_CORRUPT_RECORD', key: `block/${h}`, reason: `expected height ${this.height + 1}` });
      const { block, cert } = decodeFinalRecord(bytes);
      this.state = applyBlock(this.state, block, this.rules);
      applied += block.txs.length;
      this.height = h;
      this.lastHash = blockHash(block);
      this.keepFinal(h, block, cert);
    }
    for (const [key, value] of records) {
      if (key.startsWith('vote/')) {
        const h = Number(key.slice(5));
        if (h <= this.height) continue;
        const items = readArray(decode(value), 'vote record', 2);
        const hash = readBytes(items[0], 'vote.hash', 32);
        this.myVotes.set(h, { hashHex: toHex(hash), hash, signature: readBytes(items[1], 'vote.signature', 64) });
      } else if (key.startsWith('proposal/') && this.isLeader) {
        const h = Number(key.slice(9));
        if (h !== this.height + 1) continue;
        const block = decodeBlock(value);
        const state = applyBlock(this.state, block, this.rules);
        const c: Candidate = { block, state, height: h, hashHex: toHex(blockHash(block)) };
        this.candidates.set(c.hashHex, c);
        this.open = c;
      }
    }
    for (const [key, value] of records) {
      if (!key.startsWith('tx/')) continue;
      const tx = decodeTransfer(value);
      const r = this.mempool.add(tx, this.state);
      if (r.accepted) this.pending.set(transferIdHex(tx), { tx, forwardedAt: Number.NEGATIVE_INFINITY });
    }
    return applied;
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
        this.onMessage(input.from, input.message, input.now, out);
        break;
      case 'timer':
        if (input.timer === 'propose') this.onProposeTimer(input.now, out);
        else if (input.timer === 'retransmit') this.onRetransmit(input.now, out);
        break;
      case 'job-done':
        break;
    }
    return out;
  }

  status(): EngineStatus {
    return Object.freeze({
      finalized: this.log.length,
      height: this.height,
      stateRoot: toHex(this.state.root),
      telemetry: Object.freeze({ mempool: this.mempool.size, pending: this.pending.size }),
    });
  }

  finalizedState(): LedgerState {
    return this.state;
  }

  // ---- inputs --------------------------------------------------------------------------------

  private onStart(now: number, out: Out[]): void {
    if (this.restoreCost > 0) out.push({ kind: 'cost', op: 'tx-apply', count: this.restoreCost });
    this.progressAt = now;
    if (this.isLeader) {
      out.push({ kind: 'set-timer', timer: 'propose', at: now + this.ctx.params.blockIntervalMs });
      if (this.open !== null) out.push({ kind: 'broadcast', message: { t: 'proposal', block: this.open.block } });
    }
    out.push({ kind: 'set-timer', timer: 'retransmit', at: now + this.ctx.params.retransmitMs });
    // Transfers acknowledged before a crash go (back) to the leader.
    if (!this.isLeader) for (const p of this.pending.values()) this.forward(p, now, out);
  }

  private onClientTx(tx: Transfer, now: number, out: Out[]): void {
    const id = transferIdHex(tx);
    const r = this.mempool.add(tx, this.state);
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!r.accepted) {
      const existing = this.pending.get(id);
      if (r.rejection.code === 'MEMPOOL_DUPLICATE' && existing !== undefined) {
        // A client retry: it is already durable here; make sure the leader has it.
        out.push({ kind: 'persist', key: `tx/${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
        if (!this.isLeader) this.forward(existing, now, out);
        return;
      }
      out.push({ kind: 'tx-rejected', txId: id, code: r.rejection.code });
      return;
    }
    const p: PendingTx = { tx, forwardedAt: Number.NEGATIVE_INFINITY };
    this.pending.set(id, p);
    out.push({ kind: 'persist', key: `tx/${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
    if (!this.isLeader) this.forward(p, now, out);
  }

  private forward(p: PendingTx, now: number, out: Out[]): void {
    p.forwardedAt = now;
    out.push({ kind: 'send', to: LEADER, message: { t: 'tx', tx: p.tx } });
  }

  private onMessage(from: NodeIndex, m: RefMessage, now: number, out: Out[]): void {
    switch (m.t) {
      case 'tx':
        this.onForwardedTx(from, m.tx, out);
        return;
      case 'proposal':
        this.onProposal(from, m.block, now, out);
        return;
      case 'vote':
        this.onVote(from, m.height, m.hash, m.signature, now, out);
        return;
      case 'sync-request':
        this.onSyncRequest(from, m.fromHeight, now, out);
        return;
      case 'sync-block':
        this.onSyncBlock(from, m.block, m.cert, now, out);
        return;
    }
  }

  private onForwardedTx(from: NodeIndex, tx: Transfer, out: Out[]): void {
    if (!this.isLeader) return;
    const r = this.mempool.add(tx, this.state);
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!r.accepted && (r.rejection.code === 'MEMPOOL_BAD_SIGNATURE' || r.rejection.code === 'MEMPOOL_MALFORMED')) {
      out.push({ kind: 'penalize', peer: from, code: r.rejection.code, weight: 1 });
    }
  }

  private onProposal(from: NodeIndex, block: Block, now: number, out: Out[]): void {
    if (from !== LEADER) {
      out.push({ kind: 'penalize', peer: from, code: 'REF_NOT_LEADER', weight: 1 });
      return;
    }
    const h = block.header.height;
    if (h <= this.height) return;
    if (h > this.height + 1) {
      if (h <= this.height + LOOKAHEAD && this.future.size < LOOKAHEAD) this.future.set(h, block);
      this.sawAhead(from, h - 1);
      return;
    }
    this.considerProposal(from, block, now, out);
  }

  /** A proposal for exactly the next height. */
  private considerProposal(from: NodeIndex, block: Block, now: number, out: Out[]): void {
    const h = block.header.height;
    const hashHex = toHex(blockHash(block));
    out.push({ kind: 'cost', op: 'hash', count: 1 });
    const mine = this.myVotes.get(h);
    if (mine !== undefined && mine.hashHex !== hashHex) {
      out.push({ kind: 'penalize', peer: from, code: 'REF_EQUIVOCATION', weight: 10 });
      return;
    }
    let candidate = this.candidates.get(hashHex);
    if (candidate === undefined) {
      const parents = block.header.parents;
      if (parents.length !== 1 || toHex(parents[0]!) !== toHex(this.lastHash)) {
        out.push({ kind: 'penalize', peer: from, code: 'REF_BAD_PARENT', weight: 1 });
        return;
      }
      if (toHex(block.header.proposer) !== toHex(this.ctx.validators[LEADER]!)) {
        out.push({ kind: 'penalize', peer: from, code: 'REF_BAD_PROPOSER', weight: 1 });
        return;
      }
      let state: LedgerState;
      out.push({ kind: 'cost', op: 'tx-apply', count: block.txs.length }, { kind: 'cost', op: 'sig-verify', count: block.txs.length });
      try {
        state = applyBlock(this.state, block, this.rules);
      } catch (err) {
        if (!(err instanceof LedgerError)) throw err;
        out.push({ kind: 'penalize', peer: from, code: err.code, weight: 1 });
        return;
      }
      candidate = Object.freeze({ block, state, height: h, hashHex });
      this.candidates.set(hashHex, candidate);
    }
    if (this.mode.finalizeOnProposal) {
      // BROKEN on purpose (see the header comment): no votes needed.
      this.commit(candidate, [], now, out);
      this.tryFinalize(now, out);
      return;
    }
    this.vote(candidate, out);
    this.tryFinalize(now, out);
  }

  private vote(c: Candidate, out: Out[]): void {
    let mine = this.myVotes.get(c.height);
    if (mine === undefined) {
      const hash = blockHash(c.block);
      const signature = signVote(this.keyPair, this.ctx.chainId, c.height, hash);
      mine = Object.freeze({ hashHex: c.hashHex, hash, signature });
      this.myVotes.set(c.height, mine);
      out.push({ kind: 'cost', op: 'sig-sign', count: 1 });
      // Durable before it leaves: a restarted validator must not vote again at this height.
      out.push({ kind: 'persist', key: `vote/${c.height}`, value: encode([hash, signature]), sync: true });
      this.count(this.ctx.self, c.height, c.hashHex, signature);
    }
    out.push({ kind: 'broadcast', message: { t: 'vote', height: c.height, hash: mine.hash, signature: mine.signature } });
  }

  private count(voter: NodeIndex, h: number, hashHex: string, signature: Uint8Array): 'counted' | 'duplicate' | 'equivocation' {
    let vs = this.votes.get(h);
    if (vs === undefined) {
      vs = new VoteSet<Uint8Array>(this.n);
      this.votes.set(h, vs);
      this.heard.set(h, new Map());
    }
    this.heard.get(h)!.set(voter, hashHex);
    return vs.add(voter, hashHex, signature).kind;
  }

  private onVote(from: NodeIndex, h: number, hash: Uint8Array, signature: Uint8Array, now: number, out: Out[]): void {
    if (h <= this.height || h > this.height + LOOKAHEAD) {
      if (h > this.height) this.sawAhead(from, h - LOOKAHEAD);
      return;
    }
    const hashHex = toHex(hash);
    const prior = this.heard.get(h)?.get(from);
    if (prior === hashHex) return; // a retransmission we already counted
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    if (!verifyVote(this.ctx.validators[from]!, this.ctx.chainId, h, hash, signature)) {
      out.push({ kind: 'penalize', peer: from, code: 'REF_BAD_VOTE_SIGNATURE', weight: 5 });
      return;
    }
    if (prior !== undefined) {
      out.push({ kind: 'penalize', peer: from, code: 'REF_EQUIVOCATION', weight: 10 });
      return;
    }
    this.count(from, h, hashHex, signature);
    if (h > this.height + 1 && (this.votes.get(h)?.valueWith(this.quorum) ?? undefined) !== undefined) this.sawAhead(from, h);
    this.tryFinalize(now, out);
  }

  /** Finalizes the next heights while a quorum and the block are at hand. */
  private tryFinalize(now: number, out: Out[]): void {
    for (;;) {
      const h = this.height + 1;
      const vs = this.votes.get(h);
      const value = vs?.valueWith(this.quorum);
      if (vs === undefined || value === undefined) return;
      const c = this.candidates.get(value);
      if (c === undefined) {
        // A quorum for a block we never received: catch up from one of its voters.
        const voter = vs.certificate(value).find((v) => v.voter !== this.ctx.self);
        if (voter !== undefined) this.sawAhead(voter.voter, h);
        this.requestSync(now, out);
        return;
      }
      this.commit(c, vs.certificate(value), now, out);
    }
  }

  private commit(c: Candidate, cert: readonly CertVote[], now: number, out: Out[]): void {
    const h = c.height;
    this.state = c.state;
    this.height = h;
    this.lastHash = blockHash(c.block);
    this.progressAt = now;
    const txIds = c.block.txs.map(transferIdHex);
    out.push({ kind: 'persist', key: `block/${h}`, value: encodeFinalRecord(c.block, cert), sync: true });
    // Records of this height are no longer needed (a lost delete is harmless: restore skips them).
    if (this.myVotes.has(h)) out.push({ kind: 'persist', key: `vote/${h}`, value: null, sync: false });
    if (this.isLeader && this.open !== null && this.open.height === h) out.push({ kind: 'persist', key: `proposal/${h}`, value: null, sync: false });
    const entry = this.log.append({
      slot: `h:${h}`,
      value: c.hashHex,
      txIds,
      height: h,
      stateRoot: toHex(c.state.root),
      supply: c.state.supply,
      minted: this.rules.blockReward * BigInt(h),
    });
    if (entry !== null) out.push({ kind: 'finalize', entry });
    const dropped = this.mempool.onBlockCommitted(c.state, txIds);
    for (const id of txIds) this.forget(id, out);
    for (const d of dropped) this.forget(d.txIdHex, out);
    this.keepFinal(h, c.block, cert);
    for (const [k, cand] of this.candidates) if (cand.height <= h) this.candidates.delete(k);
    for (const k of [...this.votes.keys()]) {
      if (k <= h) {
        this.votes.delete(k);
        this.heard.delete(k);
      }
    }
    for (const k of [...this.myVotes.keys()]) if (k <= h) this.myVotes.delete(k);
    if (this.open !== null && this.open.height <= h) this.open = null;
    out.push({ kind: 'metric', name: 'height', value: h }, { kind: 'metric', name: 'mempool', value: this.mempool.size });
    // A proposal for the new next height may already be waiting.
    for (const k of [...this.future.keys()]) if (k <= h) this.future.delete(k);
    const next = this.future.get(h + 1);
    if (next !== undefined) {
      this.future.delete(h + 1);
      this.considerProposal(LEADER, next, now, out);
    }
  }

  private forget(id: string, out: Out[]): void {
    if (!this.pending.delete(id)) return;
    out.push({ kind: 'persist', key: `tx/${id}`, value: null, sync: false });
  }

  private keepFinal(h: number, block: Block, cert: readonly CertVote[]): void {
    this.finalBlocks.set(h, { block, cert });
    this.finalBlocks.delete(h - this.ctx.params.keepFinalBlocks);
  }

  // ---- leader --------------------------------------------------------------------------------

  private onProposeTimer(now: number, out: Out[]): void {
    out.push({ kind: 'set-timer', timer: 'propose', at: now + this.ctx.params.blockIntervalMs });
    if (this.open !== null) return;
    const txs = this.mempool.select(this.ctx.params.maxTxsPerBlock, MAX_BLOCK_BYTES - 64 * 1024);
    const proposal = proposeBlock(
      this.state,
      {
        height: this.height + 1,
        parents: [this.lastHash],
        timestamp: Math.max(0, Math.floor(now)),
        proposer: this.keyPair.publicKey,
        txs,
      },
      this.rules,
    );
    out.push({ kind: 'cost', op: 'tx-apply', count: txs.length }, { kind: 'cost', op: 'hash', count: 1 });
    for (const r of proposal.rejected) {
      const id = transferIdHex(r.tx);
      this.mempool.remove(id);
      this.forget(id, out);
    }
    const block = proposal.block;
    const c: Candidate = Object.freeze({ block, state: proposal.state, height: this.height + 1, hashHex: toHex(blockHash(block)) });
    this.candidates.set(c.hashHex, c);
    this.open = c;
    out.push({ kind: 'persist', key: `proposal/${c.height}`, value: encodeBlock(block), sync: true });
    out.push({ kind: 'broadcast', message: { t: 'proposal', block } });
    if (this.mode.finalizeOnProposal) {
      this.commit(c, [], now, out);
      return;
    }
    this.vote(c, out);
    this.tryFinalize(now, out);
  }

  // ---- recovery ------------------------------------------------------------------------------

  private onRetransmit(now: number, out: Out[]): void {
    const period = this.ctx.params.retransmitMs;
    out.push({ kind: 'set-timer', timer: 'retransmit', at: now + period });
    if (!this.isLeader) {
      // A forwarded transfer that is still not final after two periods may have been lost.
      let k = 0;
      for (const p of this.pending.values()) {
        if (k >= MAX_REFORWARD) break;
        if (now - p.forwardedAt < 2 * period) continue;
        this.forward(p, now, out);
        k++;
      }
    }
    if (this.aheadHeight > this.height) this.requestSync(now, out);
    if (now - this.progressAt < period) return;
    const mine = this.myVotes.get(this.height + 1);
    if (mine !== undefined) out.push({ kind: 'broadcast', message: { t: 'vote', height: this.height + 1, hash: mine.hash, signature: mine.signature } });
    if (this.open !== null) out.push({ kind: 'broadcast', message: { t: 'proposal', block: this.open.block } });
    if (mine === undefined && !this.isLeader && this.aheadHeight <= this.height) {
      // Nothing to vote on and no progress: maybe the proposal was lost; ask the leader.
      this.aheadPeer = LEADER;
      this.requestSync(now, out, true);
    }
  }

  private sawAhead(peer: NodeIndex, h: number): void {
    if (h > this.aheadHeight) {
      this.aheadHeight = h;
      this.aheadPeer = peer;
    }
  }

  private requestSync(now: number, out: Out[], force = false): void {
    if (this.aheadPeer < 0 || this.aheadPeer === this.ctx.self) return;
    if (!force && now - this.lastSyncAt < this.ctx.params.retransmitMs) return;
    this.lastSyncAt = now;
    this.syncUpTo = this.height + MAX_SYNC_BLOCKS;
    out.push({ kind: 'send', to: this.aheadPeer, message: { t: 'sync-request', fromHeight: this.height + 1 } });
  }

  private onSyncRequest(from: NodeIndex, fromHeight: number, now: number, out: Out[]): void {
    // A peer asking for heights above ours has finalized more than we have (for example the
    // leader missed the votes of a height its replicas finalized): catch up from it.
    if (fromHeight - 1 > this.height) {
      this.sawAhead(from, fromHeight - 1);
      this.requestSync(now, out);
      return;
    }
    for (let h = fromHeight; h <= this.height && h < fromHeight + MAX_SYNC_BLOCKS; h++) {
      const f = this.finalBlocks.get(h);
      if (f === undefined) continue;
      out.push({ kind: 'send', to: from, message: { t: 'sync-block', block: f.block, cert: f.cert } });
    }
    // The leader also resends its open proposal to a validator that asks.
    if (this.open !== null && fromHeight === this.open.height) out.push({ kind: 'send', to: from, message: { t: 'proposal', block: this.open.block } });
  }

  private onSyncBlock(from: NodeIndex, block: Block, cert: readonly CertVote[], now: number, out: Out[]): void {
    const h = block.header.height;
    if (h !== this.height + 1) {
      if (h > this.height + 1) {
        this.sawAhead(from, h);
        if (h <= this.height + LOOKAHEAD && this.syncBuffer.size < LOOKAHEAD) this.syncBuffer.set(h, { from, block, cert });
      }
      return;
    }
    if (!this.applySyncBlock(from, block, cert, now, out)) return;
    // Answers that overtook this one, then the next batch if we are still behind.
    for (let next = this.syncBuffer.get(this.height + 1); next !== undefined; next = this.syncBuffer.get(this.height + 1)) {
      this.syncBuffer.delete(this.height + 1);
      if (!this.applySyncBlock(next.from, next.block, next.cert, now, out)) break;
    }
    for (const k of [...this.syncBuffer.keys()]) if (k <= this.height) this.syncBuffer.delete(k);
    if (this.aheadHeight > this.height && this.height >= this.syncUpTo) this.requestSync(now, out, true);
  }

  /** Verifies a certified block for the next height and commits it; false when refused. */
  private applySyncBlock(from: NodeIndex, block: Block, cert: readonly CertVote[], now: number, out: Out[]): boolean {
    const h = block.header.height;
    const hash = blockHash(block);
    out.push({ kind: 'cost', op: 'sig-verify', count: cert.length });
    const voters = new Set<number>();
    for (const v of cert) {
      if (!Number.isInteger(v.voter) || v.voter >= this.n || voters.has(v.voter)) continue;
      if (!verifyVote(this.ctx.validators[v.voter]!, this.ctx.chainId, h, hash, v.signature)) continue;
      voters.add(v.voter);
    }
    if (voters.size < this.quorum && !this.mode.finalizeOnProposal) {
      out.push({ kind: 'penalize', peer: from, code: 'REF_BAD_CERTIFICATE', weight: 5 });
      return false;
    }
    if (block.header.parents.length !== 1 || toHex(block.header.parents[0]!) !== toHex(this.lastHash)) {
      out.push({ kind: 'penalize', peer: from, code: 'REF_BAD_PARENT', weight: 1 });
      return false;
    }
    let state: LedgerState;
    out.push({ kind: 'cost', op: 'tx-apply', count: block.txs.length }, { kind: 'cost', op: 'sig-verify', count: block.txs.length });
    try {
      state = applyBlock(this.state, block, this.rules);
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      out.push({ kind: 'penalize', peer: from, code: err.code, weight: 1 });
      return false;
    }
    const c: Candidate = Object.freeze({ block, state, height: h, hashHex: toHex(hash) });
    this.commit(c, cert, now, out);
    this.tryFinalize(now, out);
    return true;
  }
}
