/**
 * Running an engine's `job` effects (mining) off the engine's input path. The executor gets
 * the job, and hands the result back as a `job-done` input through `done`.
 *
 * Two implementations:
 *  - WorkerJobExecutor: persistent worker threads (job-worker.ts) that look the engine up by
 *    name once and call `definition.jobs.run(job)` job after job; `cancel` of a running job
 *    terminates its worker, so a long attempt stops at once. Jobs and results must survive
 *    structured clone.
 *  - InlineJobExecutor: calls `run` on the main thread after a macrotask (tests, tiny jobs).
 *  - CostRoutedJobExecutor: each job to one of the two by the runner's `expectedCostUs`: at
 *    most INLINE_JOB_MAX_US inline, anything dearer (or of unknown cost) to a worker thread.
 * A specialised executor (src/node/mining, owned by the coherence engine) can be plugged in
 * through NodeOptions.jobExecutor; this file only fixes the interface.
 */
import { Worker } from 'node:worker_threads';
import type { JobRunner } from '../../protocol/index.js';

export interface JobExecutor {
  start(jobId: string, job: unknown, done: (result: unknown) => void, fail: (err: Error) => void): void;
  cancel(jobId: string): void;
  stop(): Promise<void>;
  readonly running: number;
}

/** Most jobs at once; the engine's further jobs wait (they are not dropped). */
export const DEFAULT_MAX_JOBS = 2;

interface Waiting {
  readonly jobId: string;
  readonly job: unknown;
  readonly done: (result: unknown) => void;
  readonly fail: (err: Error) => void;
}

abstract class BoundedExecutor implements JobExecutor {
  private readonly waiting: Waiting[] = [];
  protected readonly active = new Map<string, () => void>();

  constructor(private readonly maxJobs: number) {}

  get running(): number {
    return this.active.size;
  }

  start(jobId: string, job: unknown, done: (result: unknown) => void, fail: (err: Error) => void): void {
    this.cancel(jobId); // same id again: the engine replaced the job
    this.waiting.push({ jobId, job, done, fail });
    this.pump();
  }

  private pump(): void {
    while (this.active.size < this.maxJobs && this.waiting.length > 0) {
      const w = this.waiting.shift()!;
      const finish = (): void => {
        this.active.delete(w.jobId);
        this.pump();
      };
      const stopper = this.launch(
        w.jobId,
        w.job,
        (r) => {
          finish();
          w.done(r);
        },
        (e) => {
          finish();
          w.fail(e);
        },
      );
      this.active.set(w.jobId, stopper);
    }
  }

  /** Starts the work; returns a function that abandons it. */
  protected abstract launch(jobId: string, job: unknown, done: (r: unknown) => void, fail: (e: Error) => void): () => void;

  cancel(jobId: string): void {
    const i = this.waiting.findIndex((w) => w.jobId === jobId);
    if (i >= 0) this.waiting.splice(i, 1);
    const stop = this.active.get(jobId);
    if (stop !== undefined) {
      this.active.delete(jobId);
      stop();
      this.pump();
    }
  }

  async stop(): Promise<void> {
    this.waiting.length = 0;
    for (const id of [...this.active.keys()]) this.cancel(id);
  }
}

export class InlineJobExecutor extends BoundedExecutor {
  constructor(
    private readonly runner: JobRunner<unknown, unknown>,
    maxJobs = DEFAULT_MAX_JOBS,
  ) {
    super(maxJobs);
  }

  protected launch(_jobId: string, job: unknown, done: (r: unknown) => void, fail: (e: Error) => void): () => void {
    let cancelled = false;
    const handle = setImmediate(() => {
      if (cancelled) return;
      try {
        done(this.runner.run(job));
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
    return () => {
      cancelled = true;
      clearImmediate(handle);
    };
  }
}

const WORKER_URL = new URL('./job-worker.ts', import.meta.url).href;

/**
 * Node 20 does not run the main thread's --import loader hooks for a worker's entry file, and
 * this project runs TypeScript through tsx: the worker starts from an evaluated line that loads
 * job-worker.ts through tsx's API (the same technique as src/node/mining/pool.ts).
 */
function workerBootstrap(): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(WORKER_URL)}, ${JSON.stringify(import.meta.url)}))`;
}

interface Slot {
  readonly worker: Worker;
  job: { readonly jobId: string; readonly done: (r: unknown) => void; readonly fail: (e: Error) => void } | null;
}

interface Queued {
  readonly jobId: string;
  readonly job: unknown;
  readonly done: (r: unknown) => void;
  readonly fail: (e: Error) => void;
}

/**
 * Persistent worker threads (at most `maxJobs`), started on first use: loading the engine code
 * in a fresh thread costs far more than most jobs, so a worker runs job after job. A cancelled
 * running job terminates its worker (the work stops at once); a new one starts when needed.
 * Idle workers do not keep the process alive.
 */
export class WorkerJobExecutor implements JobExecutor {
  private readonly slots: Slot[] = [];
  private readonly waiting: Queued[] = [];
  private stopped = false;

  constructor(
    private readonly engine: string,
    private readonly maxJobs = DEFAULT_MAX_JOBS,
  ) {}

  get running(): number {
    return this.slots.filter((s) => s.job !== null).length;
  }

  start(jobId: string, job: unknown, done: (result: unknown) => void, fail: (err: Error) => void): void {
    if (this.stopped) return;
    this.cancel(jobId); // same id again: the engine replaced the job
    this.waiting.push({ jobId, job, done, fail });
    this.pump();
  }

  private spawn(): Slot {
    const worker = new Worker(workerBootstrap(), { eval: true, workerData: { engine: this.engine } });
    const slot: Slot = { worker, job: null };
    worker.on('message', (msg: unknown) => this.onReply(slot, msg));
    worker.on('error', (err) => this.onWorkerError(slot, err));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (slot === undefined) {
        if (this.slots.length >= this.maxJobs) return;
        slot = this.spawn();
      }
      const w = this.waiting.shift()!;
      slot.job = { jobId: w.jobId, done: w.done, fail: w.fail };
      slot.worker.ref(); // a running job keeps the process alive until it answers
      slot.worker.postMessage({ jobId: w.jobId, job: w.job });
    }
  }

  private onReply(slot: Slot, msg: unknown): void {
    const running = slot.job;
    if (running === null || typeof msg !== 'object' || msg === null || !('jobId' in msg) || msg.jobId !== running.jobId) return;
    slot.job = null;
    slot.worker.unref();
    if ('ok' in msg && msg.ok === true && 'result' in msg) running.done(msg.result);
    else running.fail(new Error('error' in msg ? String(msg.error) : 'job failed'));
    this.pump();
  }

  private onWorkerError(slot: Slot, err: Error): void {
    this.remove(slot);
    slot.job?.fail(err);
    this.pump();
  }

  private remove(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  cancel(jobId: string): void {
    const i = this.waiting.findIndex((w) => w.jobId === jobId);
    if (i >= 0) this.waiting.splice(i, 1);
    const slot = this.slots.find((s) => s.job?.jobId === jobId);
    if (slot !== undefined) {
      slot.job = null;
      this.remove(slot);
      void slot.worker.terminate();
      this.pump();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.length = 0;
    const all = this.slots.splice(0);
    await Promise.all(all.map((s) => s.worker.terminate()));
  }
}

/**
 * Jobs expected to cost at most this many microseconds run on the main thread. A worker thread
 * is a second V8 isolate with tsx and the engine code loaded: a ThermoTruth devnet node held
 * 35-40 MB more anonymous memory with its two job workers than with inline jobs (docs/NODE.md
 * "Memory", 1,000 transfers/s, same throughput), to run a hashcash that costs 0.02-5 ms at the
 * default difficulty clamp (4-12 bits). 10 ms on the main thread stays two orders of magnitude
 * under the engines' timers (1 s).
 */
export const INLINE_JOB_MAX_US = 10_000;

/**
 * Sends each job to `inline` or `worker` by its expected cost. A job id maps to the executor it
 * went to until it answers or is cancelled; the two executors keep their own bounds. The
 * worker executor starts no thread until a job too dear for inline arrives.
 */
export class CostRoutedJobExecutor implements JobExecutor {
  private readonly placed = new Map<string, JobExecutor>();

  constructor(
    private readonly runner: JobRunner<unknown, unknown>,
    private readonly inline: JobExecutor,
    private readonly worker: JobExecutor,
    private readonly maxInlineUs = INLINE_JOB_MAX_US,
  ) {}

  get running(): number {
    return this.inline.running + this.worker.running;
  }

  start(jobId: string, job: unknown, done: (result: unknown) => void, fail: (err: Error) => void): void {
    this.cancel(jobId); // same id again: the engine replaced the job, wherever the old one went
    const cost = this.runner.expectedCostUs?.(job);
    const target = cost !== undefined && cost <= this.maxInlineUs ? this.inline : this.worker;
    this.placed.set(jobId, target);
    const settle = (): void => {
      if (this.placed.get(jobId) === target) this.placed.delete(jobId);
    };
    target.start(
      jobId,
      job,
      (r) => {
        settle();
        done(r);
      },
      (e) => {
        settle();
        fail(e);
      },
    );
  }

  cancel(jobId: string): void {
    const target = this.placed.get(jobId);
    if (target === undefined) return;
    this.placed.delete(jobId);
    target.cancel(jobId);
  }

  async stop(): Promise<void> {
    this.placed.clear();
    await Promise.all([this.inline.stop(), this.worker.stop()]);
  }
}
