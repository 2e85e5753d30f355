/**
 * The page's time series: one fixed-capacity ring of sample times and, aligned with it, one
 * ring of values per named trace. Every tick appends one row (a trace missing from the row gets
 * a gap), so any set of traces can be drawn against the same x axis, and memory is the same
 * after a minute and after a day: capacity x (traces + 1) doubles, at most `maxTraces` traces.
 */
export class Traces {
  private readonly t: Float64Array;
  private readonly cols = new Map<string, Float64Array>();
  private start = 0;
  private count = 0;
  /** Rows pushed since creation (the ring keeps the last `capacity`). */
  pushed = 0;

  constructor(
    readonly capacity: number,
    readonly maxTraces = 64,
  ) {
    if (!(Number.isInteger(capacity) && capacity > 1)) throw new RangeError(`capacity must be an integer > 1, got ${capacity}`);
    this.t = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  names(): string[] {
    return [...this.cols.keys()];
  }

  has(name: string): boolean {
    return this.cols.has(name);
  }

  /** Appends a row at time `time`: values by trace name (null, NaN or absent: a gap). */
  push(time: number, row: Readonly<Record<string, number | null | undefined>>): void {
    const i = (this.start + this.count) % this.capacity;
    for (const name of Object.keys(row)) {
      if (this.cols.has(name) || this.cols.size >= this.maxTraces) continue;
      this.cols.set(name, new Float64Array(this.capacity).fill(Number.NaN));
    }
    this.t[i] = time;
    for (const [name, col] of this.cols) {
      const v = row[name];
      col[i] = v === null || v === undefined || !Number.isFinite(v) ? Number.NaN : v;
    }
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
    this.pushed++;
  }

  private at(j: number): number {
    return (this.start + j) % this.capacity;
  }

  /** Sample times, oldest first (a fresh array). */
  times(): number[] {
    const out = new Array<number>(this.count);
    for (let j = 0; j < this.count; j++) out[j] = this.t[this.at(j)] ?? 0;
    return out;
  }

  /** A trace's values aligned with times() (null = gap), or an all-gap array for an unknown name. */
  values(name: string): (number | null)[] {
    const col = this.cols.get(name);
    const out = new Array<number | null>(this.count);
    for (let j = 0; j < this.count; j++) {
      const v = col === undefined ? Number.NaN : (col[this.at(j)] ?? Number.NaN);
      out[j] = Number.isNaN(v) ? null : v;
    }
    return out;
  }

  /** The newest value of a trace; null when unknown. */
  last(name: string): number | null {
    const col = this.cols.get(name);
    if (col === undefined || this.count === 0) return null;
    const v = col[this.at(this.count - 1)] ?? Number.NaN;
    return Number.isNaN(v) ? null : v;
  }

  /** How many samples of a trace are known (not gaps). */
  known(name: string): number {
    const col = this.cols.get(name);
    if (col === undefined) return 0;
    let k = 0;
    for (let j = 0; j < this.count; j++) if (!Number.isNaN(col[this.at(j)] ?? Number.NaN)) k++;
    return k;
  }
}
