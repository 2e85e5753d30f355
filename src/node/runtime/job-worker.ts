/**
 * Worker-thread entry of WorkerJobExecutor: looks the engine (workerData.engine) up once, then
 * answers each posted {jobId, job} with {jobId, ok: true, result} or {jobId, ok: false, error}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findEngine } from '../../engines/index.js';
import type { JobRunner } from '../../protocol/index.js';

function runner(): JobRunner<unknown, unknown> | string {
  const data = workerData as { engine?: unknown };
  if (typeof data.engine !== 'string') return 'no engine name';
  try {
    return findEngine(data.engine).jobs ?? `engine ${data.engine} has no jobs`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const jobs = runner();

parentPort?.on('message', (msg: unknown) => {
  const m = msg as { jobId?: unknown; job?: unknown };
  const jobId = typeof m.jobId === 'string' ? m.jobId : '';
  if (typeof jobs === 'string') {
    parentPort?.postMessage({ jobId, ok: false, error: jobs });
    return;
  }
  try {
    parentPort?.postMessage({ jobId, ok: true, result: jobs.run(m.job) });
  } catch (err) {
    parentPort?.postMessage({ jobId, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
