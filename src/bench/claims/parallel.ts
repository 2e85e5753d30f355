/**
 * The claims runner on several threads (`--jobs N`): the same (job, seed) tasks as runClaims,
 * spread over worker threads, gathered back in job order, so the result is identical to a
 * sequential run (every simulation is deterministic and independent). I/O: threads.
 *
 * Each worker rebuilds the task list from the plan (plain data) and the engine registry, then
 * runs the tasks it is sent. It is this same file, started with `isMainThread` false.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ClaimsPlan } from './config.js';
import { engineLookup } from './engines.js';
import type { RunMetrics } from './measure.js';
import { assemble, runTask, tasksOf } from './run.js';
import type { ClaimsData, RunnerOptions } from './run.js';

interface TaskMessage {
  readonly job: number;
  readonly seed: number;
}

interface ResultMessage {
  readonly job: number;
  readonly seed: number;
  readonly metrics: RunMetrics;
}

/**
 * A worker running this module. Under tsx (the `thermo` launcher) the TypeScript loader is
 * per thread, so the worker first registers tsx's ESM hooks, then imports this file.
 */
function startWorker(plan: ClaimsPlan): Worker {
  const self = import.meta.url;
  const code = self.endsWith('.ts')
    ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); });`
    : `import(${JSON.stringify(self)});`;
  return new Worker(code, { eval: true, workerData: { plan } });
}

export async function runClaimsParallel(plan: ClaimsPlan, threads: number, onRun?: RunnerOptions['onRun']): Promise<ClaimsData> {
  const { jobs, engines } = tasksOf(plan, engineLookup);
  const queue: TaskMessage[] = [];
  // Largest first would balance better, but job order keeps progress readable; tasks are small.
  jobs.forEach((_, job) => plan.seeds.forEach((seed) => queue.push({ job, seed })));
  const total = queue.length;
  const results: RunMetrics[][] = jobs.map(() => []);
  const seedIndex = new Map(plan.seeds.map((s, i) => [s, i]));
  let done = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(threads, total)) }, () => startWorker(plan));
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const next = (): void => {
            const task = queue.shift();
            if (task === undefined) {
              void worker.terminate().then(() => resolve());
              return;
            }
            worker.postMessage(task);
          };
          worker.on('message', (m: ResultMessage) => {
            results[m.job]![seedIndex.get(m.seed)!] = m.metrics;
            done++;
            const job = jobs[m.job]!;
            onRun?.(done, total, `${job.experiment} ${job.engine} ${JSON.stringify(job.key)} seed ${m.seed}`);
            next();
          });
          worker.on('error', reject);
          next();
        }),
    ),
  );
  return assemble(plan, engines, jobs, results);
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const plan = (workerData as { plan: ClaimsPlan }).plan;
  const { jobs } = tasksOf(plan, engineLookup);
  port.on('message', (t: TaskMessage) => {
    const metrics = runTask(jobs[t.job]!, t.seed, engineLookup);
    const reply: ResultMessage = { job: t.job, seed: t.seed, metrics };
    port.postMessage(reply);
  });
}
