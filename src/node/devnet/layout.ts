/**
 * The files of a local devnet: one genesis shared by all nodes, and per node a key file, a
 * config file and a data directory:
 *
 *   <dir>/genesis.json
 *   <dir>/node0/{key.json, config.json, data/, node.log, stderr.log}
 *   ...
 * Every node listens on loopback and bootstraps from all the others (their /p2p/ addresses
 * are known up front: a peer id is the validator's public key).
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeGenesis } from '../genesis.js';
import type { GenesisFile } from '../genesis.js';
import { writeKeyFile, readKeyFile } from '../keys.js';
import type { NetConfig } from '../config.js';
import { peerIdOf } from '../net/index.js';
import { fromHexExact } from '../../core/index.js';
import { targetForInterval } from '../../engines/coherence/index.js';
import { freePorts } from './ports.js';

export interface DevnetLayoutOptions {
  readonly dir: string;
  readonly nodes: number;
  readonly engine: string;
  readonly params?: unknown;
  readonly devAccounts?: number;
  readonly devBalance?: bigint;
  /** First port: node i gets p2p basePort+2i and API basePort+2i+1. Free ports when absent. */
  readonly basePort?: number;
  readonly chainId?: string;
  /** How the nodes broadcast engine messages (`net.broadcast`); DEVNET_BROADCAST when absent. */
  readonly broadcast?: BroadcastMode;
  /** Extra config for every node (merged over the generated one). */
  readonly nodeConfig?: Readonly<Record<string, unknown>>;
}

export type BroadcastMode = NetConfig['broadcast'];
export const BROADCAST_MODES: readonly BroadcastMode[] = Object.freeze(['direct', 'gossip']);

/**
 * A devnet's nodes broadcast engine messages over their direct streams to every validator, not
 * over gossipsub (the node's default, which a network where validators are not all connected
 * needs). Every devnet node bootstraps from every other, so each is connected to all, and a
 * direct fan-out skips what gossipsub adds per message: the author's libp2p signature and its
 * check at every receiver, message ids, the seen cache, and the relayed duplicates. Measured on
 * the 2-core VM, one session (docs/NODE.md "Direct broadcast on the devnet"): at 500 offered/s
 * the p50 of HotStuff fell from 1,740 ms to 272 ms, of PBFT from 762 to 182, of ThermoTruth from
 * 401 to 258; CPU per transfer was lower in 7 of the 9 windows compared (by 3-29 %).
 */
export const DEVNET_BROADCAST: BroadcastMode = 'direct';

export interface DevnetNodeLayout {
  readonly index: number;
  readonly dir: string;
  readonly configPath: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly apiPort: number;
  readonly p2pPort: number;
  readonly apiUrl: string;
  readonly peerId: string;
  readonly multiaddr: string;
}

export interface DevnetLayout {
  readonly dir: string;
  readonly genesisPath: string;
  readonly chainId: string;
  readonly engine: string;
  readonly devAccounts: number;
  readonly nodes: readonly DevnetNodeLayout[];
}

export const DEFAULT_DEV_ACCOUNTS = 256;

/**
 * Engine parameters a devnet uses when the caller gives none. The node answers catch-up
 * requests beyond the reference engine's in-memory window from its store (src/node/sync), so
 * its validators keep 16 blocks in memory instead of 1,024 (at 1,000 transfers/s that is most of a
 * node's memory).
 */
/**
 * Coherence on a devnet: real proof of work (hashScaleLog2 0: the full hash check; the node
 * refuses a coherence genesis without it, src/node/genesis.ts), 2 s blocks so a demo finalizes
 * within seconds, and an initial target for the hash power of ONE core (1,500 Kuramoto attempts/s,
 * 8 % coherent: docs/protocols/coherence.md section 8), which is about what four miners sharing a
 * small machine get; ASERT corrects the rest with a half-life of 20 intervals (the engine's ratio).
 */
export const DEVNET_COHERENCE_INTERVAL_MS = 2000;
const DEVNET_COHERENCE = Object.freeze({
  hashScaleLog2: 0,
  targetIntervalMs: DEVNET_COHERENCE_INTERVAL_MS,
  asertHalfLifeMs: 20 * DEVNET_COHERENCE_INTERVAL_MS,
  initialTarget: `0x${targetForInterval(DEVNET_COHERENCE_INTERVAL_MS, 1500, 0.08, 1).toString(16)}`,
});

/**
 * PBFT's base timeout on a devnet: 4 s instead of the engine's 1 s. A devnet
 * runs four nodes and a load generator on one (often small, often shared) machine, where an
 * event loop stalls for a second or more; with 1 s timers PBFT changed views 7 times in 40 s
 * at 250 transfers/s with nothing failed (load average ~20, 2 cores) and with 4 s not once
 * (docs/NODE.md "Measured"). The cost: a crashed leader is replaced after ~4 s instead of ~1 s.
 * HotStuff and ThermoTruth keep their 1 s: with 4 s, HotStuff finalized 46/s instead of 128/s
 * at 250 offered, ThermoTruth 125-168/s instead of 204-342/s at 500-1,500 offered (one run
 * each, load averages 15-22: noisy, but large gaps; not analysed further: a longer timeout
 * costs these engines whenever a view or round fails, and on a busy machine some do).
 */
export const DEVNET_BFT_TIMEOUT_MS = 4000;

/**
 * PBFT's batching interval on a devnet: 150 ms instead of the engine's 50. Every block costs a
 * fixed amount on top of its transfers (a pre-prepare, two signed votes per replica and their
 * checks, a durable write with its fsync, the state and transaction roots); at 1,000 transfers/s
 * a 50 ms interval means 20 blocks/s of it. Measured on the 2-core VM (docs/NODE.md "A faster
 * host", three alternated pairs at 1,000 offered/s): node CPU per finalized transfer 1.21-1.36 ms
 * against 1.43-1.65 (-19 %), p50 149-160 ms against 90-120. On a slower or busier machine the CPU
 * is what decides whether the devnet keeps up. HotStuff keeps 50 ms: it commits a block three
 * blocks later, and at 150 ms its p50 rose from 229-239 ms to 566-600 for -12 % CPU.
 */
export const DEVNET_PBFT_BATCH_INTERVAL_MS = 150;

export const DEVNET_PARAMS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.freeze({
  reference: Object.freeze({ keepFinalBlocks: 16 }),
  'reference-broken': Object.freeze({ keepFinalBlocks: 16 }),
  coherence: DEVNET_COHERENCE,
  pbft: Object.freeze({ viewChangeTimeoutMs: DEVNET_BFT_TIMEOUT_MS, batchIntervalMs: DEVNET_PBFT_BATCH_INTERVAL_MS }),
});

/**
 * The genesis params of a devnet: the devnet defaults of the engine with the caller's object
 * merged over them (a caller's `{"confirmations": 3}` keeps the coherence devnet's real proof
 * of work); a caller's non-object value replaces them.
 */
export function devnetParams(engine: string, params: unknown): unknown {
  const base = DEVNET_PARAMS[engine];
  if (params === undefined) return base;
  if (base === undefined || params === null || typeof params !== 'object' || Array.isArray(params)) return params;
  return { ...base, ...(params as Record<string, unknown>) };
}

export async function createDevnetLayout(o: DevnetLayoutOptions): Promise<DevnetLayout> {
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const ports = o.basePort === undefined ? await freePorts(2 * o.nodes) : Array.from({ length: 2 * o.nodes }, (_, i) => o.basePort! + i);
  const keys = Array.from({ length: o.nodes }, (_, i) => {
    const nodeDir = join(dir, `node${i}`);
    mkdirSync(nodeDir, { recursive: true });
    const keyPath = join(nodeDir, 'key.json');
    return existsSync(keyPath) ? readKeyFile(keyPath) : writeKeyFile(keyPath);
  });
  const chainId = o.chainId ?? `thermo-devnet-${randomBytes(3).toString('hex')}`;
  const devAccounts = o.devAccounts ?? DEFAULT_DEV_ACCOUNTS;
  const params = devnetParams(o.engine, o.params);
  const genesis: GenesisFile = {
    chainId,
    engine: o.engine,
    ...(params === undefined ? {} : { params }),
    epochMs: Date.now(),
    validators: keys.map((k) => k.publicKeyHex),
    devAccounts: { count: devAccounts, balance: (o.devBalance ?? 1_000_000_000_000n).toString() },
  };
  const genesisPath = join(dir, 'genesis.json');
  writeGenesis(genesisPath, genesis);
  const nodes: DevnetNodeLayout[] = keys.map((k, i) => {
    const nodeDir = join(dir, `node${i}`);
    const p2pPort = ports[2 * i]!;
    const apiPort = ports[2 * i + 1]!;
    const peerId = peerIdOf(fromHexExact(k.publicKeyHex, 32));
    return {
      index: i,
      dir: nodeDir,
      configPath: join(nodeDir, 'config.json'),
      dataDir: join(nodeDir, 'data'),
      logFile: join(nodeDir, 'node.log'),
      apiPort,
      p2pPort,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      peerId,
      multiaddr: `/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${peerId}`,
    };
  });
  for (const n of nodes) {
    const config = {
      genesis: genesisPath,
      key: join(n.dir, 'key.json'),
      dataDir: n.dataDir,
      listen: [`/ip4/127.0.0.1/tcp/${n.p2pPort}`],
      bootstrap: nodes.filter((m) => m.index !== n.index).map((m) => m.multiaddr),
      api: { host: '127.0.0.1', port: n.apiPort },
      log: { level: 'info', file: n.logFile, console: false },
      net: { broadcast: o.broadcast ?? DEVNET_BROADCAST },
      ...o.nodeConfig,
    };
    writeFileSync(n.configPath, `${JSON.stringify(config, null, 2)}\n`);
  }
  return { dir, genesisPath, chainId, engine: o.engine, devAccounts, nodes };
}
