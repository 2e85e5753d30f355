/**
 * The pace of epochs at this node, which scales the round timeout (engine.ts, roundTimeout):
 * a leader's batch broadcast grows with n and the bandwidth, so a fixed timeout that suits
 * n = 4 fires in the middle of every epoch at n = 200.
 *
 * The scale is the SHORTEST of the last PACE_WINDOW epochs finalized without a view change.
 * It used to be the last such epoch, which fed on itself under sustained loss: an epoch slowed
 * by a lost message lasts at least one retransmission wait (half a round timeout), so the next
 * timeout grew by half again, and the one after that, until nodes waited tens of seconds
 * between retransmissions (swarm seed 70: n = 8, 23 % loss, three epochs in 36 s). The
 * shortest recent epoch is one whose critical path lost nothing: what an epoch costs, not what
 * the losses cost; retransmission handles those (Karn and Partridge, SIGCOMM 1987, make the
 * same cut for TCP: no round-trip sample from a retransmitted segment).
 * Until the first epoch without a view change, any finalized epoch sets the scale.
 */
export const PACE_WINDOW = 16;

export class EpochPace {
  private readonly samples: number[] = [];
  private next = 0;
  private sawNormal = false;

  /** An epoch finalized after `durationMs`; `normal`: in its first round, with no view change. */
  record(durationMs: number, normal: boolean): void {
    if (!normal && this.sawNormal) return;
    if (normal && !this.sawNormal) {
      // The start-up samples (epochs with view changes) stop counting at the first normal one.
      this.samples.length = 0;
      this.next = 0;
      this.sawNormal = true;
    }
    if (!normal) {
      this.samples.length = 0;
      this.samples.push(durationMs);
      return;
    }
    if (this.samples.length < PACE_WINDOW) this.samples.push(durationMs);
    else this.samples[this.next] = durationMs;
    this.next = (this.next + 1) % PACE_WINDOW;
  }

  /** The scale of the round timeout in ms (0 before any epoch finalized). */
  get scaleMs(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.samples) if (s < min) min = s;
    return this.samples.length === 0 ? 0 : min;
  }
}
