/**
 * Real time for the engine: milliseconds since the chain's epoch (the genesis file's epochMs),
 * from the wall clock at start plus a monotonic offset, so a wall-clock step backwards (NTP)
 * never makes `now` go backwards inside one run.
 */
import { performance } from 'node:perf_hooks';

export interface Clock {
  now(): number;
}

export class MonotonicClock implements Clock {
  private readonly base: number;
  private readonly startPerf: number;

  constructor(epochMs: number) {
    this.base = Date.now() - epochMs;
    this.startPerf = performance.now();
  }

  now(): number {
    return this.base + (performance.now() - this.startPerf);
  }
}

/** A clock the tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
