/**
 * Server-sent events on GET /events: `finalized` (one per durable finalization: seq, slot,
 * value, height, state root, tx ids) and `status` (once a second: height, finalized, peers).
 * Bounded: at most `maxClients` streams (the next one gets 429), and a client that does not
 * read (more than MAX_CLIENT_BUFFER bytes queued in its socket) is disconnected instead of
 * buffering without limit.
 */
import type { ServerResponse } from 'node:http';

export const MAX_CLIENT_BUFFER = 4 * 1024 * 1024;
export const HEARTBEAT_MS = 15_000;

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(readonly maxClients: number) {}

  get size(): number {
    return this.clients.size;
  }

  get full(): boolean {
    return this.clients.size >= this.maxClients;
  }

  /** Takes over the response as an event stream. The caller checked `full` first. */
  add(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': thermo event stream\nretry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    if (this.heartbeat === null) {
      this.heartbeat = setInterval(() => this.comment('ping'), HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  send(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = `event: ${event}\ndata: ${JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n\n`;
    for (const res of this.clients) {
      if (res.writableLength > MAX_CLIENT_BUFFER) {
        res.destroy(); // a client that does not read: drop it, never buffer without bound
        this.clients.delete(res);
        continue;
      }
      res.write(text);
    }
  }

  private comment(text: string): void {
    for (const res of this.clients) res.write(`: ${text}\n\n`);
  }

  close(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
