/**
 * Virtual time. The simulator has one global clock (milliseconds since the run's epoch, a
 * double); it only moves forward, to the time of the event being executed. Each node sees its
 * own clock: global time plus a constant skew, so an engine's timers and timestamps are in
 * its local time and the simulator converts them back (timer at local L fires at global
 * L - skew). Skews are drawn once per run from the seeded PRNG (uniform in [-max, +max]) or
 * given explicitly. Drift (a rate error) is not modelled: protocols here use timeouts of
 * seconds, where a few ppm of drift is far below the skew and the jitter.
 */
import type { Prng } from '../core/index.js';
import { SimError } from './errors.js';

export class VirtualClock {
  private current = 0;

  get now(): number {
    return this.current;
  }

  /** Moves time to `t`; time never goes backwards (an event in the past is a simulator bug). */
  advanceTo(t: number): void {
    if (t < this.current) throw new SimError({ code: 'SIM_BAD_SCHEDULE', what: 'clock', reason: `time went back from ${this.current} to ${t}` });
    this.current = t;
  }
}

/** Per-node skews in ms: explicit values, or uniform in [-maxSkewMs, +maxSkewMs]. */
export function drawSkews(n: number, maxSkewMs: number, rng: Prng, explicit?: readonly number[]): readonly number[] {
  if (explicit !== undefined) {
    if (explicit.length !== n) {
      throw new SimError({ code: 'SIM_BAD_SCHEDULE', what: 'skews', reason: `expected ${n} skews, got ${explicit.length}` });
    }
    return Object.freeze(explicit.slice());
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(maxSkewMs === 0 ? 0 : (2 * rng.nextFloat() - 1) * maxSkewMs);
  return Object.freeze(out);
}
