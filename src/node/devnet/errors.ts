/**
 * Typed errors of local devnets: what the supervisor could not set up around the nodes.
 */
import { ThermoError } from '../../core/index.js';

export type DevnetErrorType =
  /** No memory cgroup this process may write (memory-limit.ts says what was tried). */
  | { code: 'DEVNET_NO_MEMORY_CGROUP'; reason: string }
  /** A memory limit below what a node process needs to start. */
  | { code: 'DEVNET_BAD_MEMORY_LIMIT'; bytes: number; min: number };

export type DevnetErrorCode = DevnetErrorType['code'];

export class DevnetError extends ThermoError<DevnetErrorType> {}
