/**
 * Client submissions waiting for their answer. A submission is answered exactly once:
 *   accepted  the persist that listed its id in `ack` is durable (never earlier);
 *   rejected  the engine emitted `tx-rejected` for it;
 *   timeout   neither happened within `timeoutMs` (the transaction may still be accepted later);
 * Concurrent submissions of the same id share one wait. Bounded by `max` waiting ids.
 */
export type SubmitResult =
  | { readonly kind: 'accepted'; readonly txId: string }
  | { readonly kind: 'rejected'; readonly txId: string; readonly code: string }
  | { readonly kind: 'timeout'; readonly txId: string };

interface Waiter {
  readonly resolvers: ((r: SubmitResult) => void)[];
  readonly timer: NodeJS.Timeout;
}

export class AckTable {
  private readonly waiting = new Map<string, Waiter>();

  constructor(
    readonly max: number,
    readonly timeoutMs: number,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  has(txId: string): boolean {
    return this.waiting.has(txId);
  }

  /** A promise for the answer; null when the table is full and `txId` is not already waiting. */
  wait(txId: string): Promise<SubmitResult> | null {
    const w = this.waiting.get(txId);
    if (w === undefined && this.waiting.size >= this.max) return null;
    return new Promise((resolve) => {
      if (w !== undefined) {
        w.resolvers.push(resolve);
        return;
      }
      const timer = setTimeout(() => this.settle({ kind: 'timeout', txId }), this.timeoutMs);
      this.waiting.set(txId, { resolvers: [resolve], timer });
    });
  }

  settle(result: SubmitResult): void {
    const w = this.waiting.get(result.txId);
    if (w === undefined) return;
    this.waiting.delete(result.txId);
    clearTimeout(w.timer);
    for (const r of w.resolvers) r(result);
  }

  /** Answers every waiter with a timeout (shutdown). */
  clear(): void {
    for (const id of [...this.waiting.keys()]) this.settle({ kind: 'timeout', txId: id });
  }
}
