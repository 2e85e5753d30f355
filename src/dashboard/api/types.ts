/**
 * The node API's responses as the dashboard reads them. Declared here, not imported: the
 * dashboard depends on the node only through HTTP (layering rule dashboard-via-api-only).
 * Source of truth: src/node/api/server.ts and backend.ts; docs/DASHBOARD.md maps each panel to
 * its route and field. Optional fields are ones a node may not send (older nodes, other engines,
 * routes proposed but not built yet).
 */

/** GET /status */
export interface StatusJson {
  readonly chainId: string;
  readonly engine: string;
  readonly validator: number | null;
  readonly peerId: string;
  readonly height: number;
  readonly finalized: number;
  readonly stateRoot: string | null;
  readonly peers: number;
  readonly validatorPeers?: number;
  readonly queue?: number;
  readonly pendingSubmissions?: number;
  readonly uptimeSeconds?: number;
  readonly ready?: boolean;
}

/** GET /telemetry */
export interface TelemetryJson {
  readonly engine: string;
  readonly height: number;
  readonly finalized: number;
  /** The engine's own gauges (EngineStatus.telemetry): temperature, coherenceR, difficultyLog2, mempool, ... */
  readonly telemetry: Readonly<Record<string, number>>;
  /** The last value of each `metric` effect the engine emitted. */
  readonly gauges: Readonly<Record<string, number>>;
  /** Wall-clock ms of the latest finalization this node made durable, or null. */
  readonly lastFinalizedAt: number | null;
}

/** One entry of GET /peers `peers`. */
export interface PeerJson {
  readonly peerId: string;
  readonly validator: number | null;
  readonly addresses: readonly string[];
  /** 0 is clean; our own penalties make it negative (src/node/net/scores.ts). */
  readonly score: number;
  readonly verified: boolean;
}

/** SSE `finalized` event data (and an entry of GET /blocks). */
export interface FinalizedJson {
  readonly seq: number;
  readonly slot: string;
  readonly value: string;
  readonly height: number | null;
  readonly txIds: readonly string[];
}

/** SSE `status` event data. */
export interface StatusEventJson {
  readonly height: number;
  readonly finalized: number;
  readonly peers: number;
}

/** Proposed: GET /dag?limit=N (negentropy): the DAG's most recent vertices. */
export interface DagVertexJson {
  readonly id: string;
  readonly author: number;
  readonly height: number;
  readonly parents: readonly string[];
  /** accepted | rejected | pending; `preferred` and `final` flags come separately. */
  readonly status: string;
  readonly preferred?: boolean;
  readonly final?: boolean;
  readonly txs?: number;
}

/** Proposed: GET /epoch (thermotruth): the last epoch's proposals and their aggregate. */
export interface EpochJson {
  readonly epoch: number;
  readonly leader: number | null;
  readonly temperature?: number;
  readonly difficulty?: number;
  readonly aggregate: readonly number[];
  readonly proposals: readonly {
    readonly proposer: number;
    readonly vector: readonly number[];
    readonly weight?: number;
    readonly distance?: number;
    readonly flagged?: boolean;
  }[];
}

/** Proposed: GET /reports: report folders the node serves under /reports/NAME/. */
export interface ReportJson {
  readonly name: string;
  readonly kind: string;
  readonly title: string;
  readonly createdAt: string;
  readonly summary: string;
  /** Where the page is; default /reports/NAME/ . */
  readonly href?: string;
}
