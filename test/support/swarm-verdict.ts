/**
 * The assertion every swarm regression test makes about a case that used to stall: no safety
 * violation, no failure verdict, no stalled honest node, and exactly `acked` acknowledged
 * transfers, every one of them final. Failures print the case's replay command.
 */
import { expect } from 'vitest';
import type { FuzzVerdict } from '../../src/sim/fuzz/index.js';

export function expectRecovered(v: FuzzVerdict, acked: number): void {
  expect(v.safetyViolations, v.replay).toBe(0);
  expect(v.failure, v.replay).toBe(null);
  expect(v.stalled, v.replay).toEqual([]);
  expect(v.summary.acked, v.replay).toBe(acked);
  expect(v.summary.finalized, v.replay).toBe(acked);
  expect(v.ackedNotFinal, v.replay).toBe(0);
}
