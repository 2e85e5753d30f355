/**
 * The bounded mempool.
 *
 * Bounds (each a constructor option): total count, total encoded bytes, per-sender count,
 * how far ahead of the sender's account nonce a transfer may be, and the size of one transfer.
 * Pending transfers are kept per sender, keyed by nonce; gaps are allowed inside the window
 * (gossip can arrive out of order) but only the contiguous run from the account nonce is
 * executable and selectable.
 *
 * Admission keeps an invariant per sender: the sum of its pending amounts never exceeds the
 * balance last seen for it. Without fees this is what stops an unfunded key from filling the
 * pool (incoming pending credits are deliberately not counted).
 *
 * Eviction, when the pool is full: the victim is the sender with the most pending transfers
 * (ties: the sender whose newest transfer arrived last), and only if it holds strictly more
 * than the newcomer's sender will after admission; its highest-nonce transfer goes first, so no
 * gap is created. Repeat until the newcomer fits, or refuse with MEMPOOL_FULL and evict nothing.
 * Every evicted transfer is reported in the `add` result.
 */
import { assert } from '../../core/assert.js';
import { toHex } from '../../core/bytes.js';
import { EMPTY_ACCOUNT } from '../account.js';
import type { Address, Hash } from '../account.js';
import { LedgerError } from '../errors.js';
import type { AccountView } from '../state.js';
import type { Transfer } from '../transaction.js';
import { asTransfer, checkTransferStateless, decodeTransfer, isValidChainId, transferId, transferSize, verifyTransferSignature } from '../transaction.js';
import { MEMPOOL_DEFAULTS } from './types.js';
import type { AddResult, DropReason, DroppedTx, MempoolOptions, MempoolRejection, ResolvedMempoolOptions } from './types.js';

interface Entry {
  readonly tx: Transfer;
  readonly id: Hash;
  readonly idHex: string;
  readonly size: number;
  /** Arrival order, for deterministic tie-breaks and fair selection. */
  readonly seq: number;
}

interface SenderQueue {
  readonly address: Address;
  readonly hex: string;
  /** Account nonce and balance last seen (add view or committed state). */
  nonce: number;
  balance: bigint;
  readonly byNonce: Map<number, Entry>;
  /** Pending nonces, ascending. */
  readonly nonces: number[];
  /** Sum of pending amounts. */
  total: bigint;
}

// A bad option is a configuration bug, not peer input: fail loudly with a typed assertion.
function positiveInt(value: number, name: string): number {
  assert(Number.isSafeInteger(value) && value >= 1, `mempool option ${name} must be a positive integer`);
  return value;
}

export class Mempool {
  readonly options: ResolvedMempoolOptions;
  private readonly byId = new Map<string, Entry>();
  private readonly senders = new Map<string, SenderQueue>();
  private totalBytes = 0;
  private nextSeq = 0;

  constructor(options: MempoolOptions) {
    const o = { ...MEMPOOL_DEFAULTS, ...options };
    const maxNonceAhead = o.maxNonceAhead;
    assert(Number.isSafeInteger(maxNonceAhead) && maxNonceAhead >= 0, 'mempool option maxNonceAhead must be a non-negative integer');
    assert(isValidChainId(o.chainId), 'mempool option chainId must be a valid chain id');
    this.options = Object.freeze({
      chainId: o.chainId,
      maxCount: positiveInt(o.maxCount, 'maxCount'),
      maxBytes: positiveInt(o.maxBytes, 'maxBytes'),
      maxPerSender: positiveInt(o.maxPerSender, 'maxPerSender'),
      maxNonceAhead,
      maxTxBytes: positiveInt(o.maxTxBytes, 'maxTxBytes'),
    });
  }

  /** Pending transfers. */
  get size(): number {
    return this.byId.size;
  }

  /** Encoded bytes pending. */
  get bytes(): number {
    return this.totalBytes;
  }

  has(txId: Hash | string): boolean {
    return this.byId.has(typeof txId === 'string' ? txId : toHex(txId));
  }

  get(txId: Hash | string): Transfer | undefined {
    return this.byId.get(typeof txId === 'string' ? txId : toHex(txId))?.tx;
  }

  /** A sender's pending transfers in nonce order. */
  pendingOf(sender: Address): readonly Transfer[] {
    const q = this.senders.get(toHex(sender));
    return q === undefined ? [] : q.nonces.map((n) => q.byNonce.get(n)!.tx);
  }

  /** Decodes with the size cap first, then `add`. Malformed bytes are a rejection, not a throw. */
  addEncoded(bytes: Uint8Array, view: AccountView): AddResult {
    if (bytes.length > this.options.maxTxBytes) return reject({ code: 'MEMPOOL_TX_TOO_LARGE', size: bytes.length, max: this.options.maxTxBytes });
    let tx: Transfer;
    try {
      tx = decodeTransfer(bytes, this.options.maxTxBytes);
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      return reject({ code: 'MEMPOOL_MALFORMED', reason: err.message });
    }
    return this.add(tx, view);
  }

  /** Admits `tx` or says why not; on rejection nothing changes. */
  add(input: Transfer, view: AccountView): AddResult {
    const o = this.options;
    // The pool keeps what it admits: only frozen private copies built by the ledger, so a
    // caller mutating its own object afterwards cannot change a pending transfer.
    let tx: Transfer;
    try {
      tx = asTransfer(input);
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      return reject({ code: 'MEMPOOL_MALFORMED', reason: err.message });
    }
    const size = transferSize(tx);
    if (size > o.maxTxBytes) return reject({ code: 'MEMPOOL_TX_TOO_LARGE', size, max: o.maxTxBytes });
    const id = transferId(tx);
    const idHex = tx.id; // asTransfer: built by the ledger, so its id matches its content
    if (this.byId.has(idHex)) return reject({ code: 'MEMPOOL_DUPLICATE', txId: idHex });
    try {
      checkTransferStateless(tx, o.chainId);
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      const t = err.type;
      if (t.code === 'LEDGER_WRONG_CHAIN') return reject({ code: 'MEMPOOL_WRONG_CHAIN', expected: t.expected, actual: t.actual });
      if (t.code === 'LEDGER_ZERO_AMOUNT' || t.code === 'LEDGER_SELF_TRANSFER') return reject({ code: 'MEMPOOL_INVALID_TX', reason: t.code });
      throw err;
    }
    const account = view.account(tx.from) ?? EMPTY_ACCOUNT;
    if (tx.nonce < account.nonce) return reject({ code: 'MEMPOOL_NONCE_STALE', accountNonce: account.nonce, nonce: tx.nonce });
    if (tx.nonce - account.nonce > o.maxNonceAhead) {
      return reject({ code: 'MEMPOOL_NONCE_TOO_FAR', accountNonce: account.nonce, nonce: tx.nonce, maxAhead: o.maxNonceAhead });
    }
    const senderHex = toHex(tx.from);
    const queue = this.senders.get(senderHex);
    const taken = queue?.byNonce.get(tx.nonce);
    if (taken !== undefined) return reject({ code: 'MEMPOOL_NONCE_TAKEN', nonce: tx.nonce, pendingTxId: taken.idHex });
    const pendingCount = queue?.nonces.length ?? 0;
    if (pendingCount >= o.maxPerSender) return reject({ code: 'MEMPOOL_SENDER_CAP', max: o.maxPerSender });
    const pending = (queue?.total ?? 0n) + tx.amount;
    if (pending > account.balance) return reject({ code: 'MEMPOOL_INSUFFICIENT_BALANCE', balance: account.balance, pending });
    if (!verifyTransferSignature(tx)) return reject({ code: 'MEMPOOL_BAD_SIGNATURE', txId: idHex });

    const victims = this.planEviction(senderHex, pendingCount + 1, size);
    if (victims === null) {
      return reject({ code: 'MEMPOOL_FULL', count: this.byId.size, bytes: this.totalBytes, maxCount: o.maxCount, maxBytes: o.maxBytes });
    }
    const evicted = victims.length === 0 ? NO_DROPPED : Object.freeze(victims.map((e) => this.removeEntry(e, 'MEMPOOL_EVICTED')));

    const q = queue ?? this.newQueue(tx.from, senderHex);
    q.nonce = account.nonce;
    q.balance = account.balance;
    const entry: Entry = { tx, id, idHex, size, seq: this.nextSeq++ };
    q.byNonce.set(tx.nonce, entry);
    insertSorted(q.nonces, tx.nonce);
    q.total += tx.amount;
    this.byId.set(idHex, entry);
    this.totalBytes += size;
    return Object.freeze({ accepted: true, txId: id, evicted });
  }

  /**
   * The entries to evict so a transfer of `size` bytes from `newcomerHex` (which will then hold
   * `newcomerLoad` transfers) fits, or null when the policy allows no such set.
   */
  private planEviction(newcomerHex: string, newcomerLoad: number, size: number): readonly Entry[] | null {
    const o = this.options;
    // The common case, room to spare, allocates nothing: this runs for every admission.
    if (this.byId.size + 1 <= o.maxCount && this.totalBytes + size <= o.maxBytes) return NO_VICTIMS;
    const victims: Entry[] = [];
    const taken = new Map<string, number>();
    let count = this.byId.size + 1;
    let bytes = this.totalBytes + size;
    while (count > o.maxCount || bytes > o.maxBytes) {
      let best: SenderQueue | undefined;
      let bestLoad = 0;
      let bestSeq = -1;
      for (const q of this.senders.values()) {
        if (q.hex === newcomerHex) continue;
        const load = q.nonces.length - (taken.get(q.hex) ?? 0);
        if (load === 0) continue;
        const top = q.byNonce.get(q.nonces[load - 1]!)!;
        if (load > bestLoad || (load === bestLoad && top.seq > bestSeq)) {
          best = q;
          bestLoad = load;
          bestSeq = top.seq;
        }
      }
      if (best === undefined || bestLoad <= newcomerLoad) return null;
      const victim = best.byNonce.get(best.nonces[bestLoad - 1]!)!;
      taken.set(best.hex, (taken.get(best.hex) ?? 0) + 1);
      victims.push(victim);
      count--;
      bytes -= victim.size;
    }
    return victims;
  }

  private newQueue(address: Address, hex: string): SenderQueue {
    const q: SenderQueue = { address: Uint8Array.from(address), hex, nonce: 0, balance: 0n, byNonce: new Map(), nonces: [], total: 0n };
    this.senders.set(hex, q);
    return q;
  }

  private removeEntry(entry: Entry, reason: DropReason): DroppedTx {
    const hex = toHex(entry.tx.from);
    const q = this.senders.get(hex)!;
    q.byNonce.delete(entry.tx.nonce);
    q.nonces.splice(q.nonces.indexOf(entry.tx.nonce), 1);
    q.total -= entry.tx.amount;
    if (q.nonces.length === 0) this.senders.delete(hex);
    this.byId.delete(entry.idHex);
    this.totalBytes -= entry.size;
    return Object.freeze({ txId: entry.id, txIdHex: entry.idHex, tx: entry.tx, reason });
  }

  /** Removes one transfer on request (e.g. a client cancelled it); reports it if it was pending. */
  remove(txId: Hash | string): DroppedTx | undefined {
    const entry = this.byId.get(typeof txId === 'string' ? txId : toHex(txId));
    return entry === undefined ? undefined : this.removeEntry(entry, 'MEMPOOL_REMOVED');
  }

  /**
   * Executable transfers for a block: per sender the contiguous nonce run from its account
   * nonce, interleaved round-robin across senders (one transfer per sender per round), senders
   * ordered by the arrival of their first executable transfer (who waited longest goes first).
   * A sender whose next transfer does not fit in the remaining bytes is done for this call.
   * Nothing is removed; that happens in onBlockCommitted.
   */
  select(maxCount: number, maxBytes: number): readonly Transfer[] {
    const runs: Entry[][] = [];
    for (const q of this.senders.values()) {
      const run: Entry[] = [];
      for (let n = q.nonce; q.byNonce.has(n); n++) run.push(q.byNonce.get(n)!);
      if (run.length > 0) runs.push(run);
    }
    runs.sort((a, b) => a[0]!.seq - b[0]!.seq);
    const out: Transfer[] = [];
    let bytes = 0;
    let active = runs.map((run) => ({ run, next: 0 }));
    while (active.length > 0 && out.length < maxCount) {
      const still: typeof active = [];
      for (const a of active) {
        if (out.length >= maxCount) break;
        const e = a.run[a.next]!;
        if (bytes + e.size > maxBytes) continue;
        out.push(e.tx);
        bytes += e.size;
        a.next++;
        if (a.next < a.run.length) still.push(a);
      }
      active = still;
    }
    return Object.freeze(out);
  }

  /**
   * After `state` became the committed state: drops the included transfers, then, for every
   * sender, the transfers its new nonce has passed and (highest nonce first) those its new
   * balance no longer covers. Returns everything it dropped, with the reason.
   */
  onBlockCommitted(state: AccountView, includedTxIds: readonly (Hash | string)[]): readonly DroppedTx[] {
    const dropped: DroppedTx[] = [];
    for (const id of includedTxIds) {
      const entry = this.byId.get(typeof id === 'string' ? id : toHex(id));
      if (entry !== undefined) dropped.push(this.removeEntry(entry, 'MEMPOOL_INCLUDED'));
    }
    for (const q of [...this.senders.values()]) {
      const account = state.account(q.address) ?? EMPTY_ACCOUNT;
      q.nonce = account.nonce;
      q.balance = account.balance;
      while (q.nonces.length > 0 && q.nonces[0]! < account.nonce) {
        dropped.push(this.removeEntry(q.byNonce.get(q.nonces[0]!)!, 'MEMPOOL_NONCE_STALE'));
      }
      while (q.nonces.length > 0 && q.total > account.balance) {
        dropped.push(this.removeEntry(q.byNonce.get(q.nonces[q.nonces.length - 1]!)!, 'MEMPOOL_UNAFFORDABLE'));
      }
    }
    return Object.freeze(dropped);
  }
}

const NO_VICTIMS: readonly Entry[] = Object.freeze([]);
const NO_DROPPED: readonly DroppedTx[] = Object.freeze([]);

function reject(rejection: MempoolRejection): AddResult {
  return Object.freeze({ accepted: false, rejection: Object.freeze(rejection) });
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > value) i--;
  list.splice(i, 0, value);
}
