/**
 * The node's event stream (GET /events, server-sent events) with our own reconnect: on any
 * error the EventSource is closed and reopened after a backoff (1 s doubling to 10 s, reset on a
 * successful open), so a stopped node never leaves a stream retrying in the background at its
 * own pace, and the page knows whether the stream is up.
 */
import { Backoff } from '../live/backoff.js';
import type { EventSink } from './ports.js';

export type OpenStream = (url: string) => EventSource;

export const EVENT_TYPES = ['finalized', 'status'] as const;

export class EventStream {
  private source: EventSource | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff = new Backoff(1000, 10_000);
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly sink: EventSink,
    private readonly open: OpenStream = (u) => new EventSource(u),
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const es = this.open(this.url);
    this.source = es;
    es.onopen = () => {
      this.backoff.reset();
      this.sink.onOpen();
    };
    es.onerror = () => {
      es.close();
      if (this.source !== es) return;
      this.source = null;
      this.sink.onDown();
      this.schedule();
    };
    for (const type of EVENT_TYPES) {
      es.addEventListener(type, (ev: MessageEvent<string>) => {
        let data: unknown = null;
        try {
          data = JSON.parse(ev.data);
        } catch {
          return;
        }
        this.sink.onEvent(type, data);
      });
    }
  }

  private schedule(): void {
    if (this.stopped || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, this.backoff.next());
  }

  /** Reconnects now (e.g. the node answered a poll again) instead of waiting out the backoff. */
  kick(): void {
    if (this.stopped || this.source !== null) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  }

  get connected(): boolean {
    return this.source !== null && this.source.readyState === 1;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.source?.close();
    this.source = null;
  }
}
