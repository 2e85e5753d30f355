/**
 * One Thermo node: genesis + key + store + engine + executor + libp2p + HTTP API, started in
 * that order and stopped in reverse.
 *
 * Start: read the genesis (it names the engine and the validator set), open the store (deep
 * check in a child process, metadata check, checksums; a store of another chain or a damaged
 * one is refused), adopt the validator key (the key file on first start; the store's copy
 * after), rebuild the engine from its durable records (`restored`), then join the network and
 * open the API. The node's libp2p identity is its validator key.
 */
import { randomBytes } from 'node:crypto';
import { Prng, toHex } from '../core/index.js';
import { encodeAccountProof, encodeTransfer, proveAccount, transferIdHex } from '../ledger/index.js';
import type { Address, Transfer } from '../ledger/index.js';
import type { ErasedEngine, ErasedEngineDefinition, FinalizedEntry } from '../protocol/index.js';
import { buildApi } from './api/index.js';
import type { AccountView, Api, ApiBackend, DagVertexView, EpochApiView, FinalizedListener, NodeStatusView, ProofView, TelemetryView } from './api/index.js';
import { NegentropyEngine } from '../engines/negentropy/index.js';
import { ThermoTruthEngine } from '../engines/thermotruth/index.js';
import { FinalityTracker } from './finality.js';
import type { JobMode, NodeConfig } from './config.js';
import { NodeError } from './errors.js';
import { genesisHashBytes, readGenesis } from './genesis.js';
import type { Genesis } from './genesis.js';
import { keyFromSeed, readKeyFile } from './keys.js';
import type { KeyFile } from './keys.js';
import { createLogger } from './log.js';
import type { Logger } from './log.js';
import { createNodeMetrics } from './metrics/index.js';
import { MiningPool } from './mining/index.js';
import type { NodeMetrics } from './metrics/index.js';
import { Network } from './net/index.js';
import type { PeerInfo } from './net/index.js';
import { CostRoutedJobExecutor, InlineJobExecutor, MonotonicClock, Runtime, WorkerJobExecutor } from './runtime/index.js';
import type { JobExecutor, RuntimeError, SubmitOutcome } from './runtime/index.js';
import { NodeStore, deepCheckStore } from './store/index.js';
import { recordSyncServer } from './sync/index.js';
import type { RecordSyncServer } from './sync/index.js';
import type { TxRecord } from './store/index.js';
import './polyfill.js';

export interface NodeOptions {
  readonly logger?: Logger;
  /** Replaces the default job executor (src/node/mining plugs in here). */
  readonly jobExecutor?: JobExecutor;
  /** Called when the executor stopped for good (default: log and exit with code 70). */
  readonly onFatal?: (err: RuntimeError) => void;
  /** Node name in logs. */
  readonly name?: string;
}

/**
 * The job executor for an engine's `job` effects: the coherence engine's parallel miner
 * (src/node/mining) for its mining jobs; otherwise, by config, 'auto' (the default: a job the
 * runner expects to cost at most INLINE_JOB_MAX_US runs on the main thread, the rest in worker
 * threads), 'worker' (every job in a worker thread) or 'inline' (every job on the main thread).
 */
export function defaultJobExecutor(definition: ErasedEngineDefinition, mode: JobMode): JobExecutor | undefined {
  const runner = definition.jobs;
  if (runner === undefined) return undefined;
  if (mode === 'inline') return new InlineJobExecutor(runner);
  if (definition.name === 'coherence') return new MiningPool();
  const workers = new WorkerJobExecutor(definition.name);
  if (mode === 'worker' || runner.expectedCostUs === undefined) return workers;
  return new CostRoutedJobExecutor(runner, new InlineJobExecutor(runner), workers);
}

/** Gossiped transaction ids remembered to hand each to the engine once. */
export const MAX_GOSSIP_SEEN = 65_536;

/** Most finalization listeners (SSE hub, tests) at once. */
export const MAX_FINALIZED_LISTENERS = 64;

export class ThermoNode implements ApiBackend {
  private readonly listeners = new Set<FinalizedListener>();
  private api: Api | null = null;
  private apiUrlValue = '';
  private lastFinalizedAt: number | null = null;
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | null = null;
  private started = false;
  private readonly recordServer: RecordSyncServer | undefined;
  private readonly finality = new FinalityTracker();

  private constructor(
    readonly config: NodeConfig,
    readonly genesis: Genesis,
    readonly key: KeyFile,
    readonly self: number,
    readonly store: NodeStore,
    readonly engine: ErasedEngine,
    readonly runtime: Runtime,
    readonly network: Network,
    readonly metricsSet: NodeMetrics,
    readonly log: Logger,
  ) {
    this.recordServer = recordSyncServer(genesis.definition.name);
  }

  get chainId(): string {
    return this.genesis.chainId;
  }

  /** http://host:port of the API once listening. */
  get apiUrl(): string {
    return this.apiUrlValue;
  }

  static async start(config: NodeConfig, options: NodeOptions = {}): Promise<ThermoNode> {
    const log = options.logger ?? createLogger({ name: options.name ?? 'node', level: config.log.level, file: config.log.file, console: config.log.console });
    // Start-up phase durations (ms), logged once: a slow restart should say where it went.
    const phases: Record<string, number> = {};
    let mark = performance.now();
    const phase = (name: string): void => {
      const now = performance.now();
      phases[name] = Math.round(now - mark);
      mark = now;
    };
    const genesis = readGenesis(config.genesis);
    const keyFile = config.key === undefined ? undefined : readKeyFile(config.key);
    phase('genesis');
    // A passed deep check also vouches for an unwritten whole-page tail (store/file-check.ts).
    let tailVerified = false;
    if (config.store.deepCheck) {
      await deepCheckStore(config.dataDir);
      tailVerified = true;
    }
    phase('deepCheck');
    const { store, restored, fresh } = await NodeStore.open({ dataDir: config.dataDir, genesisHash: genesis.hash, tailVerified });
    phase('storeOpen');
    let node: ThermoNode | undefined;
    try {
      let key: KeyFile;
      if (keyFile !== undefined) {
        await store.adoptValidatorSeed(keyFile.seed);
        key = keyFile;
      } else {
        const seed = store.validatorSeed();
        if (seed === undefined) {
          throw new NodeError({ code: 'NODE_BAD_KEY_FILE', path: '(none)', reason: 'no key file given and the store holds no key' }, 'no validator key: pass --key FILE (thermo keys new) on first start');
        }
        key = keyFromSeed(seed);
      }
      const self = genesis.validators.findIndex((v) => toHex(v) === key.publicKeyHex);
      if (self < 0) {
        throw new NodeError({ code: 'NODE_NOT_A_VALIDATOR', publicKey: key.publicKeyHex }, `key ${key.publicKeyHex.slice(0, 16)}... is not in the genesis validator set`);
      }
      log.info({ chainId: genesis.chainId, engine: genesis.file.engine, validator: self, fresh, records: restored.size }, 'store opened');
      const definition = genesis.definition;
      const engine = definition.create({
        chainId: genesis.chainId,
        validators: genesis.validators,
        self,
        keyPair: key.keyPair,
        params: genesis.params,
        genesis: genesis.state,
        // Engines get deterministic randomness from a seed; a real node seeds it freshly per start.
        rng: Prng.fromKey(new Uint8Array(randomBytes(32))),
        restored,
      });
      phase('engineRestore');
      const jobs: JobExecutor | undefined = options.jobExecutor ?? defaultJobExecutor(definition, config.runtime.jobs);
      // The node is assembled in two steps: the runtime and network call back into it.
      const holder: { node?: ThermoNode } = {};
      const metrics = createNodeMetrics({
        engine: definition.name,
        runtime: () => holder.node!.runtime,
        status: () => holder.node!.runtime.durableView().status,
        net: () => {
          const n = holder.node?.network;
          if (n === undefined) return null;
          const peers = n.peers();
          return { stats: n.stats, peers: peers.length, validators: peers.filter((p) => p.validator !== null).length };
        },
        sseClients: () => holder.node?.api?.sse.size ?? 0,
      });
      const network = new Network({
        seed: key.seed,
        chainId: genesis.chainId,
        engine: definition.name,
        genesisHash: genesisHashBytes(genesis),
        validators: genesis.validators,
        codec: definition.codec,
        listen: config.listen,
        announce: config.announce,
        bootstrap: config.bootstrap,
        maxPeers: config.net.maxPeers,
        maxFrameBytes: config.net.maxFrameBytes,
        peerRate: config.net.peerRate,
        banThreshold: config.net.banThreshold,
        banMs: config.net.banMs,
        broadcast: config.net.broadcast,
        onMessage: (from, message, bytes) => holder.node?.onPeerMessage(from, message, bytes),
        txGossip: config.net.txGossip,
        onTransaction: (tx) => holder.node?.onGossipTransaction(tx),
        log: (level, msg, fields) => log[level](fields ?? {}, msg),
      });
      const runtime = new Runtime({
        engine,
        codec: definition.codec,
        self,
        store,
        clock: new MonotonicClock(genesis.file.epochMs),
        jobs,
        limits: config.runtime,
        pipeline: config.runtime.pipeline,
        observeCommit: (s) => metrics.commitSeconds.observe(s),
        observeAck: (s) => metrics.ackSeconds.observe(s),
        hooks: {
          send: (to, bytes) => network.send(to, bytes),
          broadcast: (bytes) => network.broadcast(bytes),
          penalize: (peer, code, weight) => network.penalizeValidator(peer, code, weight),
          finalized: (entry) => holder.node?.onFinalizedEntry(entry),
          fatal: (err) => {
            log.fatal({ code: err.code, reason: err.type.code === 'RUNTIME_ENGINE_FAILED' || err.type.code === 'RUNTIME_STORE_FAILED' ? err.type.reason : '' }, 'executor stopped');
            if (options.onFatal !== undefined) options.onFatal(err);
            else {
              void holder.node?.stop().finally(() => process.exit(70));
            }
          },
        },
      });
      node = new ThermoNode(config, genesis, key, self, store, engine, runtime, network, metrics, log);
      holder.node = node;
      try {
        await network.start();
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new NodeError({ code: 'NODE_LISTEN_FAILED', what: 'p2p', address: config.listen.join(' '), reason }, `cannot listen for peers on ${config.listen.join(' ')}: ${reason}`);
      }
      phase('network');
      await node.listen();
      phase('api');
      runtime.start();
      node.started = true;
      log.info({ api: node.apiUrl, peerId: network.peerId, addresses: network.addresses(), startupMs: phases }, 'node started');
      return node;
    } catch (err) {
      if (node !== undefined) await node.stop();
      else await store.close();
      throw err;
    }
  }

  private async listen(): Promise<void> {
    const api = buildApi(this, {
      bodyLimit: this.config.api.bodyLimit,
      rateLimit: this.config.api.rateLimit,
      maxSseClients: this.config.api.maxSseClients,
      dashboardDir: this.config.api.dashboardDir,
      reportsDir: this.config.api.reportsDir,
      onResponse: (route, status) => this.metricsSet.httpRequests.inc({ route, status: String(status) }),
      onServerError: (err) => this.log.error({ err: err.message }, 'api error'),
    });
    this.api = api;
    const where = `${this.config.api.host}:${this.config.api.port}`;
    try {
      this.apiUrlValue = await api.app.listen({ host: this.config.api.host, port: this.config.api.port });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new NodeError({ code: 'NODE_LISTEN_FAILED', what: 'api', address: where, reason }, `cannot serve the API on ${where}: ${reason}`);
    }
  }

  /** An authenticated peer message: answered from the store where the engine cannot, then delivered. */
  onPeerMessage(from: number, message: unknown, bytes: number): void {
    if (this.recordServer !== undefined) {
      const answers = this.recordServer.answer(message, this.runtime.durableView().status.height, (key) => this.store.record(key), this.genesis.params);
      for (const a of answers) this.network.send(from, this.genesis.definition.codec.encode(a));
    }
    this.runtime.deliver(from, message, bytes);
  }

  /** Ids of gossiped transactions already handed to the engine (bounded; oldest forgotten). */
  private readonly gossipSeen = new Set<string>();

  /** A transaction gossiped by a peer: offered to the engine once, unless already known here. */
  onGossipTransaction(tx: Transfer): void {
    const id = transferIdHex(tx);
    if (this.gossipSeen.has(id) || this.store.txStatus(id) !== undefined) return;
    this.rememberGossip(id);
    this.runtime.offer(tx);
  }

  private rememberGossip(id: string): void {
    this.gossipSeen.add(id);
    if (this.gossipSeen.size > MAX_GOSSIP_SEEN) {
      const oldest = this.gossipSeen.values().next().value;
      if (oldest !== undefined) this.gossipSeen.delete(oldest);
    }
  }

  private onFinalizedEntry(entry: FinalizedEntry): void {
    this.lastFinalizedAt = Date.now();
    this.finality.finalized(entry.txIds, this.lastFinalizedAt);
    if (entry.height !== undefined && entry.height % 100 === 0) this.log.info({ height: entry.height, txs: entry.txIds.length }, 'finalized');
    for (const l of this.listeners) {
      try {
        l(entry);
      } catch (err) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'finalized listener failed');
      }
    }
  }

  // ---- ApiBackend ----------------------------------------------------------------------------

  status(): NodeStatusView {
    const view = this.runtime.durableView();
    const peers = this.network.peers();
    return {
      chainId: this.genesis.chainId,
      engine: this.genesis.file.engine,
      genesisHash: this.genesis.hash,
      validator: this.self,
      publicKey: this.key.publicKeyHex,
      peerId: this.network.peerId,
      addresses: this.network.addresses(),
      height: view.status.height,
      finalized: view.status.finalized,
      stateRoot: view.status.stateRoot ?? null,
      peers: peers.length,
      validatorPeers: peers.filter((p) => p.validator !== null).length,
      queue: this.runtime.queueLength,
      pendingSubmissions: this.runtime.pendingSubmissions,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      ready: this.started && this.runtime.error === null,
    };
  }

  peers(): readonly PeerInfo[] {
    return this.network.peers();
  }

  finalizedByHeight(height: number): FinalizedEntry | undefined {
    return this.store.finalizedByHeight(height);
  }

  finalizedByValue(value: string): FinalizedEntry | undefined {
    return this.store.finalizedByValue(value);
  }

  finalizedRange(fromSeq: number, limit: number): readonly FinalizedEntry[] {
    return this.store.finalizedRange(fromSeq, limit);
  }

  txStatus(id: string): TxRecord | undefined {
    return this.store.txStatus(id);
  }

  account(address: Address): AccountView {
    const view = this.runtime.durableView();
    const a = view.state.account(address);
    return { balance: a?.balance ?? 0n, nonce: a?.nonce ?? 0, stateRoot: toHex(view.state.root), height: view.status.height };
  }

  proof(address: Address): ProofView {
    const view = this.runtime.durableView();
    const a = view.state.account(address);
    const p = proveAccount(view.state, address);
    return {
      exists: a !== null,
      balance: a?.balance ?? 0n,
      nonce: a?.nonce ?? 0,
      stateRoot: toHex(view.state.root),
      height: view.status.height,
      proof: toHex(encodeAccountProof(p)),
    };
  }

  telemetry(): TelemetryView {
    const view = this.runtime.durableView();
    // Every engine's telemetry carries finalityLatencyMs (this node's clients, submission to
    // final here) once a sample exists, and mempool: the engine's gauge where it has one, else
    // this node's acknowledged transfers that are not final yet.
    const p50 = this.finality.p50();
    const t = view.status.telemetry;
    return {
      engine: this.genesis.file.engine,
      height: view.status.height,
      finalized: view.status.finalized,
      telemetry: {
        ...t,
        ...(t['mempool'] === undefined ? { mempool: this.finality.pending } : {}),
        ...(p50 === null ? {} : { finalityLatencyMs: p50 }),
      },
      gauges: Object.fromEntries(this.runtime.gauges),
      lastFinalizedAt: this.lastFinalizedAt,
    };
  }

  /**
   * The engine's newest DAG vertices (negentropy) with their status (accepted = final, rejected,
   * pending) and whether this node prefers them now. This reads the engine's in-memory DAG,
   * which may run one store batch ahead of the durable state: a display, it acknowledges nothing.
   */
  dag(limit: number): readonly DagVertexView[] | null {
    if (!(this.engine instanceof NegentropyEngine)) return null;
    return this.engine.vertexViews(limit).map((v) => ({
      id: v.id,
      author: v.proposer,
      height: v.height,
      parents: v.parents,
      status: v.status,
      preferred: v.preferred,
      final: v.final,
      txs: v.block.txs.length,
    }));
  }

  /** The last durable finalized epoch (thermotruth), from the engine's kept finals. */
  epoch(): EpochApiView | null | undefined {
    if (!(this.engine instanceof ThermoTruthEngine)) return null;
    const e = this.runtime.durableView().status.height;
    const v = e > 0 ? this.engine.epochView(e) : undefined;
    if (v === undefined) return undefined;
    return { ...v, difficulty: this.engine.currentDifficulty };
  }

  async submit(tx: Transfer): Promise<SubmitOutcome> {
    const id = transferIdHex(tx);
    this.finality.begin(id, Date.now());
    const outcome = await this.runtime.submit(tx);
    if (outcome.kind !== 'accepted') this.finality.abandon(id);
    if (outcome.kind === 'accepted' && this.config.net.txGossip) {
      this.rememberGossip(outcome.txId);
      this.network.publishTransaction(encodeTransfer(tx));
    }
    return outcome;
  }

  metrics(): string {
    return this.metricsSet.registry.expose();
  }

  onFinalized(listener: FinalizedListener): () => void {
    if (this.listeners.size >= MAX_FINALIZED_LISTENERS) throw new Error('too many finalization listeners');
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- shutdown ------------------------------------------------------------------------------

  /** Stops the API, the network, the executor (waiting for issued writes) and the store. */
  stop(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    this.stopping = (async () => {
      this.started = false;
      await this.api?.close().catch(() => undefined);
      await this.network.stop().catch(() => undefined);
      await this.runtime.stop();
      await this.store.close();
      this.log.info('node stopped');
      this.log.flush?.();
    })();
    return this.stopping;
  }
}
