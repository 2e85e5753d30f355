/**
 * Running an engine's `job` effects (mining) off the engine's input path. The executor gets
 * the job, and hands the result back as a `job-done` input through `done`.
 *
 * Two implementations:
 *  - WorkerJobExecutor: each job in its own worker thread (job-worker.ts), which looks the
 *    engine up by name and calls `definition.jobs.run(job)`; `cancel` terminates the worker,
 *    so a long mining attempt stops at once. Jobs and results must survive structured clone.
 *  - InlineJobExecutor: calls `run` on the main thread after a macrotask (tests, tiny jobs).
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

export class WorkerJobExecutor extends BoundedExecutor {
  constructor(
    private readonly engine: string,
    maxJobs = DEFAULT_MAX_JOBS,
  ) {
    super(maxJobs);
  }

  protected launch(_jobId: string, job: unknown, done: (r: unknown) => void, fail: (e: Error) => void): () => void {
    const worker = new Worker(workerBootstrap(), { eval: true, workerData: { engine: this.engine, job } });
    let settled = false;
    worker.once('message', (msg: unknown) => {
      settled = true;
      void worker.terminate();
      if (typeof msg === 'object' && msg !== null && 'ok' in msg && msg.ok === true && 'result' in msg) done(msg.result);
      else fail(new Error(typeof msg === 'object' && msg !== null && 'error' in msg ? String(msg.error) : 'job failed'));
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      fail(err);
    });
    return () => {
      settled = true;
      void worker.terminate();
    };
  }
}
