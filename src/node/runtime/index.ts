/**
 * src/node/runtime: the effect executor that drives one engine on real time.
 * Owns: the bounded input queue, `now` stamping, named timers with replace semantics, the
 * durability ordering (writes before visibility, acks only after durable persists), client
 * submissions and their answers, the job executors (by default cheap jobs inline, the rest in
 * worker threads).
 * Does not own: the engine (src/engines), the bytes on disk (src/node/store), transport
 * (src/node/net), HTTP (src/node/api), mining specifics (src/node/mining).
 */
export { Runtime, DEFAULT_RUNTIME_LIMITS } from './executor.js';
export type { RuntimeHooks, RuntimeLimits, RuntimeOptions, RuntimeStore, RuntimeStats, SubmitOutcome, DurableView } from './executor.js';
export type { SubmitResult } from './acks.js';
export { AckTable } from './acks.js';
export { InputQueue, DEFAULT_QUEUE_LIMITS } from './queue.js';
export type { QueuedInput, QueueLimits } from './queue.js';
export { TimerTable, DEFAULT_MAX_TIMERS } from './timers.js';
export { MonotonicClock, ManualClock } from './clock.js';
export type { Clock } from './clock.js';
export { CostRoutedJobExecutor, InlineJobExecutor, WorkerJobExecutor, DEFAULT_MAX_JOBS, INLINE_JOB_MAX_US } from './jobs.js';
export type { JobExecutor } from './jobs.js';
export { RuntimeError } from './errors.js';
export type { RuntimeErrorType, RuntimeErrorCode } from './errors.js';
