/**
 * The transaction load generator: signs transfers between the genesis dev accounts
 * (ledger devKeyPair) and submits them through the HTTP API of a set of nodes, at a target
 * rate, recording every acknowledged transaction.
 *
 *  - Each sender signs strictly sequential nonces and keeps at most `maxInFlightPerSender`
 *    transfers not yet final (below the mempool's per-sender cap).
 *  - Transfers are sent in POST /txs/batch requests (what is queued each 10 ms tick, up to 256,
 *    one node after the other): per transfer, HTTP costs the client and the node far less.
 *  - Submissions rotate over the nodes. A node that does not answer is skipped for a second
 *    and the SAME signed transfer is retried elsewhere (same id: at most one can ever be
 *    final), so killing a node mid-load loses no nonce and double-spends nothing.
 *  - 202 means acknowledged (durable on that node): recorded with its submit and ack times.
 *  - Finality is observed by polling the finalized log (/blocks) of one node every
 *    `pollMs`; submit-to-final latency is measured from the FIRST submission attempt.
 */
import { performance } from 'node:perf_hooks';
import { devKeyPair, devAddress, signTransfer, transferIdHex } from '../../ledger/index.js';
import type { Transfer } from '../../ledger/index.js';
import { toHex } from '../../core/index.js';
import { ClientError, NodeClient } from './http-client.js';
import type { BatchItem } from './http-client.js';

export interface LoadOptions {
  readonly nodes: readonly string[];
  readonly chainId: string;
  /** Target submissions per second. */
  readonly tps: number;
  /** Dev accounts 0..senders-1 send. */
  readonly senders: number;
  /** Recipients are dev accounts 0..recipients-1 (other than the sender). */
  readonly recipients: number;
  readonly maxInFlightPerSender?: number;
  /** Transfers queued or inside a batch request at once. */
  readonly maxOutstanding?: number;
  /** Which node's finalized log to watch (index into nodes; it should not be the one killed). */
  readonly trackNode?: number;
  readonly pollMs?: number;
  /** Give up retrying one transfer after this long. */
  readonly retryForMs?: number;
  /**
   * The next nonce of each sender, where an earlier generator left off (its `nextNonces()`).
   * A sender's nonce is the larger of this and the account nonce the tracked node reports:
   * the account nonce is the EXECUTED one, which on negentropy lags decided transfers.
   */
  readonly startNonces?: readonly number[];
}

export interface TxRecordLoad {
  readonly id: string;
  readonly sender: number;
  readonly nonce: number;
  readonly submittedAt: number;
  ackedAt?: number;
  ackNode?: number;
  finalAt?: number;
  attempts: number;
}

export interface LoadReport {
  readonly submitted: number;
  readonly acked: number;
  readonly finalAcked: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly retries: number;
  /** Refusals waited out and sent again (RETRY_LATER: the chain had to move on first). */
  readonly waits: number;
  /** Transfers dropped because another transfer of the sender holds their nonce (NONCE_TAKEN). */
  readonly skipped: number;
  readonly unreachable: number;
  readonly abandoned: number;
  readonly elapsedSeconds: number;
  /** Acknowledged transfers finalized per second between `from` and `to`. */
  readonly finalizedPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly count: number };
  readonly ackLatencyMs: { readonly p50: number; readonly p99: number };
}

interface Job {
  readonly tx: Transfer;
  readonly rec: TxRecordLoad;
  readonly sender: Sender;
}

/** Most transfers per POST /txs/batch (the API's MAX_BATCH). */
const MAX_BATCH = 256;

interface Sender {
  readonly index: number;
  nonce: number;
  inFlight: number;
  broken: boolean;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Engine refusals that depend on the node asked (its lag, its pool), not on the transfer. */
const RETRY_ELSEWHERE: ReadonlySet<string> = new Set(['MEMPOOL_NONCE_TOO_FAR', 'MEMPOOL_FULL', 'MEMPOOL_SENDER_CAP']);
/**
 * Refusals every node gives alike until the chain moves on: negentropy takes a nonce at most
 * maxNonceAhead past the sender's EXECUTED one, and execution waits for a super-block, so a
 * sender ahead of it must wait, not stop (stopping left a nonce gap, which stalled every later
 * transfer of the sender: a 100/s negentropy devnet stopped submitting after ~5 s).
 */
const RETRY_LATER: ReadonlySet<string> = new Set(['NEG_NONCE_TOO_FAR']);
const RETRY_LATER_MS = 250;
/**
 * Refusals that say the nonce is already taken for good by ANOTHER transfer of the sender:
 * negentropy decided that nonce's conflict set for a different transfer. The slot will be
 * filled by the decided one, so skipping it leaves no gap; the sender goes on. This is what a
 * fresh generator meets when it reuses senders whose earlier transfers are decided but not yet
 * executed (the account nonce it starts from is the EXECUTED one, which waits for a super-block).
 */
const NONCE_TAKEN: ReadonlySet<string> = new Set(['NEG_CONFLICT_DECIDED']);

export class LoadGenerator {
  private readonly clients: NodeClient[];
  private readonly senders: Sender[] = [];
  private readonly records = new Map<string, TxRecordLoad>();
  private readonly pendingFinal = new Map<string, TxRecordLoad>();
  private readonly downUntil: number[];
  private nextNode = 0;
  private nextSender = 0;
  private budget = 0;
  private lastTick = 0;
  /** Transfers queued for the next batch, and transfers inside a batch request now. */
  private readonly queue: Job[] = [];
  private inBatches = 0;
  private ticker: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private polling = false;
  private nextSeq = 0;
  private running = false;
  private startedAt = 0;
  private readonly opts: Required<LoadOptions>;
  private readonly counts = { submitted: 0, retries: 0, waits: 0, skipped: 0, unreachable: 0, abandoned: 0, rejected: {} as Record<string, number> };

  constructor(options: LoadOptions) {
    this.opts = {
      maxInFlightPerSender: 32,
      maxOutstanding: 256,
      trackNode: 0,
      pollMs: 50,
      retryForMs: 60_000,
      startNonces: [],
      ...options,
    };
    this.clients = options.nodes.map((u) => new NodeClient(u, 15_000));
    this.downUntil = options.nodes.map(() => 0);
  }

  /** Reads the senders' nonces and the log position, then starts submitting and watching. */
  async start(): Promise<void> {
    const tracker = this.clients[this.opts.trackNode]!;
    for (let i = 0; i < this.opts.senders; i++) {
      const a = await tracker.account(toHex(devAddress(i)));
      this.senders.push({ index: i, nonce: Math.max(a.nonce, this.opts.startNonces[i] ?? 0), inFlight: 0, broken: false });
    }
    const st = await tracker.status();
    this.nextSeq = st.finalized;
    this.running = true;
    this.startedAt = performance.now();
    this.lastTick = this.startedAt;
    this.ticker = setInterval(() => this.tick(), 10);
    this.poller = setInterval(() => void this.poll(), this.opts.pollMs);
  }

  /** Stops submitting new transfers (retries of unacknowledged ones continue until drain). */
  stopSubmitting(): void {
    this.running = false;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** Waits until every acknowledged transfer is final on the tracked node, or the timeout. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.stopSubmitting();
    const end = performance.now() + timeoutMs;
    while (performance.now() < end) {
      const busy = this.queue.length + this.inBatches > 0;
      const waiting = [...this.records.values()].some((r) => r.finalAt === undefined && r.ackedAt !== undefined);
      if (!waiting && !busy) return true;
      this.flush();
      await sleep(100);
    }
    return false;
  }

  async close(): Promise<void> {
    this.stopSubmitting();
    if (this.poller !== null) clearInterval(this.poller);
    this.poller = null;
    while (this.polling) await sleep(10);
    for (const c of this.clients) c.close();
  }

  /** Every acknowledged transfer so far. */
  acknowledged(): TxRecordLoad[] {
    return [...this.records.values()].filter((r) => r.ackedAt !== undefined);
  }

  markDown(node: number, ms: number): void {
    this.downUntil[node] = performance.now() + ms;
  }

  private tick(): void {
    this.flush();
    const now = performance.now();
    this.budget = Math.min(this.budget + ((now - this.lastTick) / 1000) * this.opts.tps, Math.max(1, this.opts.tps / 10));
    this.lastTick = now;
    let guard = this.senders.length;
    while (this.running && this.budget >= 1 && this.queue.length + this.inBatches < this.opts.maxOutstanding && guard > 0) {
      const s = this.senders[this.nextSender]!;
      this.nextSender = (this.nextSender + 1) % this.senders.length;
      if (s.broken || s.inFlight >= this.opts.maxInFlightPerSender) {
        guard--;
        continue;
      }
      guard = this.senders.length;
      this.budget -= 1;
      this.send(s);
    }
    this.flush();
  }

  private send(s: Sender): void {
    let to = Math.floor(Math.random() * Math.max(1, this.opts.recipients - 1));
    if (to >= s.index) to++;
    const tx = signTransfer(devKeyPair(s.index), { chainId: this.opts.chainId, to: devAddress(to), amount: 1n, nonce: s.nonce });
    s.nonce++;
    s.inFlight++;
    const rec: TxRecordLoad = { id: transferIdHex(tx), sender: s.index, nonce: tx.nonce, submittedAt: performance.now(), attempts: 0 };
    this.records.set(rec.id, rec);
    this.pendingFinal.set(rec.id, rec);
    this.counts.submitted++;
    this.queue.push({ tx, rec, sender: s });
  }

  private pickNode(): number {
    const n = this.clients.length;
    const now = performance.now();
    for (let k = 0; k < n; k++) {
      const i = (this.nextNode + k) % n;
      if (this.downUntil[i]! <= now) {
        this.nextNode = (i + 1) % n;
        return i;
      }
    }
    this.nextNode = (this.nextNode + 1) % n;
    return this.nextNode;
  }

  private release(s: Sender): void {
    s.inFlight = Math.max(0, s.inFlight - 1);
  }

  private enqueue(job: Job, delayMs = 0): void {
    if (delayMs <= 0) this.queue.push(job);
    else setTimeout(() => this.queue.push(job), delayMs).unref();
  }

  /** Sends what is queued as batches, one per node in turn, within the outstanding bound. */
  private flush(): void {
    while (this.queue.length > 0 && this.inBatches < this.opts.maxOutstanding) {
      const room = Math.min(MAX_BATCH, this.opts.maxOutstanding - this.inBatches);
      const jobs = this.queue.splice(0, room);
      void this.sendBatch(this.pickNode(), jobs);
    }
  }

  private async sendBatch(node: number, jobs: Job[]): Promise<void> {
    this.inBatches += jobs.length;
    try {
      for (const j of jobs) {
        j.rec.attempts++;
        if (j.rec.attempts > 1) this.counts.retries++;
      }
      let r;
      try {
        r = await this.clients[node]!.submitBatch(jobs.map((j) => j.tx));
      } catch (err) {
        if (!(err instanceof ClientError)) throw err;
        this.counts.unreachable += jobs.length;
        this.markDown(node, 1000);
        for (const j of jobs) this.retry(j, 50);
        return;
      }
      if (!r.ok) {
        // The whole batch was refused (rate limit, overload): all of it goes again shortly.
        for (const j of jobs) this.retry(j, 100);
        return;
      }
      r.body.forEach((item, i) => this.settle(jobs[i]!, node, item));
    } finally {
      this.inBatches -= jobs.length;
    }
  }

  private retry(job: Job, delayMs: number): void {
    if (job.rec.finalAt !== undefined) return;
    if (performance.now() - job.rec.submittedAt > this.opts.retryForMs) {
      this.counts.abandoned++;
      return;
    }
    this.enqueue(job, delayMs);
  }

  private settle(job: Job, node: number, item: BatchItem): void {
    const rec = job.rec;
    if (item.ok) {
      if (rec.ackedAt === undefined) {
        rec.ackedAt = performance.now();
        rec.ackNode = node;
      }
      return;
    }
    // Busy, or a node whose state lags (a restarted node catching up refuses nonces far ahead
    // of its stale account nonce): the same transfer goes to another node shortly.
    if (RETRY_LATER.has(item.code)) {
      this.counts.waits++;
      this.retry(job, RETRY_LATER_MS);
      return;
    }
    if (item.status === 429 || item.status === 503 || RETRY_ELSEWHERE.has(item.code)) {
      if (RETRY_ELSEWHERE.has(item.code)) this.markDown(node, 500);
      this.retry(job, 100);
      return;
    }
    if (NONCE_TAKEN.has(item.code)) {
      this.counts.skipped++;
      this.pendingFinal.delete(rec.id);
      this.release(job.sender);
      return;
    }
    this.counts.rejected[item.code] = (this.counts.rejected[item.code] ?? 0) + 1;
    // A stale nonce or a duplicate means this very transfer is already in the system.
    if (item.code === 'MEMPOOL_NONCE_STALE' || item.code === 'MEMPOOL_DUPLICATE') return;
    job.sender.broken = true; // anything else would leave a nonce gap: stop using this sender
    this.pendingFinal.delete(rec.id);
    this.release(job.sender);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const tracker = this.clients[this.opts.trackNode]!;
      for (let rounds = 0; rounds < 20; rounds++) {
        let entries;
        try {
          entries = await tracker.blocks(this.nextSeq, 1000);
        } catch {
          return;
        }
        const now = performance.now();
        for (const e of entries) {
          if (e.seq !== this.nextSeq) break;
          this.nextSeq++;
          for (const id of e.txIds) {
            const rec = this.pendingFinal.get(id);
            if (rec === undefined) continue;
            this.pendingFinal.delete(id);
            rec.finalAt = now;
            const s = this.senders[rec.sender];
            if (s !== undefined) this.release(s);
          }
        }
        if (entries.length < 1000) return;
      }
    } finally {
      this.polling = false;
    }
  }

  report(window?: { readonly from: number; readonly to: number }): LoadReport {
    const all = [...this.records.values()];
    const acked = all.filter((r) => r.ackedAt !== undefined);
    const final = acked.filter((r) => r.finalAt !== undefined);
    const from = window?.from ?? this.startedAt;
    const to = window?.to ?? performance.now();
    const inWindow = final.filter((r) => r.finalAt! >= from && r.finalAt! <= to);
    const lat = final.map((r) => r.finalAt! - r.submittedAt).sort((a, b) => a - b);
    const ackLat = acked.map((r) => r.ackedAt! - r.submittedAt).sort((a, b) => a - b);
    const round = (x: number): number => Math.round(x * 10) / 10;
    return {
      submitted: this.counts.submitted,
      acked: acked.length,
      finalAcked: final.length,
      rejected: { ...this.counts.rejected },
      retries: this.counts.retries,
      waits: this.counts.waits,
      skipped: this.counts.skipped,
      unreachable: this.counts.unreachable,
      abandoned: this.counts.abandoned,
      elapsedSeconds: round((to - this.startedAt) / 1000),
      finalizedPerSecond: round(inWindow.length / Math.max(0.001, (to - from) / 1000)),
      latencyMs: {
        p50: round(percentile(lat, 50)),
        p90: round(percentile(lat, 90)),
        p99: round(percentile(lat, 99)),
        max: round(lat.length === 0 ? NaN : lat[lat.length - 1]!),
        count: lat.length,
      },
      ackLatencyMs: { p50: round(percentile(ackLat, 50)), p99: round(percentile(ackLat, 99)) },
    };
  }

  /** The next nonce each sender would sign, for a later generator's `startNonces`. */
  nextNonces(): number[] {
    return this.senders.map((s) => s.nonce);
  }

  /** performance.now() at start, for report windows. */
  get startTime(): number {
    return this.startedAt;
  }
}
