import { describe, expect, it } from 'vitest';
import { EpochPace, PACE_WINDOW } from '../../../src/engines/thermotruth/pace.js';

describe('thermotruth epoch pace (the round timeout scale)', () => {
  it('is 0 before any epoch finalized, then the start-up epoch sets it (replaced by the next)', () => {
    const pace = new EpochPace();
    expect(pace.scaleMs).toBe(0);
    pace.record(9000, false);
    expect(pace.scaleMs).toBe(9000);
    pace.record(12000, false);
    expect(pace.scaleMs).toBe(12000);
  });

  it('the first normal epoch drops the start-up samples; later epochs with view changes are ignored', () => {
    const pace = new EpochPace();
    pace.record(100, false);
    pace.record(700, true);
    expect(pace.scaleMs).toBe(700);
    pace.record(50, false);
    expect(pace.scaleMs).toBe(700);
  });

  it('is the shortest of the last PACE_WINDOW normal epochs: slow lossy epochs do not raise it', () => {
    const pace = new EpochPace();
    pace.record(400, true);
    for (let i = 0; i < PACE_WINDOW - 1; i++) pace.record(5000 + i, true);
    expect(pace.scaleMs).toBe(400);
    // One more slides the 400 ms sample out of the window.
    pace.record(6000, true);
    expect(pace.scaleMs).toBe(5000);
  });
});
