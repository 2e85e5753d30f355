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
  submit(tx: Transfer): Promise<SubmitOutcome>;
  metrics(): string;
  /** Subscribes to durable finalizations; returns the unsubscribe function. */
  onFinalized(listener: FinalizedListener): () => void;
}
