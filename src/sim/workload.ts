/**
 * The client workload: signed transfers between funded dev accounts, offered at a rate.
 *
 * Model. Client arrivals form a Poisson process of rate `tps` (exponential gaps from the
 * workload's own PRNG stream) until the end of the measured duration. Each arrival takes the
 * account that has been idle longest and signs a transfer of 1 unit to another random account
 * with the account's next nonce. Each account has at most one transfer in flight (a client
 * that pipelined nonces to different nodes would see them arrive out of order and be refused
 * for the gap), so an arrival that finds no idle account is counted as `backlogged` and
 * skipped: offered load above accounts / latency saturates the clients, not the protocol.
 *
 * Submission: to a random honest node that is up (clients connected to a Byzantine node would
 * measure the adversary, not the protocol; documented choice). A submission is an input at
 * that node at the submit time (the client sits next to it: no network cost). If the transfer
 * is not final anywhere after `clientTimeoutMs`, the client resubmits the same transfer (same
 * id) to another honest node, at most `maxResubmits` times; then it gives up (`abandoned`) and
 * the account reuses the nonce later. Latency is always measured from the first submission.
 *
 * Acknowledgement: when a node's `persist` listing the tx id becomes durable (storage.ts).
 *
 * Keys: client account j is devKeyPair(j); validator i is devKeyPair(VALIDATOR_KEY_BASE + i),
 * so validators (who may earn block rewards) and clients never share an account.
 */
import type { Prng } from '../core/index.js';
import { devAddress, devAllocations, devKeyPair, genesisState, signTransfer, transferIdHex } from '../ledger/index.js';
import type { LedgerState, Transfer } from '../ledger/index.js';
import { SimError, badConfig } from './errors.js';
import type { TxRecord } from './metrics.js';

export const VALIDATOR_KEY_BASE = 1 << 20;
export const SIM_CHAIN_ID = 'thermo-sim';
/** Every client account's genesis balance: 10^12 units, far more than any run spends. */
export const CLIENT_BALANCE = 1_000_000_000_000n;
export const DEFAULT_MAX_TXS = 2_000_000;

export interface LoadConfig {
  /** Offered client arrivals per second (0 = no workload). */
  readonly tps: number;
  /** Funded client accounts (each with at most one transfer in flight). */
  readonly accounts: number;
  readonly clientTimeoutMs: number;
  readonly maxResubmits: number;
}

export function validateLoad(load: LoadConfig): void {
  if (!Number.isFinite(load.tps) || load.tps < 0 || load.tps > 1_000_000) throw badConfig('load.tps', 'in [0, 1000000]');
  if (!Number.isInteger(load.accounts) || load.accounts < 2 || load.accounts > 100_000) throw badConfig('load.accounts', 'an integer in [2, 100000]');
  if (!Number.isFinite(load.clientTimeoutMs) || load.clientTimeoutMs <= 0) throw badConfig('load.clientTimeoutMs', 'positive');
  if (!Number.isInteger(load.maxResubmits) || load.maxResubmits < 0 || load.maxResubmits > 100) throw badConfig('load.maxResubmits', 'an integer in [0, 100]');
}

/** The genesis every simulated node starts from: `accounts` funded client accounts. */
export function simGenesis(accounts: number): LedgerState {
  return genesisState(devAllocations(accounts, CLIENT_BALANCE));
}

/** Validator i's key pair. */
export function validatorKeyPair(i: number): ReturnType<typeof devKeyPair> {
  return devKeyPair(VALIDATOR_KEY_BASE + i);
}

interface Account {
  readonly index: number;
  nonce: number;
  inFlight: TxState | null;
}

export interface TxState {
  readonly record: TxRecord;
  readonly id: string;
  readonly tx: Transfer;
  readonly account: number;
  submissions: number;
  lastNode: number;
  done: boolean;
}

export interface Submission {
  readonly state: TxState;
  readonly node: number;
}

export class Workload {
  private readonly accounts: Account[];
  /** Idle accounts, FIFO (who waited longest goes first). */
  private readonly idle: number[] = [];
  private idleHead = 0;
  readonly byId = new Map<string, TxState>();
  private nextIndex = 0;
  submitted = 0;
  resubmitted = 0;
  backlogged = 0;
  abandoned = 0;
  acked = 0;
  rejected = 0;
  readonly rejectedByCode = new Map<string, number>();
  readonly latencies: number[] = [];
  readonly latenciesAll: number[] = [];
  finalizedAtSubmitter = 0;
  finalizedInWindow = 0;

  constructor(
    readonly load: LoadConfig,
    private readonly rng: Prng,
    private readonly honestCount: number,
    private readonly measuredEndMs: number,
    private readonly maxTxs: number = DEFAULT_MAX_TXS,
  ) {
    validateLoad(load);
    this.accounts = Array.from({ length: load.accounts }, (_, index) => ({ index, nonce: 0, inFlight: null }));
    for (let i = 0; i < load.accounts; i++) this.idle.push(i);
  }

  /** Gap to the next client arrival (ms), or Infinity without load. */
  nextGapMs(): number {
    return this.load.tps > 0 ? this.rng.nextExponential(1000 / this.load.tps) : Number.POSITIVE_INFINITY;
  }

  /**
   * One client arrival at `now`: a signed transfer and the node to submit it to, or null when
   * every account is busy. `candidates` are the honest nodes that are up.
   */
  arrive(now: number, candidates: readonly number[]): Submission | null {
    if (candidates.length === 0 || this.idleHead >= this.idle.length) {
      this.backlogged++;
      return null;
    }
    if (this.byId.size >= this.maxTxs) throw new SimError({ code: 'SIM_TOO_MANY_TXS', max: this.maxTxs });
    const account = this.accounts[this.idle[this.idleHead++]!]!;
    if (this.idleHead > 4096 && this.idleHead * 2 > this.idle.length) {
      this.idle.splice(0, this.idleHead);
      this.idleHead = 0;
    }
    let to = this.rng.nextInt(this.load.accounts - 1);
    if (to >= account.index) to++;
    const tx = signTransfer(devKeyPair(account.index), { chainId: SIM_CHAIN_ID, to: devAddress(to), amount: 1n, nonce: account.nonce });
    const id = transferIdHex(tx);
    const node = candidates[this.rng.nextInt(candidates.length)]!;
    const record: TxRecord = {
      index: this.nextIndex++,
      submitNode: node,
      submitAt: now,
      ackAt: -1,
      finalAt: -1,
      firstFinalAt: -1,
      honestFinalCount: 0,
      allHonestAt: -1,
    };
    const state: TxState = { record, id, tx, account: account.index, submissions: 1, lastNode: node, done: false };
    account.inFlight = state;
    this.byId.set(id, state);
    this.submitted++;
    return { state, node };
  }

  /** Client timeout: resubmit to another honest node, or give up. Null = nothing to do. */
  retry(state: TxState, candidates: readonly number[]): number | null {
    if (state.done || state.record.firstFinalAt >= 0) return null;
    if (state.submissions > this.load.maxResubmits) {
      state.done = true;
      this.abandoned++;
      const account = this.accounts[state.account]!;
      if (account.inFlight === state) {
        account.inFlight = null;
        this.idle.push(account.index);
      }
      return null;
    }
    if (candidates.length === 0) return null;
    let node = candidates[this.rng.nextInt(candidates.length)]!;
    if (node === state.lastNode && candidates.length > 1) node = candidates[(candidates.indexOf(node) + 1) % candidates.length]!;
    state.submissions++;
    state.lastNode = node;
    this.resubmitted++;
    return node;
  }

  onAck(txId: string, at: number): void {
    const s = this.byId.get(txId);
    if (s === undefined || s.record.ackAt >= 0) return;
    s.record.ackAt = at;
    this.acked++;
  }

  onRejected(txId: string, code: string): void {
    if (!this.byId.has(txId)) return;
    this.rejected++;
    this.rejectedByCode.set(code, (this.rejectedByCode.get(code) ?? 0) + 1);
  }

  /** An honest node finalized `txId` (counted once per node by the invariant checker). */
  onFinalized(txId: string, node: number, at: number): void {
    const s = this.byId.get(txId);
    if (s === undefined) return;
    const r = s.record;
    if (r.firstFinalAt < 0) {
      r.firstFinalAt = at;
      const account = this.accounts[s.account]!;
      if (s.tx.nonce + 1 > account.nonce) account.nonce = s.tx.nonce + 1;
      if (account.inFlight === s) {
        account.inFlight = null;
        this.idle.push(account.index);
      }
      s.done = true;
    }
    if (node === r.submitNode && r.finalAt < 0) {
      r.finalAt = at;
      this.finalizedAtSubmitter++;
      this.latencies.push(at - r.submitAt);
      if (at <= this.measuredEndMs) this.finalizedInWindow++;
    }
    r.honestFinalCount++;
    if (r.honestFinalCount === this.honestCount) {
      r.allHonestAt = at;
      this.latenciesAll.push(at - r.submitAt);
    }
  }
}
