/**
 * Fakes for the live model's ports: a scripted API (routes -> answers, or "down"), a manual
 * clock with timers, and an event stream the test drives.
 */
import type { EventSink, Fetched } from '../../../src/dashboard/api/ports.js';
import type { ModelDeps, StreamControl } from '../../../src/dashboard/live/model.js';

export type Route = (path: string) => Fetched | string | null;

export class FakeStream implements StreamControl {
  connected = false;
  starts = 0;
  stops = 0;
  constructor(readonly sink: EventSink) {}
  start(): void {
    this.starts++;
  }
  stop(): void {
    this.stops++;
    this.connected = false;
  }
  kick(): void {}
  open(): void {
    this.connected = true;
    this.sink.onOpen();
  }
  emit(type: string, data: unknown): void {
    this.sink.onEvent(type, data);
  }
}

export class FakeWorld {
  now = 1_700_000_000_000;
  up = true;
  readonly requests: string[] = [];
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  stream: FakeStream | null = null;

  constructor(public route: Route) {}

  deps(): ModelDeps {
    const answer = async (path: string): Promise<Fetched | string> => {
      this.requests.push(path);
      if (!this.up) throw new TypeError('Failed to fetch');
      const a = this.route(path);
      return a ?? { status: 404, body: { error: { code: 'NOT_FOUND', message: path } } };
    };
    return {
      getJson: async (path) => {
        const a = await answer(path);
        return typeof a === 'string' ? { status: 200, body: JSON.parse(a) as unknown } : a;
      },
      getText: async (path) => {
        const a = await answer(path);
        return typeof a === 'string' ? { status: 200, text: a } : { status: a.status, text: JSON.stringify(a.body) };
      },
      now: () => this.now,
      setTimer: (fn, ms) => {
        const id = this.nextId++;
        this.timers.push({ at: this.now + ms, fn, id });
        return id;
      },
      clearTimer: (handle) => {
        this.timers = this.timers.filter((t) => t.id !== handle);
      },
      stream: (sink) => {
        this.stream = new FakeStream(sink);
        return this.stream;
      },
    };
  }

  /** Moves the clock forward by `ms`, running due timers (and the promises they start) in order. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await flush();
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = this.timers[0];
      if (t === undefined || t.at > end) break;
      this.timers.shift();
      this.now = Math.max(this.now, t.at);
      t.fn();
    }
    this.now = end;
    await flush();
  }

  get pending(): number {
    return this.timers.length;
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
