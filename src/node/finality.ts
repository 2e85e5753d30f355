/**
 * Submit-to-final latency of the transfers clients submitted to THIS node, and how many of
 * them are acknowledged but not final yet: GET /telemetry's `finalityLatencyMs` (median of the
 * last MAX_FINALITY_SAMPLES) and, for engines that report no mempool gauge, `mempool`.
 *
 * Bounds: at most MAX_TRACKED submissions are remembered (the oldest is forgotten beyond that:
 * a node under a flood of transfers that never finalize must not grow), and the last
 * MAX_FINALITY_SAMPLES latencies are kept in a ring. Since the process started; a restart
 * starts empty.
 */
export const MAX_TRACKED = 65_536;
export const MAX_FINALITY_SAMPLES = 1024;

export class FinalityTracker {
  private readonly submitted = new Map<string, number>();
  private readonly ring: number[] = [];
  private next = 0;

  /** A submission of transfer `id` started at `atMs` (call before awaiting its acknowledgement). */
  begin(id: string, atMs: number): void {
    if (this.submitted.has(id)) return;
    this.submitted.set(id, atMs);
    if (this.submitted.size > MAX_TRACKED) {
      const oldest = this.submitted.keys().next().value;
      if (oldest !== undefined) this.submitted.delete(oldest);
    }
  }

  /** The submission was not accepted (refused, busy, timed out): forget it. */
  abandon(id: string): void {
    this.submitted.delete(id);
  }

  /** Transfers `ids` became final here at `atMs`. */
  finalized(ids: readonly string[], atMs: number): void {
    for (const id of ids) {
      const t = this.submitted.get(id);
      if (t === undefined) continue;
      this.submitted.delete(id);
      const sample = Math.max(0, atMs - t);
      if (this.ring.length < MAX_FINALITY_SAMPLES) this.ring.push(sample);
      else this.ring[this.next] = sample;
      this.next = (this.next + 1) % MAX_FINALITY_SAMPLES;
    }
  }

  /** Acknowledged (or being acknowledged) here and not final yet. */
  get pending(): number {
    return this.submitted.size;
  }

  get samples(): number {
    return this.ring.length;
  }

  /** Median of the kept latencies in ms, or null before the first. */
  p50(): number | null {
    if (this.ring.length === 0) return null;
    const s = [...this.ring].sort((a, b) => a - b);
    return s[Math.floor((s.length - 1) / 2)]!;
  }
}
