/**
 * Worker-thread entry of WorkerJobExecutor: runs one job of the named engine and posts
 * {ok: true, result} or {ok: false, error}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findEngine } from '../../engines/index.js';

function run(): { ok: true; result: unknown } | { ok: false; error: string } {
  const data = workerData as { engine?: unknown; job?: unknown };
  if (typeof data.engine !== 'string') return { ok: false, error: 'no engine name' };
  const jobs = findEngine(data.engine).jobs;
  if (jobs === undefined) return { ok: false, error: `engine ${data.engine} has no jobs` };
  try {
    return { ok: true, result: jobs.run(data.job) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.postMessage(run());
