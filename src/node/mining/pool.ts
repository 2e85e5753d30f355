/**
 * The parallel miner of the real node: a JobExecutor (src/node/runtime) for the coherence
 * engine's mining jobs that splits each job's nonces over a pool of persistent worker threads
 * (worker.ts; lane w of W tries every W-th nonce, search.ts).
 *
 * This is the honest weakness of Proof-of-Coherence in code: nonces are independent, so W
 * threads find blocks W times as fast (docs/protocols/coherence.md measures it). The design's
 * claim that a sequential ODE resists parallel hardware holds for one attempt, not for mining.
 *
 * Job life cycle: `start` posts one lane per worker; the first lane that returns a block wins,
 * the others are told to stop through the job's shared stop flag (they stop before their next
 * nonce) and their replies are ignored; when every lane ran out, the job reports no block with
 * attempts = maxAttempts (the engine then continues from startNonce + maxAttempts). `cancel`
 * raises the flag. One job runs at a time (the engine mines one template at a time); a job
 * started while another runs waits for the running one's lanes to stop, which takes at most one
 * attempt per lane.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { decodeHeader, encodeHeader } from '../../ledger/index.js';
import type { MiningJob, MiningResult } from '../../engines/coherence/index.js';
import type { JobExecutor } from '../runtime/index.js';
import { MiningError } from './errors.js';
import type { LaneReply, LaneRequest } from './wire.js';

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;

/** Worker threads when none is configured: every core but one (the node's own thread). */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * The worker's bootstrap: the project runs TypeScript through tsx, and Node 20 does not apply
 * loader hooks registered with --import to a worker's entry file, so the worker starts from a
 * tiny evaluated script that loads worker.ts through tsx's own API.
 */
function workerBootstrap(): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(WORKER_URL)}, ${JSON.stringify(import.meta.url)}))`;
}

interface Running {
  readonly jobId: string;
  readonly job: MiningJob;
  readonly stop: Int32Array;
  readonly done: (result: unknown) => void;
  readonly fail: (err: Error) => void;
  pending: number;
  attempts: number;
  coherent: number;
  settled: boolean;
}

interface Queued {
  readonly jobId: string;
  readonly job: MiningJob;
  readonly done: (result: unknown) => void;
  readonly fail: (err: Error) => void;
}

/** Checks that an opaque job is a coherence MiningJob (jobs cross an `unknown` interface). */
export function asMiningJob(job: unknown): MiningJob {
  const j = job as Partial<MiningJob> | null;
  const bad = (reason: string): MiningError => new MiningError({ code: 'MINING_BAD_JOB', reason });
  if (j === null || typeof j !== 'object') throw bad('not an object');
  if (j.template === undefined || typeof j.template !== 'object') throw bad('template');
  if (typeof j.target !== 'bigint' || typeof j.threshold !== 'bigint') throw bad('target/threshold');
  for (const k of ['preset', 'maxSteps', 'startNonce', 'stride', 'maxAttempts'] as const) {
    const v = j[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(k);
  }
  return j as MiningJob;
}

export interface MiningPoolOptions {
  /** Worker threads (lanes per job); default defaultThreads(). */
  readonly threads?: number;
}

export class MiningPool implements JobExecutor {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private current: Running | null = null;
  private readonly queue: Queued[] = [];
  private stopped = false;
  /** Set when a worker thread died: the pool then refuses work (a node restarts its miner). */
  private broken: Error | null = null;

  constructor(options: MiningPoolOptions = {}) {
    const threads = options.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new MiningError({ code: 'MINING_BAD_OPTIONS', field: 'threads', reason: 'an integer in [1, 256]' });
    }
    this.threads = threads;
    const bootstrap = workerBootstrap();
    for (let lane = 0; lane < threads; lane++) {
      const w = new Worker(bootstrap, { eval: true });
      w.on('message', (reply: LaneReply) => this.onReply(reply));
      w.on('error', (err) => this.onWorkerError(lane, err));
      // An idle pool must not keep the process alive (pump() refs the workers while a job runs).
      w.unref();
      this.workers.push(w);
    }
  }

  get running(): number {
    return this.current === null ? 0 : 1;
  }

  start(jobId: string, job: unknown, done: (result: unknown) => void, fail: (err: Error) => void): void {
    if (this.stopped) {
      fail(new MiningError({ code: 'MINING_STOPPED' }));
      return;
    }
    if (this.broken !== null) {
      fail(this.broken);
      return;
    }
    let parsed: MiningJob;
    try {
      parsed = asMiningJob(job);
    } catch (err) {
      fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.cancel(jobId); // the same id again replaces the job
    this.queue.push({ jobId, job: parsed, done, fail });
    this.pump();
  }

  cancel(jobId: string): void {
    const i = this.queue.findIndex((q) => q.jobId === jobId);
    if (i >= 0) this.queue.splice(i, 1);
    const c = this.current;
    if (c !== null && c.jobId === jobId && !c.settled) {
      c.settled = true; // its result, if any lane still finds one, is dropped
      Atomics.store(c.stop, 0, 1);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    if (this.current !== null) Atomics.store(this.current.stop, 0, 1);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    if (this.current !== null || this.queue.length === 0 || this.stopped) return;
    const q = this.queue.shift()!;
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const lanes = this.threads;
    this.current = { jobId: q.jobId, job: q.job, stop, done: q.done, fail: q.fail, pending: lanes, attempts: 0, coherent: 0, settled: false };
    const templateBytes = encodeHeader(q.job.template);
    for (const w of this.workers) w.ref();
    for (let lane = 0; lane < lanes; lane++) {
      const req: LaneRequest = {
        kind: 'lane',
        jobId: q.jobId,
        lane,
        lanes,
        templateBytes,
        target: q.job.target,
        threshold: q.job.threshold,
        preset: q.job.preset,
        maxSteps: q.job.maxSteps,
        startNonce: q.job.startNonce,
        stride: q.job.stride,
        maxAttempts: q.job.maxAttempts,
        simAttemptsPerSecond: q.job.simAttemptsPerSecond,
        simSuccessRate: q.job.simSuccessRate,
        stop,
      };
      this.workers[lane]!.postMessage(req);
    }
  }

  private onReply(reply: LaneReply): void {
    const c = this.current;
    if (c === null || c.jobId !== reply.jobId) return;
    c.pending--;
    if (reply.kind === 'error') {
      if (!c.settled) {
        c.settled = true;
        Atomics.store(c.stop, 0, 1);
        c.fail(new MiningError({ code: 'MINING_WORKER_FAILED', lane: reply.lane, reason: reply.reason }));
      }
    } else {
      c.attempts += reply.attempts;
      c.coherent += reply.coherent;
      if (reply.headerBytes !== null && !c.settled) {
        c.settled = true;
        Atomics.store(c.stop, 0, 1);
        let header;
        try {
          header = decodeHeader(reply.headerBytes);
        } catch (err) {
          c.fail(err instanceof Error ? err : new Error(String(err)));
          this.finishIfIdle(c);
          return;
        }
        const result: MiningResult = Object.freeze({ header, attempts: c.attempts, coherent: c.coherent });
        c.done(result);
      }
    }
    this.finishIfIdle(c);
  }

  /** When every lane has replied: report exhaustion (if nothing was found) and start the next job. */
  private finishIfIdle(c: Running): void {
    if (c.pending > 0) return;
    if (!c.settled) {
      c.settled = true;
      c.done(Object.freeze({ header: null, attempts: c.job.maxAttempts, coherent: c.coherent }));
    }
    this.current = null;
    if (this.queue.length === 0) for (const w of this.workers) w.unref();
    this.pump();
  }

  private onWorkerError(lane: number, err: Error): void {
    const failure = new MiningError({ code: 'MINING_WORKER_FAILED', lane, reason: err.message });
    if (this.broken === null) this.broken = failure;
    const c = this.current;
    this.current = null;
    if (c !== null && !c.settled) {
      c.settled = true;
      Atomics.store(c.stop, 0, 1);
      c.fail(failure);
    }
    for (const q of this.queue.splice(0)) q.fail(failure);
  }
}
