/** The node's submit-to-final tracker behind GET /telemetry's finalityLatencyMs and mempool. */
import { describe, expect, it } from 'vitest';
import { FinalityTracker, MAX_FINALITY_SAMPLES, MAX_TRACKED } from '../../src/node/finality.js';

const id = (i: number): string => i.toString(16).padStart(64, '0');

describe('FinalityTracker', () => {
  it('median of submit-to-final times; pending counts submitted and not final; abandoned ones are forgotten', () => {
    const t = new FinalityTracker();
    expect(t.p50()).toBeNull();
    t.begin(id(1), 1000);
    t.begin(id(2), 1000);
    t.begin(id(3), 1000);
    t.begin(id(4), 1000);
    t.abandon(id(4));
    expect(t.pending).toBe(3);
    t.finalized([id(1)], 1100);
    t.finalized([id(2), id(9)], 1300);
    t.finalized([id(3)], 1900);
    expect(t.pending).toBe(0);
    expect(t.samples).toBe(3);
    expect(t.p50()).toBe(300);
    // A transfer final twice (another node's entry repeating it) counts once.
    t.finalized([id(1)], 5000);
    expect(t.samples).toBe(3);
  });

  it(`remembers at most MAX_TRACKED (${MAX_TRACKED}) submissions: N kept, N + 1 forgets the oldest`, () => {
    const t = new FinalityTracker();
    for (let i = 0; i < MAX_TRACKED; i++) t.begin(id(i), 0);
    expect(t.pending).toBe(MAX_TRACKED);
    t.begin(id(MAX_TRACKED), 0);
    expect(t.pending).toBe(MAX_TRACKED);
    t.finalized([id(0)], 10);
    expect(t.samples).toBe(0);
    t.finalized([id(1)], 10);
    expect(t.samples).toBe(1);
  });

  it(`keeps the last MAX_FINALITY_SAMPLES (${MAX_FINALITY_SAMPLES}) latencies: N kept, N + 1 replaces the oldest`, () => {
    const t = new FinalityTracker();
    for (let i = 0; i < MAX_FINALITY_SAMPLES; i++) {
      t.begin(id(i), 0);
      t.finalized([id(i)], 1);
    }
    expect(t.samples).toBe(MAX_FINALITY_SAMPLES);
    expect(t.p50()).toBe(1);
    for (let i = 0; i < MAX_FINALITY_SAMPLES + 1; i++) {
      t.begin(id(100_000 + i), 0);
      t.finalized([id(100_000 + i)], 50);
    }
    expect(t.samples).toBe(MAX_FINALITY_SAMPLES);
    expect(t.p50()).toBe(50);
  });
});
