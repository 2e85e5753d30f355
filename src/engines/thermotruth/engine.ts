/**
 * The ThermoTruth engine: epochs that each decide one state-vector aggregate and one ledger
 * block, by a leader-based BFT commit with 2f + 1 signatures (DESIGN.md section 3; the rules
 * in full: docs/protocols/thermotruth.md).
 *
 * Epoch e (height e of the chain), round r, leader L(e, r) = (e + r) mod n:
 *   1. Every node observes the world (observe.ts), builds its proposal for e (vector, vector
 *      clock, the digest of the client transfers it carries), mines its hashcash PoW at the
 *      epoch's difficulty (a `job`), signs it and sends it, with the transfers and its highest
 *      phase-1 QC of epoch e, to L(e, r).
 *   2. L collects valid proposals; at n - f validator proposals it prepares: the batch (the
 *      accepted proposals in canonical order, their aggregate, a block from its mempool) or, if
 *      some node reported a phase-1 QC, the batch of the highest one (it must re-propose it).
 *   3. A replica votes (phase 1) for the prepare when its own checks pass: every proposal valid,
 *      the aggregate recomputed to the same bits, the block valid on its finalized state, and
 *      the locking rule: no lock, or the lock's value, or a justify QC newer than the lock.
 *   4. q phase-1 votes form a QC; L broadcasts it (precommit); a replica locks on it and votes
 *      phase 2; q phase-2 votes form the commit QC; L broadcasts it and every node finalizes
 *      slot `e:<e>` with the batch's value, applies the block and enters epoch e + 1.
 *   5. View change: a round that has not finalized after its timeout (doubling per round) moves
 *      the node to round r + 1, whose leader gets the node's proposal and highest QC again.
 * Messages per epoch are linear in n (n proposals, three leader broadcasts, 2n votes).
 *
 * Safety, with at most f Byzantine among n validators and q = quorumSize(n): a value v is
 * committed in round r only if q validators voted phase 2 for it, so at least f + 1 honest ones
 * locked (r, v). A phase-1 QC for v' != v in a later round needs one of them to vote for v',
 * which the locking rule allows only with a justify QC for v' from a round after r; by induction
 * over rounds there is none. Two rounds of one epoch therefore never commit different values,
 * and within a round quorum intersection forbids it. Every epoch decides exactly one value and
 * epochs are entered in order, so every honest node finalizes the same chain.
 *
 * Robustness of the value: see aggregate.ts. Bad input (bad PoW, bad signature, wrong dimension,
 * NaN, infinities, oversized or out-of-range vectors, bad vector clocks) is rejected with its
 * code and the proposer is flagged (`penalize`); a batch holding any rejected proposal gets no
 * honest vote, so no epoch finalizes an aggregate computed from rejected input.
 */
import { equalBytes, toHex, utf8, taggedHash, encode, decode, readArray, readBytes, readUint } from '../../core/index.js';
import type { CborValue, KeyPair } from '../../core/index.js';
import {
  LedgerError,
  Mempool,
  applyBlock,
  blockHash,
  decodeTransfer,
  encodeTransfer,
  merkleRoot,
  proposeBlock,
  transferId,
  transferIdHex,
} from '../../ledger/index.js';
import type { ChainRules, LedgerState, Transfer } from '../../ledger/index.js';
import { FinalizedLog, VoteSet, maxFaulty, quorumSize } from '../../protocol/index.js';
import type { Effect, Engine, EngineContext, EngineInput, EngineStatus, NodeIndex } from '../../protocol/index.js';
import { computeAggregate } from './aggregate.js';
import type { AggregateConfig, AggregateResult } from './aggregate.js';
import { checkBatch, decodeBatch, encodeBatch, makeBatch, valueHash } from './batch.js';
import type { Batch } from './batch.js';
import { TtError } from './errors.js';
import { MAX_MESSAGE_BYTES } from './messages.js';
import type { TtMessage } from './messages.js';
import { observe, relativeError, truthAt } from './observe.js';
import type { ThermoTruthParams } from './params.js';
import { ProposalPool } from './pool.js';
import type { PowJob, PowResult } from './pow.js';
import { compareIdentity, powDigest, proposalFromCbor, proposalToCbor, signProposal, validateProposal } from './proposal.js';
import type { Proposal, ProposalRules, UnsignedProposal } from './proposal.js';
import { qcFromCbor, qcToCbor, signVote, verifyQC, verifyVote } from './qc.js';
import type { Phase, QC } from './qc.js';
import { nextDifficulty, powBits } from './thermo.js';
import { vectorFromBytes, vectorToBytes } from './vector.js';
import { squaredDistance } from './stats.js';
import { EpochPace } from './pace.js';
import { RoundTimeouts } from './timeouts.js';

type Out = Effect<TtMessage, PowJob>;
type Input = EngineInput<TtMessage, PowResult>;

/** Finalized epochs kept in memory to answer sync requests. */
export const KEEP_FINALS = 256;
/** Finalized batches one sync answer carries. */
export const SYNC_BATCH = 16;
/** Rounds ahead of the current one for which a leader keeps proposals. */
export const ROUND_LOOKAHEAD = 8;
/** Largest round-timeout multiplier (2^6). */
export const MAX_BACKOFF_EXP = 6;

/**
 * How a node proposes. Honest: one vector (its observation), no minted identities. The
 * Byzantine behaviours (adversary.ts) supply their own.
 */
export interface ProposalPolicy {
  /** Variants of this node's own proposal for `epoch` (honest: exactly [observation]). */
  vectors(epoch: number, observation: readonly number[]): readonly (readonly number[])[];
  /** Index of the variant sent to `leader`. */
  variantFor(epoch: number, leader: NodeIndex): number;
  /** Vectors proposed under minted (non-validator) identities this epoch. */
  sybils(epoch: number): readonly (readonly number[])[];
  /** Key pair of minted identity j. */
  sybilKey(j: number): KeyPair;
}

export const HONEST_POLICY: ProposalPolicy = Object.freeze({
  vectors: (_epoch: number, observation: readonly number[]) => [observation],
  variantFor: () => 0,
  sybils: () => [],
  sybilKey: (): never => {
    throw new TtError({ code: 'TT_BAD_PARAMS', field: 'policy', reason: 'honest nodes mint no identities' });
  },
});

interface Content {
  readonly batch: Batch;
  readonly value: Uint8Array;
  /** Present once this node validated the batch (or trusted it under a commit QC). */
  state?: LedgerState;
  result?: AggregateResult;
}

interface Signed {
  readonly proposal: Proposal;
  readonly txs: readonly Transfer[];
}

interface MineTask {
  readonly kind: 'own' | 'sybil';
  readonly index: number;
  readonly body: UnsignedProposal;
  readonly txs: readonly Transfer[];
}

interface LeaderRound {
  readonly pool: ProposalPool;
  readonly p1: VoteSet<Uint8Array>;
  readonly p2: VoteSet<Uint8Array>;
  qc1Sent: boolean;
  qc2Sent: boolean;
  waitingFor: string | null;
  /** Value hex of the batch this leader prepared in the round (only votes for it count). */
  prepared: string | null;
  /** What this leader sent in the round, re-sent to a node that shows it missed it. */
  prepare: TtMessage | null;
  precommit: TtMessage | null;
  commit: TtMessage | null;
}

interface EpochState {
  readonly epoch: number;
  round: number;
  lock: { readonly round: number; readonly value: Uint8Array } | null;
  highQC: QC | null;
  /** My votes: `${round}/${phase}` -> value hex. */
  readonly votes: Map<string, string>;
  readonly contents: Map<string, Content>;
  readonly invalid: Set<string>;
  readonly leading: Map<number, LeaderRound>;
  /** QCs waiting for the batch they certify. */
  pendingPrecommit: { readonly qc: QC; readonly from: NodeIndex } | null;
  pendingCommit: { readonly qc: QC; readonly from: NodeIndex } | null;
  readonly own: (Signed | null)[];
  readonly sybils: Signed[];
  readonly queue: MineTask[];
  mining: boolean;
  started: boolean;
  /** Last time this node made progress in the epoch (entered it or a round, or voted). */
  progressAt: number;
  /** The last vote this node sent (re-sent when it makes no progress). */
  lastVote: TtMessage | null;
  enteredAt: number;
  /** When this node entered its current round (= enteredAt in round 0). */
  roundAt: number;
  /** Who timed out of which round (timeouts.ts): rounds change when q did. */
  readonly timeouts: RoundTimeouts;
}

/**
 * A finalized epoch as the catch-up window keeps it: the batch's canonical bytes, not the decoded
 * batch (its block holds up to maxTxsPerBlock transfers, and KEEP_FINALS decoded blocks of a
 * saturated node are hundreds of MB of objects); readers decode what they send or show.
 */
interface Final {
  readonly bytes: Uint8Array;
  readonly qc: QC;
  /** Proposals minted by self-healing (proposer < 0), for the metrics. */
  readonly minted: number;
}

/** One proposal of a finalized epoch as the API shows it. */
export interface EpochProposalView {
  /** Validator index, or -1 for a minted identity. */
  readonly proposer: number;
  readonly vector: readonly number[];
  /** Euclidean distance of the vector from the epoch's aggregate. */
  readonly distance: number;
  /** Dropped by self-healing (outside the heal radius while the temperature was high). */
  readonly flagged: boolean;
}

/** A finalized epoch: what it decided and from which proposals (read-only, for the API). */
export interface EpochView {
  readonly epoch: number;
  /** Round of the commit QC and the leader of that round. */
  readonly round: number;
  readonly leader: NodeIndex;
  readonly aggregate: readonly number[];
  /** The design's temperature of the accepted proposals, before healing. */
  readonly temperature: number;
  readonly entropy: number;
  readonly proposals: readonly EpochProposalView[];
}

/** Id of the (virtual) block before epoch 1: binds the chain id and the genesis state root. */
export function genesisBlockHash(chainId: string, genesis: LedgerState): Uint8Array {
  return taggedHash('thermo/tt/genesis', utf8(chainId), genesis.root);
}

export function leaderOf(epoch: number, round: number, n: number): NodeIndex {
  return (epoch + round) % n;
}

export class ThermoTruthEngine implements Engine<TtMessage, PowJob, PowResult> {
  readonly n: number;
  readonly f: number;
  readonly quorum: number;
  /** Validator proposals a batch needs: n - f. */
  readonly need: number;
  readonly rules: ChainRules;
  readonly aggregateConfig: AggregateConfig;
  private readonly params: ThermoTruthParams;
  private readonly log: FinalizedLog;
  private readonly mempool: Mempool;
  private state: LedgerState;
  private height = 0;
  private lastHash: Uint8Array;
  /** Difficulty of the current epoch (d_t) and the entropy of the last finalized epoch. */
  private difficulty: number;
  private lastEntropy: number | null = null;
  /** Per validator: last epoch its proposal entered a finalized batch, and that clock. */
  private readonly lastIncluded: number[];
  private readonly lastClock: (readonly number[] | undefined)[];
  private ep: EpochState;
  private readonly finals = new Map<number, Final>();
  private readonly pending = new Map<string, Transfer>();
  /** Finalized batches that arrived before their turn (sync answers out of order). */
  private readonly syncBuffer = new Map<number, { readonly from: NodeIndex; readonly final: { readonly batch: Batch; readonly qc: QC } }>();
  /** Proposals for the next epoch that arrived early (this node leads its round 0). */
  private readonly early: { readonly from: NodeIndex; readonly m: Extract<TtMessage, { t: 'proposal' }> }[] = [];
  private aheadPeer = -1;
  private aheadEpoch = 0;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  private readonly helpedAt = new Map<NodeIndex, number>();
  private epochStartedAt = Number.NEGATIVE_INFINITY;
  /** Durations of recent epochs finalized in their first round (no view change), at this node. */
  private readonly pace = new EpochPace();
  private nudges = 0;
  private jobSeq = 0;
  private errorSum = 0;
  private errorMax = 0;
  private errorCount = 0;
  private viewChanges = 0;
  private mintedSum = 0;
  private lastTemperature = 0;

  constructor(
    private readonly ctx: EngineContext<ThermoTruthParams>,
    private readonly policy: ProposalPolicy = HONEST_POLICY,
  ) {
    this.params = ctx.params;
    this.n = ctx.validators.length;
    this.f = maxFaulty(this.n);
    this.quorum = quorumSize(this.n);
    this.need = this.n - this.f;
    this.rules = Object.freeze({ chainId: ctx.chainId, blockReward: BigInt(ctx.params.blockReward), maxTxsPerBlock: ctx.params.maxTxsPerBlock });
    this.aggregateConfig = Object.freeze({
      rule: ctx.params.rule,
      dimension: ctx.params.dimension,
      healTemperature: ctx.params.healTemperature,
      healRadius: ctx.params.healRadius,
      trim: this.f,
    });
    this.state = ctx.genesis;
    this.lastHash = genesisBlockHash(ctx.chainId, ctx.genesis);
    this.difficulty = ctx.params.difficulty;
    this.lastIncluded = new Array<number>(this.n).fill(0);
    this.lastClock = new Array<readonly number[] | undefined>(this.n).fill(undefined);
    this.mempool = new Mempool({ chainId: ctx.chainId });
    this.ep = this.freshEpoch(1);
    this.restore(ctx.restored);
    this.log = new FinalizedLog(this.height);
  }

  // ---- read-only views (status, adversaries, tests) -------------------------------------------

  /**
   * Finalized epoch `epoch` (one of the last KEEP_FINALS), or undefined. Recomputes the
   * aggregate of its batch (pure and bit-exact, as every replica did before voting) to tell
   * which proposals self-healing dropped; changes no state. A runtime that shows only durable
   * data asks for the epoch its durable log ends at.
   */
  epochView(epoch: number): EpochView | undefined {
    const f = this.finals.get(epoch);
    if (f === undefined) return undefined;
    const batch = decodeBatch(f.bytes, MAX_MESSAGE_BYTES);
    const vectors = batch.proposals.map((p) => vectorFromBytes(p.vector));
    const result = computeAggregate(vectors, this.aggregateConfig);
    const aggregate = vectorFromBytes(batch.aggregate);
    const healed = new Set(result.healed);
    return Object.freeze({
      epoch,
      round: f.qc.round,
      leader: leaderOf(epoch, f.qc.round, this.n),
      aggregate,
      temperature: result.temperature,
      entropy: result.entropy,
      proposals: batch.proposals.map((p, i) => ({
        proposer: p.proposer,
        vector: vectors[i]!,
        distance: Math.sqrt(squaredDistance(vectors[i]!, aggregate)),
        flagged: healed.has(i),
      })),
    });
  }

  get epoch(): number {
    return this.ep.epoch;
  }

  get round(): number {
    return this.ep.round;
  }

  get currentDifficulty(): number {
    return this.difficulty;
  }

  get lastBlockHash(): Uint8Array {
    return this.lastHash;
  }

  /** PoW bits proposals of the current epoch need (0 without PoW). */
  get bits(): number {
    return this.params.pow ? powBits(this.difficulty) : 0;
  }

  status(): EngineStatus {
    return Object.freeze({
      finalized: this.log.length,
      height: this.height,
      stateRoot: toHex(this.state.root),
      telemetry: Object.freeze({
        epoch: this.ep.epoch,
        round: this.ep.round,
        difficulty: this.difficulty,
        temperature: this.lastTemperature,
        mempool: this.mempool.size,
        pending: this.pending.size,
        viewChanges: this.viewChanges,
      }),
    });
  }

  finalizedState(): LedgerState {
    return this.state;
  }

  // ---- the Engine contract --------------------------------------------------------------------

  handle(input: Input): readonly Out[] {
    const out: Out[] = [];
    switch (input.kind) {
      case 'start':
        this.beginEpoch(input.now, out);
        break;
      case 'transaction':
        this.onClientTx(input.tx, out);
        break;
      case 'message':
        this.onMessage(input.from, input.message, input.now, out);
        break;
      case 'timer':
        if (input.timer === 'round') this.onRoundTimeout(input.now, out);
        else if (input.timer === 'epoch') this.startProposing(input.now, out);
        else if (input.timer === 'nudge') this.onNudge(input.now, out);
        break;
      case 'job-done':
        this.onMined(input.jobId, input.result, input.now, out);
        break;
    }
    return out;
  }

  // ---- restart ---------------------------------------------------------------------------------

  private restore(records: ReadonlyMap<string, Uint8Array>): void {
    const finals: { e: number; bytes: Uint8Array }[] = [];
    for (const [key, value] of records) if (key.startsWith('final/')) finals.push({ e: Number(key.slice(6)), bytes: value });
    finals.sort((a, b) => a.e - b.e);
    for (const { e, bytes } of finals) {
      if (e !== this.height + 1) throw new TtError({ code: 'TT_CORRUPT_RECORD', key: `final/${e}`, reason: `expected epoch ${this.height + 1}` });
      const items = readArray(decode(bytes, MAX_MESSAGE_BYTES + 1024 * 1024), 'final record', 2);
      const batch = decodeBatch(readBytes(items[0], 'final record batch'), MAX_MESSAGE_BYTES);
      const qc = qcFromCbor(items[1], 'final record qc');
      const content = this.trustedContent(batch, valueHash(this.ctx.chainId, batch));
      if (content === null) throw new TtError({ code: 'TT_CORRUPT_RECORD', key: `final/${e}`, reason: 'batch does not apply' });
      this.applyFinal(content, qc);
    }
    this.ep = this.freshEpoch(this.height + 1);
    const e = this.ep.epoch;
    const votes = records.get(`votes/${e}`);
    if (votes !== undefined) {
      const items = readArray(decode(votes), 'votes record', 2);
      for (const v of readArray(items[0], 'votes', 1024)) {
        const rec = readArray(v, 'vote', 3);
        this.ep.votes.set(`${readUint(rec[0], 'round')}/${readUint(rec[1], 'phase')}`, toHex(readBytes(rec[2], 'value', 32)));
      }
      if (items[1] !== null) {
        const lock = readArray(items[1], 'lock', 2);
        this.ep.lock = { round: readUint(lock[0], 'lock.round'), value: Uint8Array.from(readBytes(lock[1], 'lock.value', 32)) };
        this.ep.round = this.ep.lock.round;
      }
      for (const key of this.ep.votes.keys()) this.ep.round = Math.max(this.ep.round, Number(key.split('/')[0]));
    }
    const own = records.get(`proposal/${e}`);
    if (own !== undefined) {
      const items = readArray(decode(own), 'proposal record', 2);
      const txs = readArray(items[1], 'txs', 4096).map((b) => decodeTransfer(readBytes(b, 'tx')));
      this.ep.own[0] = { proposal: proposalFromCbor(items[0], 'proposal record'), txs };
    }
    for (const [key, value] of records) {
      if (!key.startsWith('tx/')) continue;
      const tx = decodeTransfer(value);
      const r = this.mempool.add(tx, this.state);
      if (r.accepted) this.pending.set(transferIdHex(tx), tx);
    }
  }

  // ---- epochs and rounds ------------------------------------------------------------------------

  private freshEpoch(epoch: number): EpochState {
    return {
      epoch,
      round: 0,
      lock: null,
      highQC: null,
      votes: new Map(),
      contents: new Map(),
      invalid: new Set(),
      leading: new Map(),
      pendingPrecommit: null,
      pendingCommit: null,
      own: [],
      sybils: [],
      queue: [],
      mining: false,
      started: false,
      progressAt: Number.NEGATIVE_INFINITY,
      lastVote: null,
      enteredAt: Number.NEGATIVE_INFINITY,
      roundAt: Number.NEGATIVE_INFINITY,
      timeouts: new RoundTimeouts(ROUND_LOOKAHEAD),
    };
  }

  /**
   * Round timeout: the larger of roundTimeoutMs and 3x the epoch pace (pace.ts: the shortest of
   * the last 16 epochs this node saw finalize without a view change), doubled for each further
   * round of the same epoch, up to 2^6 times.
   */
  private roundTimeout(round: number): number {
    const base = Math.max(this.params.roundTimeoutMs, 3 * this.pace.scaleMs);
    return base * 2 ** Math.min(round, MAX_BACKOFF_EXP);
  }

  /** Enters the current epoch (after start, restart or a finalization). */
  private beginEpoch(now: number, out: Out[]): void {
    this.ep.progressAt = now;
    this.ep.enteredAt = now;
    this.ep.roundAt = now;
    out.push({ kind: 'set-timer', timer: 'round', at: now + this.roundTimeout(this.ep.round) });
    out.push({ kind: 'set-timer', timer: 'nudge', at: now + this.params.retransmitMs });
    const at = this.epochStartedAt + this.params.epochIntervalMs;
    if (this.params.epochIntervalMs > 0 && at > now) {
      out.push({ kind: 'set-timer', timer: 'epoch', at });
    } else this.startProposing(now, out);
    // Proposals for this epoch that reached us early (we lead its round 0).
    const early = this.early.splice(0, this.early.length);
    for (const x of early) if (x.m.proposal.epoch === this.ep.epoch) this.onProposalMsg(x.from, x.m, now, out);
    // A finalized batch for this epoch may already be waiting.
    const next = this.syncBuffer.get(this.ep.epoch);
    if (next !== undefined) {
      this.syncBuffer.delete(next.final.batch.epoch);
      this.onSyncFinal(next.from, next.final.batch, next.final.qc, now, out);
    }
  }

  private startProposing(now: number, out: Out[]): void {
    const ep = this.ep;
    if (ep.started) return;
    ep.started = true;
    this.epochStartedAt = now;
    const e = ep.epoch;
    if (ep.own[0] !== undefined && ep.own[0] !== null) {
      // Restored after a crash: the same proposal again (a second one would be equivocation).
      this.sendOwn(now, out);
      return;
    }
    const d = this.params.dimension;
    const observation = observe(truthAt(this.params.truthSeed, e, d), this.params.noiseSd, this.ctx.rng);
    const txs = this.selectPendingTxs();
    const txDigest = merkleRoot(txs.map(transferId));
    const vclock = this.lastIncluded.map((c, j) => (j === this.ctx.self ? e : c));
    const variants = this.policy.vectors(e, observation);
    variants.forEach((v, index) => {
      ep.own.push(null);
      ep.queue.push({ kind: 'own', index, txs, body: { epoch: e, proposer: this.ctx.self, key: new Uint8Array(0), vector: vectorToBytes(v), vclock, txDigest } });
    });
    const sybils = this.policy.sybils(e);
    const minted = merkleRoot([]);
    sybils.forEach((v, index) => {
      const key = this.policy.sybilKey(index).publicKey;
      ep.queue.push({ kind: 'sybil', index, txs: [], body: { epoch: e, proposer: -1, key, vector: vectorToBytes(v), vclock: vclock.map((c) => (c >= e ? e - 1 : c)), txDigest: minted } });
    });
    this.mineNext(now, out);
  }

  private selectPendingTxs(): Transfer[] {
    const txs: Transfer[] = [];
    for (const tx of this.pending.values()) {
      if (txs.length >= this.params.maxTxsPerProposal) break;
      txs.push(tx);
    }
    return txs;
  }

  /** Mines the queued proposals one after another (one machine's hash power). */
  private mineNext(now: number, out: Out[]): void {
    const ep = this.ep;
    if (ep.mining) return;
    const task = ep.queue[0];
    if (task === undefined) return;
    const bits = this.bits;
    if (bits === 0) {
      ep.queue.shift();
      this.finishTask(task, 0, now, out);
      this.mineNext(now, out);
      return;
    }
    ep.mining = true;
    const jobId = `pow/${ep.epoch}/${++this.jobSeq}`;
    out.push({ kind: 'job', jobId, job: { digest: powDigest(this.ctx.chainId, task.body), bits } });
  }

  private onMined(jobId: string, result: PowResult, now: number, out: Out[]): void {
    const ep = this.ep;
    const parts = jobId.split('/');
    if (parts[0] !== 'pow' || Number(parts[1]) !== ep.epoch || !ep.mining) return;
    ep.mining = false;
    const task = ep.queue.shift();
    if (task === undefined) return;
    if (result.nonce < 0) ep.queue.push(task); // gave up: astronomically unlikely; try again
    else this.finishTask(task, result.nonce, now, out);
    this.mineNext(now, out);
  }

  private finishTask(task: MineTask, nonce: number, now: number, out: Out[]): void {
    const ep = this.ep;
    const keyPair = task.kind === 'own' ? this.ctx.keyPair : this.policy.sybilKey(task.index);
    const proposal = signProposal(this.ctx.chainId, task.body, nonce, keyPair);
    out.push({ kind: 'cost', op: 'sig-sign', count: 1 });
    const signed: Signed = Object.freeze({ proposal, txs: task.txs });
    if (task.kind === 'sybil') {
      ep.sybils.push(signed);
      this.toLeader(ep.round, { t: 'proposal', round: ep.round, proposal, txs: [], highQC: ep.highQC }, now, out);
      return;
    }
    ep.own[task.index] = signed;
    if (ep.own.length === 1) {
      // Durable before it leaves: after a restart the node re-sends this proposal, not a new one.
      out.push({
        kind: 'persist',
        key: `proposal/${ep.epoch}`,
        value: encode([proposalToCbor(proposal), task.txs.map((tx) => encodeTransfer(tx))]),
        sync: true,
      });
    }
    const leader = leaderOf(ep.epoch, ep.round, this.n);
    if (this.policy.variantFor(ep.epoch, leader) === task.index) this.sendOwn(now, out);
  }

  /** Sends this node's proposal (the variant for the current leader) and its highest QC. */
  private sendOwn(now: number, out: Out[]): void {
    const ep = this.ep;
    const leader = leaderOf(ep.epoch, ep.round, this.n);
    const signed = ep.own[this.policy.variantFor(ep.epoch, leader)];
    if (signed === undefined || signed === null) return;
    this.toLeader(ep.round, { t: 'proposal', round: ep.round, proposal: signed.proposal, txs: signed.txs, highQC: ep.highQC }, now, out);
  }

  /**
   * Lost-message recovery inside a round. A node that made no progress for a while re-sends
   * its last vote (or its proposal, before it voted) and asks the round's leader for finalized
   * epochs it may have missed. The leader answers a repeated proposal or vote with what the node
   * evidently did not get (prepare, precommit, commit); a finalized epoch arrives as sync-final.
   */
  private onNudge(now: number, out: Out[]): void {
    out.push({ kind: 'set-timer', timer: 'nudge', at: now + this.params.retransmitMs });
    const ep = this.ep;
    // Half an epoch's pace without progress, and never less than retransmitMs: earlier, a re-sent
    // vote at n = 200 only queues behind the leader's still-uploading batch. Not half the round
    // timeout, as it was: that is 1.5 paces and doubles with every round, so under sustained
    // loss (swarm seed 70: n = 8, 23 %) nodes waited 10-20 s between retransmissions.
    // Timed out of this round and still here: the timeout again at every check, in case copies
    // were lost (the round is over for this node; only the quorum of timeouts is missing).
    if (ep.timeouts.hasSent(ep.round)) out.push({ kind: 'broadcast', message: { t: 'timeout', epoch: ep.epoch, round: ep.round, answer: false } });
    if (now - ep.progressAt < Math.max(this.params.retransmitMs, this.pace.scaleMs / 2)) return;
    const leader = leaderOf(ep.epoch, ep.round, this.n);
    if (leader === this.ctx.self || this.n < 2) return;
    if (ep.lastVote !== null) out.push({ kind: 'send', to: leader, message: ep.lastVote });
    else this.sendOwn(now, out);
    out.push({ kind: 'send', to: leader, message: { t: 'sync-request', fromEpoch: ep.epoch } });
    // A Byzantine leader may have sent the commit to some nodes only: ask one other validator
    // too, a different one at each check, so a node left behind catches up from an honest one.
    this.nudges++;
    const peer = (this.ctx.self + 1 + (this.nudges % (this.n - 1))) % this.n;
    if (peer !== leader && peer !== this.ctx.self) out.push({ kind: 'send', to: peer, message: { t: 'sync-request', fromEpoch: ep.epoch } });
  }

  /** The round timer: say so to all and wait for q timeouts (timeouts.ts), not leave alone. */
  private onRoundTimeout(now: number, out: Out[]): void {
    this.sendTimeout(this.ep.round, now, out);
  }

  private sendTimeout(round: number, now: number, out: Out[]): void {
    const ep = this.ep;
    if (!ep.timeouts.markSent(round)) return;
    out.push({ kind: 'broadcast', message: { t: 'timeout', epoch: ep.epoch, round, answer: false } });
    if (ep.timeouts.record(this.ctx.self, round, ep.round) > 0) this.checkTimeouts(round, now, out);
  }

  private onTimeoutMsg(from: NodeIndex, epoch: number, round: number, answer: boolean, now: number, out: Out[]): void {
    if (from === this.ctx.self) return;
    if (epoch < this.ep.epoch) {
      if (answer) return;
      this.helpBehind(from, epoch, now, out);
      return;
    }
    if (!this.sameEpoch(from, epoch, now, out)) return;
    const ep = this.ep;
    if (round < ep.round) {
      // The sender missed the timeouts that moved us on: ours, again, to it alone, marked as
      // an answer (two nodes past the round would otherwise answer each other for ever). Also
      // when this node never sent timeout(round) because a later round's messages (q of its
      // timeouts, or a valid message of that round) moved it on: round `round` is over for it
      // all the same, and without the answer the
      // nodes left behind never gather q (swarm seed 793: six correct nodes in round 0, the
      // five others moved to round 1 by messages that only they received).
      if (!answer) out.push({ kind: 'send', to: from, message: { t: 'timeout', epoch, round, answer: true } });
      return;
    }
    if (ep.timeouts.record(from, round, ep.round) > 0) this.checkTimeouts(round, now, out);
  }

  /** f + 1 timeouts for `round`: join them; q: move to round + 1. */
  private checkTimeouts(round: number, now: number, out: Out[]): void {
    const ep = this.ep;
    const count = ep.timeouts.count(round);
    if (count >= this.f + 1 && !ep.timeouts.hasSent(round)) {
      this.sendTimeout(round, now, out);
      return; // sendTimeout counted our own and checked again
    }
    if (count >= this.quorum && round >= ep.round) this.enterRound(round + 1, now, out, true);
  }

  /** Moves to round `round` of the current epoch (timeout, or a valid message from a later round). */
  private enterRound(round: number, now: number, out: Out[], resend: boolean): void {
    const ep = this.ep;
    if (round <= ep.round) return;
    this.viewChanges += round - ep.round;
    ep.round = round;
    ep.progressAt = now;
    ep.roundAt = now;
    ep.lastVote = null;
    // Earlier rounds this node led may still complete (late votes count; see onPrecommit).
    for (const r of [...ep.leading.keys()]) if (r < round - ROUND_LOOKAHEAD) ep.leading.delete(r);
    out.push({ kind: 'set-timer', timer: 'round', at: now + this.roundTimeout(round) });
    out.push({ kind: 'metric', name: 'round', value: round });
    if (!ep.started) this.startProposing(now, out);
    else if (resend) {
      this.sendOwn(now, out);
      for (const s of ep.sybils) this.toLeader(round, { t: 'proposal', round, proposal: s.proposal, txs: [], highQC: ep.highQC }, now, out);
    }
    this.tryPrepare(now, out);
  }

  // ---- messaging helpers -------------------------------------------------------------------------

  /** To the leader of `round` in the current epoch; handled in place when that is this node. */
  private toLeader(round: number, m: TtMessage, now: number, out: Out[]): void {
    const leader = leaderOf(this.ep.epoch, round, this.n);
    if (leader === this.ctx.self) this.onMessage(this.ctx.self, m, now, out);
    else out.push({ kind: 'send', to: leader, message: m });
  }

  /** To everyone, this node included (handled in place). */
  private toAll(m: TtMessage, now: number, out: Out[]): void {
    out.push({ kind: 'broadcast', message: m });
    this.onMessage(this.ctx.self, m, now, out);
  }

  private penalize(peer: NodeIndex, code: string, weight: number, out: Out[]): void {
    if (peer !== this.ctx.self && peer >= 0 && peer < this.n) out.push({ kind: 'penalize', peer, code, weight });
  }

  // ---- clients -----------------------------------------------------------------------------------

  private onClientTx(tx: Transfer, out: Out[]): void {
    const id = transferIdHex(tx);
    if (this.pending.has(id)) {
      out.push({ kind: 'persist', key: `tx/${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
      return;
    }
    out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
    const r = this.mempool.add(tx, this.state);
    if (!r.accepted && r.rejection.code !== 'MEMPOOL_DUPLICATE') {
      out.push({ kind: 'tx-rejected', txId: id, code: r.rejection.code });
      return;
    }
    if (r.accepted) for (const ev of r.evicted) this.forget(ev.txIdHex, out);
    this.pending.set(id, tx);
    out.push({ kind: 'persist', key: `tx/${id}`, value: encodeTransfer(tx), sync: true, ack: [id] });
  }

  private forget(id: string, out: Out[]): void {
    if (!this.pending.delete(id)) return;
    out.push({ kind: 'persist', key: `tx/${id}`, value: null, sync: false });
  }

  // ---- inputs ----------------------------------------------------------------------------------

  private onMessage(from: NodeIndex, m: TtMessage, now: number, out: Out[]): void {
    switch (m.t) {
      case 'proposal':
        this.onProposalMsg(from, m, now, out);
        return;
      case 'prepare':
        this.onPrepare(from, m.round, m.batch, m.justify, now, out);
        return;
      case 'vote':
        this.onVote(from, m.epoch, m.round, m.phase, m.value, m.signature, now, out);
        return;
      case 'precommit':
        this.onPrecommit(from, m.qc, now, out);
        return;
      case 'commit':
        this.onCommit(from, m.qc, now, out);
        return;
      case 'sync-request':
        this.onSyncRequest(from, m.fromEpoch, now, out);
        return;
      case 'sync-final':
        this.onSyncFinal(from, m.batch, m.qc, now, out);
        return;
      case 'fetch':
        this.onFetch(from, m.epoch, m.value, out);
        return;
      case 'content':
        this.onContent(m.batch, now, out);
        return;
      case 'timeout':
        this.onTimeoutMsg(from, m.epoch, m.round, m.answer, now, out);
        return;
    }
  }

  /** A message for epoch `epoch` from `from`: false (and catch-up started) when it is not ours. */
  private sameEpoch(from: NodeIndex, epoch: number, now: number, out: Out[]): boolean {
    if (epoch === this.ep.epoch) return true;
    if (epoch > this.ep.epoch) {
      // The sender finalized our epoch already: catch up from it.
      if (epoch > this.aheadEpoch || this.aheadPeer < 0) {
        this.aheadEpoch = epoch;
        this.aheadPeer = from;
      }
      this.requestSync(now, out);
    }
    return false;
  }

  private proposalRules(): ProposalRules {
    return {
      chainId: this.ctx.chainId,
      epoch: this.ep.epoch,
      validators: this.ctx.validators,
      dimension: this.params.dimension,
      maxAbs: this.params.maxAbs,
      powBits: this.bits,
      previousClock: (p) => this.lastClock[p],
    };
  }

  // ---- leader: collecting proposals ------------------------------------------------------------

  private onProposalMsg(from: NodeIndex, m: Extract<TtMessage, { t: 'proposal' }>, now: number, out: Out[]): void {
    const p = m.proposal;
    if (p.epoch === this.ep.epoch + 1) {
      // Usually our own commit of this epoch is a few milliseconds behind: keep it, no catch-up yet.
      if (leaderOf(p.epoch, m.round, this.n) === this.ctx.self && this.early.length < this.n + this.params.maxMinted) this.early.push({ from, m });
      return;
    }
    if (p.epoch < this.ep.epoch) {
      // The sender still proposes for an epoch we finalized: it missed the commit. Help it.
      this.helpBehind(from, p.epoch, now, out);
      return;
    }
    if (!this.sameEpoch(from, p.epoch, now, out)) return;
    const ep = this.ep;
    if (leaderOf(ep.epoch, m.round, this.n) !== this.ctx.self || m.round < ep.round || m.round > ep.round + ROUND_LOOKAHEAD) return;
    // A validator speaks for itself only (the sender is authenticated); minted identities may come from anyone.
    if (p.proposer >= 0 && p.proposer !== from) {
      this.penalize(from, 'TT_RELAYED_PROPOSAL', 1, out);
      return;
    }
    let lr = ep.leading.get(m.round);
    if (lr === undefined) {
      lr = {
        pool: new ProposalPool(this.params.maxMinted),
        p1: new VoteSet<Uint8Array>(this.n),
        p2: new VoteSet<Uint8Array>(this.n),
        qc1Sent: false,
        qc2Sent: false,
        waitingFor: null,
        prepared: null,
        prepare: null,
        precommit: null,
        commit: null,
      };
      ep.leading.set(m.round, lr);
    }
    if (lr.pool.prepared) {
      // A node that proposes again after the prepare went out evidently missed it.
      if (from !== this.ctx.self && lr.prepare !== null && lr.prepared !== null && !lr.p1.certificate(lr.prepared).some((v) => v.voter === from)) {
        out.push({ kind: 'send', to: from, message: lr.prepare });
      }
      return;
    }
    let vector: number[];
    if (from === this.ctx.self) {
      vector = vectorFromBytes(p.vector);
    } else {
      out.push({ kind: 'cost', op: 'sig-verify', count: 1 }, { kind: 'cost', op: 'hash', count: 1 });
      try {
        vector = validateProposal(p, this.proposalRules());
      } catch (err) {
        if (!(err instanceof TtError)) throw err;
        this.penalize(from, err.code, 2, out);
        return;
      }
      const ids = m.txs.map(transferId);
      if (!equalBytes(merkleRoot(ids), p.txDigest)) {
        this.penalize(from, 'TT_TX_DIGEST_MISMATCH', 2, out);
        return;
      }
    }
    const outcome = lr.pool.add({ proposal: p, vector });
    if (outcome === 'equivocation') this.penalize(from, 'TT_EQUIVOCATION', 10, out);
    if (outcome !== 'added') return;
    // f + 1 validators already in a later round that this node leads: at least one is honest,
    // so the round really started; join it instead of waiting for our own (longer) timeout.
    if (m.round > ep.round && lr.pool.validators >= this.f + 1) this.enterRound(m.round, now, out, true);
    if (from !== this.ctx.self && m.txs.length > 0) {
      out.push({ kind: 'cost', op: 'sig-verify', count: m.txs.length });
      for (const tx of m.txs) this.mempool.add(tx, this.state);
    }
    if (m.highQC !== null && m.highQC.epoch === ep.epoch && m.highQC.phase === 1 && m.highQC.round < m.round) {
      out.push({ kind: 'cost', op: 'sig-verify', count: m.highQC.votes.length });
      if (verifyQC(m.highQC, this.ctx.chainId, this.ctx.validators, this.quorum)) lr.pool.offerQC(m.highQC, from);
      else this.penalize(from, 'TT_BAD_QC', 5, out);
    }
    this.tryPrepare(now, out);
  }

  /** Prepares the current round's batch once n - f validator proposals are in (leader only). */
  private tryPrepare(now: number, out: Out[]): void {
    const ep = this.ep;
    const round = ep.round;
    if (leaderOf(ep.epoch, round, this.n) !== this.ctx.self) return;
    const lr = ep.leading.get(round);
    if (lr === undefined || lr.pool.prepared || lr.pool.validators < this.need) return;
    lr.pool.offerQC(ep.highQC, this.ctx.self);
    const justify = lr.pool.highQC;
    let content: Content;
    if (justify !== null) {
      // Some node holds a phase-1 QC of this epoch: its batch is the only one we may propose.
      const hex = toHex(justify.value);
      const known = ep.contents.get(hex);
      if (known === undefined) {
        if (lr.waitingFor !== hex) {
          lr.waitingFor = hex;
          const to = lr.pool.highQCFrom === this.ctx.self ? -1 : lr.pool.highQCFrom;
          const m: TtMessage = { t: 'fetch', epoch: ep.epoch, value: justify.value };
          if (to >= 0) out.push({ kind: 'send', to, message: m });
          else out.push({ kind: 'broadcast', message: m });
        }
        return;
      }
      content = known;
    } else content = this.buildBatch(lr.pool, now, out);
    lr.pool.prepared = true;
    lr.prepared = toHex(content.value);
    lr.prepare = { t: 'prepare', round, batch: content.batch, justify };
    this.toAll(lr.prepare, now, out);
  }

  private buildBatch(pool: ProposalPool, now: number, out: Out[]): Content {
    // Canonical order (validators by index, then minted keys): the aggregate runs over it.
    const entries = [...pool.all()].sort((a, b) => compareIdentity(a.proposal, b.proposal));
    const vectors = entries.map((x) => x.vector);
    const result = computeAggregate(vectors, this.aggregateConfig);
    out.push({ kind: 'cost', op: 'aggregate-component', count: this.params.dimension * vectors.length });
    const batch = makeBatch(this.ep.epoch, this.buildBlock(now, out), entries.map((x) => x.proposal), result.aggregate);
    const value = valueHash(this.ctx.chainId, batch);
    const state = applyBlock(this.state, batch.block, this.rules);
    const content: Content = { batch, value, state, result };
    this.ep.contents.set(toHex(value), content);
    return content;
  }

  private buildBlock(now: number, out: Out[]): Batch['block'] {
    // The same block limits as the BFT baselines (src/protocol/batching.ts: 500 transfers, 1 MiB).
    const txs = this.mempool.select(this.params.maxTxsPerBlock, (1 << 20) - 64 * 1024);
    const proposal = proposeBlock(
      this.state,
      { height: this.ep.epoch, parents: [this.lastHash], timestamp: Math.max(0, Math.floor(now)), proposer: this.ctx.keyPair.publicKey, txs },
      this.rules,
    );
    out.push({ kind: 'cost', op: 'tx-apply', count: txs.length }, { kind: 'cost', op: 'hash', count: 1 });
    for (const r of proposal.rejected) {
      const id = transferIdHex(r.tx);
      this.mempool.remove(id);
      this.forget(id, out);
    }
    return proposal.block;
  }

  // ---- replica: prepare, precommit, commit ---------------------------------------------------------

  private onPrepare(from: NodeIndex, round: number, batch: Batch, justify: QC | null, now: number, out: Out[]): void {
    if (!this.sameEpoch(from, batch.epoch, now, out)) return;
    const ep = this.ep;
    if (round < ep.round) return;
    if (from !== leaderOf(ep.epoch, round, this.n)) {
      this.penalize(from, 'TT_NOT_LEADER', 5, out);
      return;
    }
    const value = valueHash(this.ctx.chainId, batch);
    const hex = toHex(value);
    const voted = ep.votes.get(`${round}/1`);
    if (voted !== undefined) {
      if (voted !== hex) this.penalize(from, 'TT_EQUIVOCATION', 10, out);
      return;
    }
    if (justify !== null) {
      out.push({ kind: 'cost', op: 'sig-verify', count: justify.votes.length });
      const ok =
        justify.epoch === ep.epoch &&
        justify.phase === 1 &&
        justify.round < round &&
        equalBytes(justify.value, value) &&
        verifyQC(justify, this.ctx.chainId, this.ctx.validators, this.quorum);
      if (!ok) {
        this.penalize(from, 'TT_BAD_QC', 5, out);
        return;
      }
    }
    // The locking rule (see the header): the lock's value, or a justify newer than the lock.
    const lock = ep.lock;
    if (lock !== null && !equalBytes(lock.value, value) && (justify === null || justify.round <= lock.round)) return;
    const content = this.validated(from, batch, value, out);
    if (content === null) return;
    if (round > ep.round) this.enterRound(round, now, out, false);
    this.castVote(round, 1, value, now, out);
  }

  /** The batch's content after this node's own checks, or null (and the culprits flagged). */
  private validated(from: NodeIndex, batch: Batch, value: Uint8Array, out: Out[]): Content | null {
    const ep = this.ep;
    const hex = toHex(value);
    const known = ep.contents.get(hex);
    if (known?.state !== undefined) return known;
    if (ep.invalid.has(hex)) return null;
    const m = batch.proposals.length;
    const txs = batch.block.txs.length;
    out.push(
      { kind: 'cost', op: 'sig-verify', count: m + txs },
      { kind: 'cost', op: 'hash', count: m },
      { kind: 'cost', op: 'aggregate-component', count: this.params.dimension * m },
      { kind: 'cost', op: 'tx-apply', count: txs },
    );
    const verdict = checkBatch(batch, {
      chainId: this.ctx.chainId,
      validators: this.ctx.validators,
      need: this.need,
      maxMinted: this.params.maxMinted,
      proposal: this.proposalRules(),
      aggregate: this.aggregateConfig,
      state: this.state,
      parent: this.lastHash,
      chain: this.rules,
    });
    if (!verdict.ok) {
      ep.invalid.add(hex);
      this.penalize(from, verdict.code === 'TT_AGGREGATE_MISMATCH' ? verdict.code : 'TT_BAD_BATCH', 5, out);
      if (verdict.proposer !== undefined) this.penalize(verdict.proposer, verdict.code, 2, out);
      return null;
    }
    const content: Content = { batch, value, state: verdict.state, result: verdict.result };
    ep.contents.set(hex, content);
    return content;
  }

  private castVote(round: number, phase: Phase, value: Uint8Array, now: number, out: Out[]): void {
    const ep = this.ep;
    ep.votes.set(`${round}/${phase}`, toHex(value));
    const signature = signVote(this.ctx.keyPair, this.ctx.chainId, ep.epoch, round, phase, value);
    out.push({ kind: 'cost', op: 'sig-sign', count: 1 });
    // Durable before it leaves: a restarted node must not vote twice in a round, nor forget its lock.
    this.persistVotes(out);
    ep.progressAt = now;
    // The round's leader is alive and the round advances: give it a full timeout again.
    if (round === ep.round) out.push({ kind: 'set-timer', timer: 'round', at: now + this.roundTimeout(round) });
    ep.lastVote = { t: 'vote', epoch: ep.epoch, round, phase, value, signature };
    this.toLeader(round, ep.lastVote, now, out);
  }

  private persistVotes(out: Out[]): void {
    const ep = this.ep;
    const votes: CborValue[] = [...ep.votes].map(([k, v]) => {
      const [r, p] = k.split('/');
      return [Number(r), Number(p), hexBytes(v)];
    });
    const lock: CborValue = ep.lock === null ? null : [ep.lock.round, ep.lock.value];
    out.push({ kind: 'persist', key: `votes/${ep.epoch}`, value: encode([votes, lock]), sync: true });
  }

  private onVote(from: NodeIndex, epoch: number, round: number, phase: Phase, value: Uint8Array, signature: Uint8Array, now: number, out: Out[]): void {
    if (!this.sameEpoch(from, epoch, now, out)) return;
    const ep = this.ep;
    if (round > ep.round || leaderOf(epoch, round, this.n) !== this.ctx.self) return;
    const lr = ep.leading.get(round);
    if (lr === undefined || !lr.pool.prepared) return;
    if (from !== this.ctx.self) {
      out.push({ kind: 'cost', op: 'sig-verify', count: 1 });
      if (!verifyVote(this.ctx.validators[from]!, this.ctx.chainId, epoch, round, phase, value, signature)) {
        this.penalize(from, 'TT_BAD_VOTE_SIGNATURE', 5, out);
        return;
      }
    }
    // Only votes for the value this leader prepared count: a vote for anything else (a
    // Byzantine twin, a stale value) must not take the voter's place in the vote set.
    const hex = toHex(value);
    if (hex !== lr.prepared) {
      this.penalize(from, 'TT_WRONG_VALUE', 1, out);
      return;
    }
    const set = phase === 1 ? lr.p1 : lr.p2;
    const outcome = set.add(from, hex, signature);
    if (outcome.kind === 'equivocation') this.penalize(from, 'TT_EQUIVOCATION', 10, out);
    if (outcome.kind === 'duplicate') {
      // A repeated vote: the voter missed what the quorum produced.
      const again = phase === 1 ? lr.precommit : lr.commit;
      if (again !== null && from !== this.ctx.self) out.push({ kind: 'send', to: from, message: again });
      return;
    }
    if (outcome.kind !== 'counted' || outcome.votes < this.quorum) return;
    const qc: QC = Object.freeze({
      epoch,
      round,
      phase,
      value,
      votes: Object.freeze(set.certificate(toHex(value)).map((v) => Object.freeze({ voter: v.voter, signature: v.signature }))),
    });
    if (phase === 1 && !lr.qc1Sent) {
      lr.qc1Sent = true;
      lr.precommit = { t: 'precommit', qc };
      this.toAll(lr.precommit, now, out);
    } else if (phase === 2 && !lr.qc2Sent) {
      lr.qc2Sent = true;
      lr.commit = { t: 'commit', qc };
      this.toAll(lr.commit, now, out);
    }
  }

  private checkQC(from: NodeIndex, qc: QC, phase: Phase, out: Out[]): boolean {
    if (qc.phase !== phase) return false;
    if (from === this.ctx.self) return true;
    out.push({ kind: 'cost', op: 'sig-verify', count: qc.votes.length });
    if (verifyQC(qc, this.ctx.chainId, this.ctx.validators, this.quorum)) return true;
    this.penalize(from, 'TT_BAD_QC', 5, out);
    return false;
  }

  private onPrecommit(from: NodeIndex, qc: QC, now: number, out: Out[]): void {
    if (!this.sameEpoch(from, qc.epoch, now, out)) return;
    const ep = this.ep;
    if (!this.checkQC(from, qc, 1, out)) return;
    if (ep.highQC === null || qc.round > ep.highQC.round) ep.highQC = qc;
    // A certificate of an earlier round still gets this node's phase-2 vote as long as the node
    // has cast no phase-1 vote in a later round: its lock then precedes all its later votes,
    // which is all the safety argument needs (docs/protocols/thermotruth.md).
    if (qc.round < ep.round && this.votedPhase1After(qc.round)) return;
    if (qc.round > ep.round) this.enterRound(qc.round, now, out, false);
    const hex = toHex(qc.value);
    if (!ep.contents.has(hex)) {
      ep.pendingPrecommit = { qc, from };
      out.push({ kind: 'send', to: from === this.ctx.self ? leaderOf(ep.epoch, qc.round, this.n) : from, message: { t: 'fetch', epoch: ep.epoch, value: qc.value } });
      return;
    }
    if (ep.votes.has(`${qc.round}/2`)) return;
    if (ep.lock === null || qc.round >= ep.lock.round) ep.lock = { round: qc.round, value: qc.value };
    this.castVote(qc.round, 2, qc.value, now, out);
  }

  private votedPhase1After(round: number): boolean {
    for (const key of this.ep.votes.keys()) {
      const [r, phase] = key.split('/');
      if (phase === '1' && Number(r) > round) return true;
    }
    return false;
  }

  private onCommit(from: NodeIndex, qc: QC, now: number, out: Out[]): void {
    if (!this.sameEpoch(from, qc.epoch, now, out)) return;
    if (!this.checkQC(from, qc, 2, out)) return;
    const ep = this.ep;
    const content = ep.contents.get(toHex(qc.value)) ?? null;
    if (content === null) {
      ep.pendingCommit = { qc, from };
      out.push({ kind: 'send', to: from === this.ctx.self ? leaderOf(ep.epoch, qc.round, this.n) : from, message: { t: 'fetch', epoch: ep.epoch, value: qc.value } });
      return;
    }
    this.finalizeEpoch(content, qc, now, out, true);
  }

  private onFetch(from: NodeIndex, epoch: number, value: Uint8Array, out: Out[]): void {
    const hex = toHex(value);
    let batch: Batch | undefined;
    if (epoch === this.ep.epoch) batch = this.ep.contents.get(hex)?.batch;
    else {
      const f = this.finals.get(epoch);
      if (f !== undefined && equalBytes(f.qc.value, value)) batch = decodeBatch(f.bytes, MAX_MESSAGE_BYTES);
    }
    if (batch !== undefined && from !== this.ctx.self) out.push({ kind: 'send', to: from, message: { t: 'content', batch } });
  }

  private onContent(batch: Batch, now: number, out: Out[]): void {
    const ep = this.ep;
    if (batch.epoch !== ep.epoch) return;
    const value = valueHash(this.ctx.chainId, batch);
    const hex = toHex(value);
    const wanted =
      (ep.pendingPrecommit !== null && equalBytes(ep.pendingPrecommit.qc.value, value)) ||
      (ep.pendingCommit !== null && equalBytes(ep.pendingCommit.qc.value, value)) ||
      [...ep.leading.values()].some((lr) => lr.waitingFor === hex);
    if (!wanted || ep.contents.has(hex)) return;
    // Certified by a QC of q validators (at least f + 1 honest ones checked it): no re-validation.
    ep.contents.set(hex, { batch, value });
    const commit = ep.pendingCommit;
    if (commit !== null && equalBytes(commit.qc.value, value)) {
      ep.pendingCommit = null;
      this.onCommit(commit.from, commit.qc, now, out);
      return;
    }
    const pre = ep.pendingPrecommit;
    if (pre !== null && equalBytes(pre.qc.value, value)) {
      ep.pendingPrecommit = null;
      this.onPrecommit(pre.from, pre.qc, now, out);
    }
    this.tryPrepare(now, out);
  }

  // ---- finalization ----------------------------------------------------------------------------

  /** Content under a commit QC that this node did not validate itself: apply and aggregate. */
  private trustedContent(batch: Batch, value: Uint8Array): Content | null {
    let state: LedgerState;
    try {
      state = applyBlock(this.state, batch.block, this.rules);
    } catch (err) {
      if (err instanceof LedgerError) return null;
      throw err;
    }
    if (batch.proposals.length === 0) return null;
    const result = computeAggregate(batch.proposals.map((p) => vectorFromBytes(p.vector)), this.aggregateConfig);
    return { batch, value, state, result };
  }

  /** `live`: from a commit QC of this node's epoch (not a catch-up answer). */
  private finalizeEpoch(content: Content, qc: QC, now: number, out: Out[], live: boolean): void {
    let c: Content | null = content;
    if (c.state === undefined || c.result === undefined) c = this.trustedContent(content.batch, content.value);
    if (c === null || c.batch.epoch !== this.ep.epoch) return;
    const e = c.batch.epoch;
    const result = c.result!;
    this.applyFinal(c, qc);
    const txIds = c.batch.block.txs.map(transferIdHex);
    out.push({ kind: 'persist', key: `final/${e}`, value: encode([encodeBatch(c.batch), qcToCbor(qc)]), sync: true });
    out.push({ kind: 'persist', key: `votes/${e}`, value: null, sync: false }, { kind: 'persist', key: `proposal/${e}`, value: null, sync: false });
    const entry = this.log.append({
      slot: `e:${e}`,
      value: toHex(c.value),
      txIds,
      height: e,
      stateRoot: toHex(this.state.root),
      supply: this.state.supply,
      minted: this.rules.blockReward * BigInt(e),
    });
    if (entry !== null) out.push({ kind: 'finalize', entry });
    const dropped = this.mempool.onBlockCommitted(this.state, txIds);
    for (const id of txIds) this.forget(id, out);
    for (const d of dropped) this.forget(d.txIdHex, out);
    this.metrics(e, result, qc.round, out);
    // An epoch without a view change sets the timeout's scale; until there is one (start-up,
    // where the first timeout may be far too short for a large n), any finalized epoch does.
    // The round that finalized, not the epoch: the rounds that timed out before it measure the
    // timeouts, not the cost of a round (a first epoch with three view changes used to set a
    // 48 s timeout, and a silent leader of the next epoch was waited out for all of it). Only
    // a commit of the round this node is in: an epoch learned by catch-up, or committed in a
    // round the node just left or has not reached, says nothing of a round's length (a node
    // that caught up 2 ms after entering a round took a 2 ms pace, raced through rounds on the
    // 1 s floor alone, and the others could never gather a quorum in one round: seed 1).
    if (live && qc.round === this.ep.round && Number.isFinite(this.ep.roundAt)) this.pace.record(now - this.ep.roundAt, qc.round === 0);
    this.ep = this.freshEpoch(e + 1);
    this.beginEpoch(now, out);
  }

  /** State changes of a finalized epoch (shared by live finalization and restart). */
  private applyFinal(c: Content, qc: QC): void {
    const e = c.batch.epoch;
    this.state = c.state!;
    this.height = e;
    this.lastHash = blockHash(c.batch.block);
    const result = c.result!;
    this.difficulty = nextDifficulty(this.difficulty, result.entropy, this.lastEntropy, {
      alpha: this.params.alpha,
      min: this.params.minDifficulty,
      max: this.params.maxDifficulty,
    });
    this.lastEntropy = result.entropy;
    this.lastTemperature = result.temperature;
    for (const p of c.batch.proposals) {
      if (p.proposer < 0 || p.proposer >= this.n) continue;
      this.lastIncluded[p.proposer] = e;
      this.lastClock[p.proposer] = p.vclock;
    }
    let minted = 0;
    for (const p of c.batch.proposals) if (p.proposer < 0) minted++;
    this.finals.set(e, { bytes: encodeBatch(c.batch), qc, minted });
    this.finals.delete(e - KEEP_FINALS);
  }

  private metrics(e: number, result: AggregateResult, round: number, out: Out[]): void {
    const truth = truthAt(this.params.truthSeed, e, this.params.dimension);
    const err = relativeError(result.aggregate, truth, this.params.noiseSd);
    this.errorSum += err;
    this.errorCount++;
    const minted = this.finals.get(e)?.minted ?? 0;
    this.mintedSum += minted;
    if (err > this.errorMax) this.errorMax = err;
    out.push(
      { kind: 'metric', name: 'height', value: e },
      { kind: 'metric', name: 'temperature', value: result.temperature },
      { kind: 'metric', name: 'entropy', value: result.entropy },
      { kind: 'metric', name: 'difficulty', value: this.difficulty },
      { kind: 'metric', name: 'healed', value: result.healed.length },
      { kind: 'metric', name: 'tt_error', value: err },
      { kind: 'metric', name: 'tt_error_mean', value: this.errorSum / this.errorCount },
      { kind: 'metric', name: 'tt_error_max', value: this.errorMax },
      { kind: 'metric', name: 'tt_epochs', value: this.errorCount },
      { kind: 'metric', name: 'tt_minted_mean', value: this.mintedSum / this.errorCount },
      { kind: 'metric', name: 'tt_commit_round', value: round },
      { kind: 'metric', name: 'tt_view_changes', value: this.viewChanges },
      { kind: 'metric', name: 'mempool', value: this.mempool.size },
    );
  }

  // ---- catching up -------------------------------------------------------------------------------

  private requestSync(now: number, out: Out[]): void {
    if (this.aheadPeer < 0 || this.aheadPeer === this.ctx.self) return;
    if (now - this.lastSyncAt < this.params.roundTimeoutMs / 2) return;
    this.lastSyncAt = now;
    out.push({ kind: 'send', to: this.aheadPeer, message: { t: 'sync-request', fromEpoch: this.ep.epoch } });
  }

  /** A peer spoke about an epoch we finalized long ago: send it the finalized batches. */
  private helpBehind(peer: NodeIndex, epoch: number, now: number, out: Out[]): void {
    if (peer === this.ctx.self) return;
    const last = this.helpedAt.get(peer) ?? Number.NEGATIVE_INFINITY;
    if (now - last < this.params.roundTimeoutMs / 2) return;
    this.helpedAt.set(peer, now);
    this.sendFinals(peer, epoch, out);
  }

  private sendFinals(peer: NodeIndex, fromEpoch: number, out: Out[]): void {
    for (let e = fromEpoch; e < this.ep.epoch && e < fromEpoch + SYNC_BATCH; e++) {
      const f = this.finals.get(e);
      if (f !== undefined) out.push({ kind: 'send', to: peer, message: { t: 'sync-final', batch: decodeBatch(f.bytes, MAX_MESSAGE_BYTES), qc: f.qc } });
    }
  }

  private onSyncRequest(from: NodeIndex, fromEpoch: number, now: number, out: Out[]): void {
    if (fromEpoch > this.ep.epoch) {
      this.sameEpoch(from, fromEpoch, now, out);
      return;
    }
    this.sendFinals(from, fromEpoch, out);
  }

  private onSyncFinal(from: NodeIndex, batch: Batch, qc: QC, now: number, out: Out[]): void {
    const e = batch.epoch;
    if (e < this.ep.epoch) return;
    if (e > this.ep.epoch) {
      if (e <= this.ep.epoch + SYNC_BATCH && this.syncBuffer.size < SYNC_BATCH) this.syncBuffer.set(e, { from, final: { batch, qc } });
      if (e > this.aheadEpoch) {
        this.aheadEpoch = e;
        this.aheadPeer = from;
      }
      return;
    }
    const value = valueHash(this.ctx.chainId, batch);
    if (qc.epoch !== e || !equalBytes(qc.value, value) || !this.checkQC(from, qc, 2, out)) return;
    const content = this.trustedContent(batch, value);
    if (content === null) {
      this.penalize(from, 'TT_BAD_BATCH', 5, out);
      return;
    }
    out.push({ kind: 'cost', op: 'tx-apply', count: batch.block.txs.length }, { kind: 'cost', op: 'sig-verify', count: batch.block.txs.length });
    this.finalizeEpoch(content, qc, now, out, false);
    if (this.aheadEpoch > this.ep.epoch && this.syncBuffer.size === 0) {
      this.lastSyncAt = Number.NEGATIVE_INFINITY;
      this.requestSync(now, out);
    }
  }
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

