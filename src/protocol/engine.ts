/**
 * The Engine contract (DESIGN.md section 2). An engine is a deterministic state machine: it
 * receives inputs stamped with the current time and returns effects. It never reads a clock, a
 * random source (it gets a seeded Prng in its context), the disk or the network. The simulator
 * (src/sim) and the real node (src/node) drive the same engine code; only the effect executors
 * differ.
 *
 * Runtime guarantees an engine may rely on:
 *  - `from` on a message input is authenticated: the runtime maps the transport's peer to a
 *    validator index only after the peer proved the validator key.
 *  - Inputs to one engine instance are delivered one at a time, in time order.
 *  - A `persist` effect with `sync: true` is durable before any later input is delivered; the
 *    transactions listed in its `ack` are acknowledged to their clients only then.
 *  - After a crash the engine is re-created with `restored` holding exactly the durable records.
 */
import type { KeyPair, Prng } from '../core/index.js';
import type { Transfer, LedgerState } from '../ledger/index.js';

/** Position of a validator in the (ordered) validator set: 0 .. n-1. */
export type NodeIndex = number;
/** Milliseconds since the network's epoch (virtual time in the simulator). */
export type Millis = number;
/** A named timer; setting a timer with a name that is already pending replaces it. */
export type TimerName = string;

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

export type EngineInput<M, R = never> =
  | { readonly kind: 'start'; readonly now: Millis }
  | { readonly kind: 'message'; readonly now: Millis; readonly from: NodeIndex; readonly message: M }
  | { readonly kind: 'timer'; readonly now: Millis; readonly timer: TimerName }
  | { readonly kind: 'transaction'; readonly now: Millis; readonly tx: Transfer }
  | { readonly kind: 'job-done'; readonly now: Millis; readonly jobId: string; readonly result: R };

// ---------------------------------------------------------------------------------------------
// Effects
// ---------------------------------------------------------------------------------------------

/** What one finalization decided. Every invariant checker in src/sim reads these. */
export interface FinalizedEntry {
  /** Position in this node's finalized log: 0, 1, 2, ... with no gaps, never reused. */
  readonly seq: number;
  /**
   * What was being decided, e.g. `h:42` (height 42 of a chain), `cs:<sender>:<nonce>` (a DAG
   * conflict set), `e:7` (an epoch). Honest nodes must never decide different values for a slot.
   */
  readonly slot: string;
  /** Hex id of the decided value (block hash, transaction id, aggregate hash). */
  readonly value: string;
  /** Transactions whose effects this decision makes final (each at most once per node). */
  readonly txIds: readonly string[];
  /** Chain height after this decision, where the engine has heights. */
  readonly height?: number;
  /** Hex state root after applying this decision, where the engine executes transactions. */
  readonly stateRoot?: string;
  /** Total supply after this decision and the cumulative amount minted since genesis. */
  readonly supply?: bigint;
  readonly minted?: bigint;
}

/** Operations the simulator's CPU cost model charges for (src/sim/cost-model.ts). */
export type CostOp = 'sig-sign' | 'sig-verify' | 'hash' | 'tx-apply' | 'kuramoto-step' | 'aggregate-component';

export type Effect<M, J = never> =
  | { readonly kind: 'send'; readonly to: NodeIndex; readonly message: M }
  /** To every other validator. */
  | { readonly kind: 'broadcast'; readonly message: M }
  | { readonly kind: 'set-timer'; readonly timer: TimerName; readonly at: Millis }
  | { readonly kind: 'cancel-timer'; readonly timer: TimerName }
  /**
   * Durable record. `sync: false` writes may be lost by a crash until a later `sync: true`
   * write. `ack` lists transaction ids the runtime acknowledges to clients once this is durable.
   */
  | {
      readonly kind: 'persist';
      readonly key: string;
      readonly value: Uint8Array | null;
      readonly sync: boolean;
      readonly ack?: readonly string[];
    }
  | { readonly kind: 'finalize'; readonly entry: FinalizedEntry }
  /** A submitted transaction that the engine refused; `code` is the typed error's code. */
  | { readonly kind: 'tx-rejected'; readonly txId: string; readonly code: string }
  /** Misbehaviour by a peer: the runtime lowers its score and may disconnect it. */
  | { readonly kind: 'penalize'; readonly peer: NodeIndex; readonly code: string; readonly weight: number }
  /** A telemetry gauge (temperature, coherence r, difficulty, ...). */
  | { readonly kind: 'metric'; readonly name: string; readonly value: number }
  /** Expensive work run outside the engine (mining); its result returns as `job-done`. */
  | { readonly kind: 'job'; readonly jobId: string; readonly job: J }
  | { readonly kind: 'cancel-job'; readonly jobId: string }
  /** CPU work the engine performed while handling this input, for the simulator's cost model. */
  | { readonly kind: 'cost'; readonly op: CostOp; readonly count: number };

// ---------------------------------------------------------------------------------------------
// The engine and its definition
// ---------------------------------------------------------------------------------------------

export interface EngineStatus {
  /** Number of entries in the finalized log. */
  readonly finalized: number;
  /** Current chain height or DAG size, where it has one. */
  readonly height: number;
  /** Hex state root of the latest finalized state, where the engine executes transactions. */
  readonly stateRoot?: string;
  /** Engine-specific gauges for the API and dashboard (temperature, difficulty, view, ...). */
  readonly telemetry: Readonly<Record<string, number>>;
}

export interface Engine<M, J = never, R = never> {
  handle(input: EngineInput<M, R>): readonly Effect<M, J>[];
  status(): EngineStatus;
  /** Finalized ledger state, for the API (balances, proofs). */
  finalizedState(): LedgerState;
}

export interface EngineContext<P> {
  readonly chainId: string;
  /** The validator set, in index order: Ed25519 public keys. */
  readonly validators: readonly Uint8Array[];
  readonly self: NodeIndex;
  readonly keyPair: KeyPair;
  readonly params: P;
  readonly genesis: LedgerState;
  /** Deterministic randomness for this node (seeded by the runtime). */
  readonly rng: Prng;
  /** Durable records from before a crash; empty on first start. */
  readonly restored: ReadonlyMap<string, Uint8Array>;
}

/** Encodes an engine's messages for the wire (bytes are what the network model counts). */
export interface MessageCodec<M> {
  encode(message: M): Uint8Array;
  /** Throws a typed error (CodecError or the engine's own) on malformed input; never else. */
  decode(bytes: Uint8Array): M;
}

/** How a runtime executes an engine's expensive jobs. */
export interface JobRunner<J, R> {
  /** Really does the work (real node: in a worker; simulator: when `simulate` is absent). */
  run(job: J): R;
  /**
   * Simulator shortcut: the result and how long the work takes on a node with the given
   * relative hash power, drawn from the measured cost model. The result must stay valid.
   */
  simulate?(job: J, hashPower: number, rng: Prng): { readonly result: R; readonly durationMs: Millis };
  /**
   * Expected CPU microseconds of `run(job)`, from the engine's cost model. A real node may run a
   * job this cheap on its main thread instead of a worker thread (src/node/runtime/jobs.ts);
   * absent, every job goes to a worker. Never affects a result, only where it is computed.
   */
  expectedCostUs?(job: J): number;
}

export interface EngineDefinition<M, P, J = never, R = never> {
  readonly name: string;
  readonly description: string;
  readonly defaultParams: P;
  /** Validates engine parameters from config or CLI (unknown input), with typed errors. */
  parseParams(raw: unknown): P;
  readonly codec: MessageCodec<M>;
  create(ctx: EngineContext<P>): Engine<M, J, R>;
  readonly jobs?: JobRunner<J, R>;
  /** Largest number of Byzantine validators among n that the engine's safety argument tolerates. */
  faultBound(n: number): number;
  /**
   * Byzantine behaviours this engine knows how to play (equivocate, split-world, ...), by name.
   * The simulator runs them for the nodes it marks Byzantine. A generic 'silent' is built in.
   */
  readonly adversaries?: Readonly<Record<string, (ctx: EngineContext<P>) => Engine<M, J, R>>>;
}

/**
 * A definition with its type parameters erased, as runtimes hold them (a registry holds
 * definitions of different message types). Sound because a runtime only ever feeds an engine
 * messages decoded by the same definition's codec and results of the same definition's jobs.
 */
export type ErasedEngineDefinition = EngineDefinition<unknown, unknown, unknown, unknown>;
export type ErasedEngine = Engine<unknown, unknown, unknown>;

export function eraseDefinition<M, P, J, R>(definition: EngineDefinition<M, P, J, R>): ErasedEngineDefinition {
  return definition as unknown as ErasedEngineDefinition;
}
