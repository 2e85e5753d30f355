/** Exponential backoff: first, 2 x first, 4 x first, ... capped at max; reset() starts over. */
export class Backoff {
  private current: number;

  constructor(
    private readonly first: number,
    private readonly max: number,
  ) {
    this.current = first;
  }

  /** The delay to wait now; the following call returns the doubled one (capped). */
  next(): number {
    const d = this.current;
    this.current = Math.min(this.max, this.current * 2);
    return d;
  }

  reset(): void {
    this.current = this.first;
  }
}
