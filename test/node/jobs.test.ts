/**
 * Job executors: persistent worker threads run an engine's jobs (thermotruth's hashcash) and
 * give the same results as the engine's own `run`; a cancelled job never answers; the
 * concurrency bound queues (N run, N+1 waits); the inline executor runs on the main thread; the
 * cost-routed executor sends a job inline up to INLINE_JOB_MAX_US of expected cost (N) and to a
 * worker beyond (N+1).
 */
import { describe, expect, it } from 'vitest';
import { findEngine } from '../../src/engines/index.js';
import { HASH_COST_US, POW_JOBS } from '../../src/engines/thermotruth/index.js';
import type { PowJob } from '../../src/engines/thermotruth/index.js';
import { CostRoutedJobExecutor, INLINE_JOB_MAX_US, InlineJobExecutor, WorkerJobExecutor } from '../../src/node/runtime/index.js';
import type { JobExecutor } from '../../src/node/runtime/index.js';

function job(i: number, bits = 8): PowJob {
  return { digest: new Uint8Array(32).fill(i), bits };
}

function run(ex: JobExecutor, id: string, j: PowJob): Promise<unknown> {
  return new Promise((resolve, reject) => ex.start(id, j, resolve, reject));
}

describe('worker job executor', () => {
  it('runs jobs in persistent workers with the engine result, reusing the threads', async () => {
    const ex = new WorkerJobExecutor('thermotruth', 2);
    try {
      const results = await Promise.all([1, 2, 3, 4, 5].map((i) => run(ex, `j${i}`, job(i))));
      expect(results).toEqual([1, 2, 3, 4, 5].map((i) => POW_JOBS.run(job(i))));
      expect(ex.running).toBe(0);
    } finally {
      await ex.stop();
    }
  }, 60_000);

  it('bounds concurrency (N run, N+1 waits) and a cancelled job never answers', async () => {
    const ex = new WorkerJobExecutor('thermotruth', 1);
    try {
      let cancelledAnswered = false;
      ex.start('slow', job(9, 40), () => (cancelledAnswered = true), () => (cancelledAnswered = true));
      const quick = run(ex, 'quick', job(3));
      expect(ex.running).toBe(1); // the second job waits for the only slot
      ex.cancel('slow');
      expect(await quick).toEqual(POW_JOBS.run(job(3)));
      expect(cancelledAnswered).toBe(false);
    } finally {
      await ex.stop();
    }
  }, 60_000);

  it('inline executor answers on the main thread after a macrotask', async () => {
    const ex = new InlineJobExecutor(findEngine('thermotruth').jobs!);
    expect(await run(ex, 'a', job(4))).toEqual(POW_JOBS.run(job(4)));
  });
});

/** An executor that records what it was given and answers only when told to. */
class RecordingExecutor implements JobExecutor {
  readonly started: string[] = [];
  readonly cancelled: string[] = [];
  private readonly pending = new Map<string, (r: unknown) => void>();
  stopped = false;
  get running(): number {
    return this.pending.size;
  }
  start(jobId: string, _job: unknown, done: (r: unknown) => void): void {
    this.started.push(jobId);
    this.pending.set(jobId, done);
  }
  cancel(jobId: string): void {
    if (this.pending.delete(jobId)) this.cancelled.push(jobId);
  }
  answer(jobId: string, result: unknown): void {
    const done = this.pending.get(jobId);
    this.pending.delete(jobId);
    done?.(result);
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

describe('cost-routed job executor', () => {
  // The job is its own expected cost in microseconds.
  const runner = { run: (j: unknown) => j, expectedCostUs: (j: unknown) => Number(j) };

  it('runs a job of expected cost INLINE_JOB_MAX_US inline and one microsecond more in a worker', () => {
    const inline = new RecordingExecutor();
    const worker = new RecordingExecutor();
    const ex = new CostRoutedJobExecutor(runner, inline, worker);
    ex.start('at-limit', INLINE_JOB_MAX_US, () => {}, () => {});
    ex.start('over-limit', INLINE_JOB_MAX_US + 1, () => {}, () => {});
    expect(inline.started).toEqual(['at-limit']);
    expect(worker.started).toEqual(['over-limit']);
    expect(ex.running).toBe(2);
  });

  it('sends every job to the worker when the runner states no cost', () => {
    const inline = new RecordingExecutor();
    const worker = new RecordingExecutor();
    const ex = new CostRoutedJobExecutor({ run: (j: unknown) => j }, inline, worker);
    ex.start('a', 1, () => {}, () => {});
    expect(inline.started).toEqual([]);
    expect(worker.started).toEqual(['a']);
  });

  it('cancels where the job went, replaces a job id across the two, and forgets answered jobs', async () => {
    const inline = new RecordingExecutor();
    const worker = new RecordingExecutor();
    const ex = new CostRoutedJobExecutor(runner, inline, worker);
    const answers: unknown[] = [];
    ex.start('j', 10 * INLINE_JOB_MAX_US, (r) => answers.push(r), () => {});
    ex.start('j', 5, (r) => answers.push(r), () => {}); // the engine replaced job j with a cheap one
    expect(worker.cancelled).toEqual(['j']);
    expect(inline.started).toEqual(['j']);
    inline.answer('j', 'cheap');
    expect(answers).toEqual(['cheap']);
    ex.cancel('j'); // already answered: nothing to cancel anywhere
    expect(inline.cancelled).toEqual([]);
    ex.start('k', 5, () => {}, () => {});
    ex.cancel('k');
    expect(inline.cancelled).toEqual(['k']);
    expect(ex.running).toBe(0);
    await ex.stop();
    expect(inline.stopped && worker.stopped).toBe(true);
  });

  it("runs thermotruth's hashcash inline at the default difficulty and in a worker thread far above it", async () => {
    const pow = findEngine('thermotruth').jobs!;
    expect(pow.expectedCostUs!(job(1, 8))).toBe(256 * HASH_COST_US);
    expect(pow.expectedCostUs!(job(1, 0))).toBe(0);
    const workers = new WorkerJobExecutor('thermotruth', 1);
    const ex = new CostRoutedJobExecutor(pow, new InlineJobExecutor(pow), workers);
    try {
      expect(await run(ex, 'cheap', job(5, 8))).toEqual(POW_JOBS.run(job(5, 8)));
      expect(workers.running).toBe(0);
      const dear = job(6, 14); // 2^14 x 1.3 us = 21 ms expected: a worker's
      const answer = run(ex, 'dear', dear);
      expect(workers.running).toBe(1);
      expect(await answer).toEqual(POW_JOBS.run(dear));
    } finally {
      await ex.stop();
    }
  }, 60_000);
});
