/**
 * Messages between the mining pool (main thread) and its workers. Headers cross as their
 * canonical encoding (src/ledger encodeHeader), so a worker reads exactly the bytes the engine
 * built and the pool re-checks what comes back with decodeHeader; bigints cross by structured
 * clone. `stop` is an Int32Array over a SharedArrayBuffer: a non-zero value tells every lane of
 * that job to stop before its next nonce.
 */
export interface LaneRequest {
  readonly kind: 'lane';
  readonly jobId: string;
  readonly lane: number;
  readonly lanes: number;
  readonly templateBytes: Uint8Array;
  readonly target: bigint;
  readonly threshold: bigint;
  readonly preset: number;
  readonly maxSteps: number;
  readonly startNonce: number;
  readonly stride: number;
  readonly maxAttempts: number;
  readonly simAttemptsPerSecond: number;
  readonly simSuccessRate: number;
  readonly stop: Int32Array;
}

export type LaneReply =
  | {
      readonly kind: 'done';
      readonly jobId: string;
      readonly lane: number;
      readonly headerBytes: Uint8Array | null;
      readonly attempts: number;
      readonly coherent: number;
      readonly stopped: boolean;
    }
  | { readonly kind: 'error'; readonly jobId: string; readonly lane: number; readonly reason: string };
