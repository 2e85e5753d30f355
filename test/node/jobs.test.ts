/**
 * Job executors: persistent worker threads run an engine's jobs (thermotruth's hashcash) and
 * give the same results as the engine's own `run`; a cancelled job never answers; the
 * concurrency bound queues (N run, N+1 waits); the inline executor runs on the main thread.
 */
import { describe, expect, it } from 'vitest';
import { findEngine } from '../../src/engines/index.js';
import { POW_JOBS } from '../../src/engines/thermotruth/index.js';
import type { PowJob } from '../../src/engines/thermotruth/index.js';
import { InlineJobExecutor, WorkerJobExecutor } from '../../src/node/runtime/index.js';

function job(i: number, bits = 8): PowJob {
  return { digest: new Uint8Array(32).fill(i), bits };
}

function run(ex: WorkerJobExecutor | InlineJobExecutor, id: string, j: PowJob): Promise<unknown> {
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
