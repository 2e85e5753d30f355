/**
 * The executor's input queue: one FIFO, so the engine sees inputs one at a time in arrival
 * order (and `now` is stamped at delivery, so in time order too). Bounded per kind: peer
 * messages beyond `maxMessages` or `maxMessageBytes` (their encoded size) are dropped (engines
 * retransmit; a flood must not grow memory),
 * client transactions beyond `maxTransactions` are refused (the client gets 429). Timer and
 * job-done inputs are never dropped: there is at most one per pending timer / running job, so
 * they are bounded by those tables.
 */
import type { Transfer } from '../../ledger/index.js';
import type { NodeIndex } from '../../protocol/index.js';

export type QueuedInput =
  | { readonly kind: 'start' }
  | { readonly kind: 'message'; readonly from: NodeIndex; readonly message: unknown; readonly bytes: number }
  | { readonly kind: 'timer'; readonly timer: string; readonly generation: number; readonly at: number }
  | { readonly kind: 'transaction'; readonly tx: Transfer; readonly txId: string }
  | { readonly kind: 'job-done'; readonly jobId: string; readonly result: unknown };

export interface QueueLimits {
  readonly maxMessages: number;
  /** Encoded bytes of the queued peer messages (a count alone would let big messages through). */
  readonly maxMessageBytes: number;
  readonly maxTransactions: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = Object.freeze({ maxMessages: 20_000, maxMessageBytes: 32 * 1024 * 1024, maxTransactions: 20_000 });

export class InputQueue {
  // A ring of chunks would avoid the O(n) shift; an index-based array with periodic compaction
  // gives amortised O(1) and stays simple.
  private items: QueuedInput[] = [];
  private head = 0;
  private messages = 0;
  private messageBytes = 0;
  private transactions = 0;

  constructor(readonly limits: QueueLimits = DEFAULT_QUEUE_LIMITS) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get queuedMessages(): number {
    return this.messages;
  }

  get queuedMessageBytes(): number {
    return this.messageBytes;
  }

  get queuedTransactions(): number {
    return this.transactions;
  }

  /** False when the input's kind is at its bound (the input is not queued). */
  push(input: QueuedInput): boolean {
    if (input.kind === 'message') {
      if (this.messages >= this.limits.maxMessages) return false;
      // One message larger than the whole budget is still taken when nothing else waits.
      if (this.messages > 0 && this.messageBytes + input.bytes > this.limits.maxMessageBytes) return false;
      this.messages++;
      this.messageBytes += input.bytes;
    } else if (input.kind === 'transaction') {
      if (this.transactions >= this.limits.maxTransactions) return false;
      this.transactions++;
    }
    this.items.push(input);
    return true;
  }

  shift(): QueuedInput | undefined {
    if (this.head >= this.items.length) return undefined;
    const input = this.items[this.head]!;
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (input.kind === 'message') {
      this.messages--;
      this.messageBytes -= input.bytes;
    }
    else if (input.kind === 'transaction') this.transactions--;
    return input;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.messages = 0;
    this.messageBytes = 0;
    this.transactions = 0;
  }
}
