/** Typed errors of the parallel miner (src/core/errors.ts pattern). */
import { ThermoError } from '../../core/index.js';

export type MiningErrorType =
  | { code: 'MINING_BAD_JOB'; reason: string }
  | { code: 'MINING_BAD_OPTIONS'; field: string; reason: string }
  | { code: 'MINING_WORKER_FAILED'; lane: number; reason: string }
  | { code: 'MINING_STOPPED' };

export class MiningError extends ThermoError<MiningErrorType> {}
