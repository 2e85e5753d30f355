/**
 * Named engine timers on real time. Setting a name that is pending replaces it; each setting
 * gets a generation number, and a timer that already fired but whose input is still queued is
 * dropped at delivery if the engine has set or cancelled that name since (replace semantics
 * hold even across the queue). The number of distinct pending names is bounded.
 */
import type { Clock } from './clock.js';
import { RuntimeError } from './errors.js';

export const DEFAULT_MAX_TIMERS = 10_000;
/** setTimeout's own limit (2^31 - 1 ms); longer delays are re-armed in steps. */
const MAX_DELAY = 0x7fffffff;

interface Pending {
  readonly generation: number;
  readonly at: number;
  handle: NodeJS.Timeout;
}

export class TimerTable {
  private readonly pending = new Map<string, Pending>();
  private generation = 0;

  constructor(
    private readonly clock: Clock,
    private readonly fire: (name: string, generation: number, at: number) => void,
    private readonly max = DEFAULT_MAX_TIMERS,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  set(name: string, at: number): void {
    const prior = this.pending.get(name);
    if (prior !== undefined) clearTimeout(prior.handle);
    else if (this.pending.size >= this.max) throw new RuntimeError({ code: 'RUNTIME_TOO_MANY_TIMERS', max: this.max });
    const generation = ++this.generation;
    const entry: Pending = { generation, at, handle: this.arm(name, generation, at) };
    this.pending.set(name, entry);
  }

  private arm(name: string, generation: number, at: number): NodeJS.Timeout {
    const delay = Math.max(0, Math.ceil(at - this.clock.now()));
    return setTimeout(
      () => {
        const p = this.pending.get(name);
        if (p === undefined || p.generation !== generation) return;
        if (at - this.clock.now() > 1) {
          p.handle = this.arm(name, generation, at); // a delay longer than setTimeout allows
          return;
        }
        this.fire(name, generation, at);
      },
      Math.min(delay, MAX_DELAY),
    );
  }

  cancel(name: string): void {
    const p = this.pending.get(name);
    if (p === undefined) return;
    clearTimeout(p.handle);
    this.pending.delete(name);
  }

  /** True when the fired timer is still the current setting of its name; consumes it. */
  consume(name: string, generation: number): boolean {
    const p = this.pending.get(name);
    if (p === undefined || p.generation !== generation) return false;
    this.pending.delete(name);
    return true;
  }

  clear(): void {
    for (const p of this.pending.values()) clearTimeout(p.handle);
    this.pending.clear();
  }
}
