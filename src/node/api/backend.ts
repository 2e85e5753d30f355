/**
 * What the HTTP API needs from a node. The API depends on this interface only, so its tests
 * run against a fake backend with fastify `inject()`, and the node (node.ts) implements it
 * over its runtime, store and transport.
 */
import type { Address, Transfer } from '../../ledger/index.js';
import type { FinalizedEntry } from '../../protocol/index.js';
import type { PeerInfo } from '../net/index.js';
import type { SubmitOutcome } from '../runtime/index.js';
import type { TxRecord } from '../store/index.js';

export interface NodeStatusView {
  readonly chainId: string;
  readonly engine: string;
  readonly genesisHash: string;
  readonly validator: number | null;
  readonly publicKey: string;
  readonly peerId: string;
  readonly addresses: readonly string[];
  readonly height: number;
  readonly finalized: number;
  readonly stateRoot: string | null;
  readonly peers: number;
  readonly validatorPeers: number;
  readonly queue: number;
  readonly pendingSubmissions: number;
  readonly uptimeSeconds: number;
  readonly ready: boolean;
}

export interface AccountView {
  readonly balance: bigint;
  readonly nonce: number;
  readonly stateRoot: string;
  readonly height: number;
}

export interface ProofView extends AccountView {
  readonly exists: boolean;
  /** Hex of the ledger's encodeAccountProof. */
  readonly proof: string;
}

export interface TelemetryView {
  readonly engine: string;
  readonly height: number;
  readonly finalized: number;
  readonly telemetry: Readonly<Record<string, number>>;
  readonly gauges: Readonly<Record<string, number>>;
  readonly lastFinalizedAt: number | null;
}

/** One DAG vertex for GET /dag (engines with a DAG: negentropy). */
export interface DagVertexView {
  readonly id: string;
  /** Validator index of the author, or -1 when the key is not a validator. */
  readonly author: number;
  readonly height: number;
  readonly parents: readonly string[];
  /** accepted | rejected | pending where the engine tells; 'unknown' where it does not. */
  readonly status: string;
  /** Every transfer in it is this node's current preference for its conflict set. */
  readonly preferred?: boolean;
  /** Accepted: its transfers won decided conflict sets (Snowball decisions are final). */
  readonly final?: boolean;
  readonly txs: number;
}

/** The last finalized epoch for GET /epoch (engines with epochs of proposals: thermotruth). */
export interface EpochApiView {
  readonly epoch: number;
  readonly round: number;
  readonly leader: number;
  readonly temperature: number;
  readonly entropy: number;
  /** The engine's current PoW difficulty (set for the next epoch by this one's entropy). */
  readonly difficulty: number;
  readonly aggregate: readonly number[];
  readonly proposals: readonly { readonly proposer: number; readonly vector: readonly number[]; readonly distance: number; readonly flagged: boolean }[];
}

export type FinalizedListener = (entry: FinalizedEntry) => void;

export interface ApiBackend {
  readonly chainId: string;
  status(): NodeStatusView;
  peers(): readonly PeerInfo[];
  finalizedByHeight(height: number): FinalizedEntry | undefined;
  finalizedByValue(value: string): FinalizedEntry | undefined;
  finalizedRange(fromSeq: number, limit: number): readonly FinalizedEntry[];
  txStatus(id: string): TxRecord | undefined;
  account(address: Address): AccountView;
  proof(address: Address): ProofView;
  telemetry(): TelemetryView;
  /** The newest `limit` DAG vertices, newest first; null when the engine has no DAG. */
  dag(limit: number): readonly DagVertexView[] | null;
  /** The last durable finalized epoch; null when the engine has no epochs, undefined before the first. */
  epoch(): EpochApiView | null | undefined;
  submit(tx: Transfer): Promise<SubmitOutcome>;
  metrics(): string;
  /** Subscribes to durable finalizations; returns the unsubscribe function. */
  onFinalized(listener: FinalizedListener): () => void;
}
