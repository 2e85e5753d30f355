/**
 * Worker-thread entry of the mining pool: a persistent thread that runs lanes of mining jobs
 * (search.ts) one at a time with its own kernel (kernels are not reentrant), so the JIT stays
 * warm and the WebAssembly module is compiled once per thread, not once per job.
 */
import { parentPort } from 'node:worker_threads';
import { decodeHeader, encodeHeader } from '../../ledger/index.js';
import { createKernel } from '../../engines/coherence/index.js';
import type { KernelRunner, MiningJob } from '../../engines/coherence/index.js';
import { searchLane } from './search.js';
import type { LaneReply, LaneRequest } from './wire.js';

const kernels = new Map<number, KernelRunner>();

function kernelFor(n: number): KernelRunner {
  let k = kernels.get(n);
  if (k === undefined) {
    k = createKernel(n);
    kernels.set(n, k);
  }
  return k;
}

function runLane(req: LaneRequest): LaneReply {
  try {
    const job: MiningJob = {
      template: decodeHeader(req.templateBytes),
      target: req.target,
      threshold: req.threshold,
      preset: req.preset,
      maxSteps: req.maxSteps,
      startNonce: req.startNonce,
      stride: req.stride,
      maxAttempts: req.maxAttempts,
      simAttemptsPerSecond: req.simAttemptsPerSecond,
      simSuccessRate: req.simSuccessRate,
    };
    const out = searchLane(job, req.lane, req.lanes, kernelFor(req.preset), () => Atomics.load(req.stop, 0) !== 0);
    return {
      kind: 'done',
      jobId: req.jobId,
      lane: req.lane,
      headerBytes: out.header === null ? null : encodeHeader(out.header),
      attempts: out.attempts,
      coherent: out.coherent,
      stopped: out.stopped,
    };
  } catch (err) {
    return { kind: 'error', jobId: req.jobId, lane: req.lane, reason: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.on('message', (req: LaneRequest) => {
  parentPort?.postMessage(runLane(req));
});
