/**
 * What the live model needs from the outside, as plain interfaces without DOM types, so the
 * model runs in the browser (client.ts, events.ts implement these over fetch and EventSource)
 * and in Node tests (fakes).
 */

export interface Fetched {
  readonly status: number;
  readonly body: unknown;
}

/** GET a path of the API and parse JSON (body null when it is not JSON); rejects only when there is no answer. */
export type GetJson = (path: string) => Promise<Fetched>;
/** GET a path of the API as text. */
export type GetText = (path: string) => Promise<{ readonly status: number; readonly text: string }>;

/** Receives the event stream's life and its events (data already JSON-parsed). */
export interface EventSink {
  onOpen(): void;
  onEvent(type: string, data: unknown): void;
  onDown(): void;
}
