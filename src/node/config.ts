/**
 * Node configuration: a JSON file (every field optional except the genesis), overridden by
 * command-line flags. Relative paths in a file resolve against the file's folder. Validated
 * with a typebox schema; a bad file is a NODE_BAD_CONFIG naming the field.
 *
 *   {
 *     "genesis": "genesis.json",            shared by every node of the chain (required)
 *     "key": "key.json",                    validator key file (thermo keys new)
 *     "dataDir": "data",                    lmdb store lives in <dataDir>/db
 *     "listen": ["/ip4/127.0.0.1/tcp/9000"],
 *     "announce": [],                       addresses to advertise (behind NAT: the public one)
 *     "bootstrap": ["/ip4/10.0.0.5/tcp/9000/p2p/12D3Koo..."],
 *     "api": {"host": "127.0.0.1", "port": 8080, "bodyLimit": 16384,
 *             "rateLimit": {"perSecond": 5000, "burst": 10000}, "maxSseClients": 64},
 *     "net": {"maxFrameBytes": 8388608, "peerRate": {"perSecond": 2000, "burst": 4000},
 *             "maxPeers": 64, "banThreshold": 100, "banMs": 600000, "broadcast": "gossip",
 *             "txGossip": false},
 *     "runtime": {"pipeline": true, "ackTimeoutMs": 15000, ...},
 *     "store": {"deepCheck": true},
 *     "log": {"level": "info", "file": "node.log"}
 *   }
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { NodeError } from './errors.js';
import { checkJson } from './json-schema.js';
import type { RuntimeLimits } from './runtime/index.js';
import { DEFAULT_RUNTIME_LIMITS } from './runtime/index.js';

const Rate = Type.Object({ perSecond: Type.Number({ exclusiveMinimum: 0 }), burst: Type.Number({ minimum: 1 }) }, { additionalProperties: false });
const Addr = Type.String({ minLength: 1, maxLength: 512 });

export const ConfigSchema = Type.Object(
  {
    genesis: Type.Optional(Type.String({ minLength: 1 })),
    key: Type.Optional(Type.String({ minLength: 1 })),
    dataDir: Type.Optional(Type.String({ minLength: 1 })),
    listen: Type.Optional(Type.Array(Addr, { maxItems: 16 })),
    announce: Type.Optional(Type.Array(Addr, { maxItems: 16 })),
    bootstrap: Type.Optional(Type.Array(Addr, { maxItems: 256 })),
    api: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1 })),
          port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
          bodyLimit: Type.Optional(Type.Integer({ minimum: 256, maximum: 16 * 1024 * 1024 })),
          rateLimit: Type.Optional(Rate),
          maxSseClients: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
          dashboardDir: Type.Optional(Type.String({ minLength: 1 })),
          reportsDir: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    net: Type.Optional(
      Type.Object(
        {
          maxFrameBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 })),
          peerRate: Type.Optional(Rate),
          maxPeers: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          banThreshold: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
          banMs: Type.Optional(Type.Integer({ minimum: 0 })),
          broadcast: Type.Optional(Type.Union([Type.Literal('gossip'), Type.Literal('direct')])),
          txGossip: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    runtime: Type.Optional(
      Type.Object(
        {
          pipeline: Type.Optional(Type.Boolean()),
          maxQueuedMessages: Type.Optional(Type.Integer({ minimum: 1 })),
          maxQueuedMessageBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
          maxQueuedTransactions: Type.Optional(Type.Integer({ minimum: 1 })),
          maxPendingSubmissions: Type.Optional(Type.Integer({ minimum: 1 })),
          ackTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
          maxTimers: Type.Optional(Type.Integer({ minimum: 1 })),
          drainBatch: Type.Optional(Type.Integer({ minimum: 1 })),
          jobs: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('worker'), Type.Literal('inline')])),
        },
        { additionalProperties: false },
      ),
    ),
    store: Type.Optional(Type.Object({ deepCheck: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
    log: Type.Optional(
      Type.Object(
        {
          level: Type.Optional(
            Type.Union([
              Type.Literal('fatal'),
              Type.Literal('error'),
              Type.Literal('warn'),
              Type.Literal('info'),
              Type.Literal('debug'),
              Type.Literal('trace'),
              Type.Literal('silent'),
            ]),
          ),
          file: Type.Optional(Type.String({ minLength: 1 })),
          console: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ConfigFile = Static<typeof ConfigSchema>;

export interface RateConfig {
  readonly perSecond: number;
  readonly burst: number;
}

export interface ApiConfig {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly bodyLimit: number;
  readonly rateLimit: RateConfig;
  readonly maxSseClients: number;
  readonly dashboardDir?: string;
  /** Report folders GET /reports lists (default ./reports of the working directory). */
  readonly reportsDir?: string;
}

export interface NetConfig {
  readonly maxFrameBytes: number;
  readonly peerRate: RateConfig;
  readonly maxPeers: number;
  readonly banThreshold: number;
  readonly banMs: number;
  readonly broadcast: 'gossip' | 'direct';
  /** Gossip accepted client transactions on their own topic (off: engines route them). */
  readonly txGossip: boolean;
}

/**
 * Where the engine's `job` effects run: 'auto' (cheap jobs on the main thread, the rest in
 * worker threads; src/node/runtime/jobs.ts), 'worker' or 'inline' (all of them).
 */
export type JobMode = 'auto' | 'worker' | 'inline';

export interface NodeConfig {
  readonly genesis: string;
  readonly key?: string;
  readonly dataDir: string;
  readonly listen: readonly string[];
  readonly announce: readonly string[];
  readonly bootstrap: readonly string[];
  readonly api: ApiConfig;
  readonly net: NetConfig;
  readonly runtime: Partial<RuntimeLimits> & { readonly pipeline: boolean; readonly jobs: JobMode };
  readonly store: { readonly deepCheck: boolean };
  readonly log: { readonly level: string; readonly file?: string; readonly console: boolean };
}

export const DEFAULT_API: ApiConfig = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  bodyLimit: 16 * 1024,
  rateLimit: Object.freeze({ perSecond: 5000, burst: 10_000 }),
  maxSseClients: 64,
});

export const DEFAULT_NET: NetConfig = Object.freeze({
  // A block is at most 4 MiB (ledger MAX_BLOCK_BYTES); a sync answer carries one plus its certificate.
  maxFrameBytes: 8 * 1024 * 1024,
  peerRate: Object.freeze({ perSecond: 5000, burst: 10_000 }),
  maxPeers: 64,
  banThreshold: 100,
  banMs: 10 * 60_000,
  broadcast: 'gossip',
  txGossip: false,
});

function bad(path: string, reason: string): NodeError {
  return new NodeError({ code: 'NODE_BAD_CONFIG', path, reason }, `config ${path}: ${reason}`);
}

/** Reads and validates a config file (paths resolved against its folder). */
export function readConfigFile(path: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw bad(path, err instanceof Error ? err.message : String(err));
  }
  const checked = checkJson(ConfigSchema, raw);
  if (!checked.ok) throw bad(path, checked.reason);
  const base = dirname(resolve(path));
  const rel = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(base, p));
  const c = checked.value;
  return {
    ...c,
    genesis: rel(c.genesis),
    key: rel(c.key),
    dataDir: rel(c.dataDir),
    api: c.api === undefined ? undefined : { ...c.api, dashboardDir: rel(c.api.dashboardDir), reportsDir: rel(c.api.reportsDir) },
    log: c.log === undefined ? undefined : { ...c.log, file: rel(c.log.file) },
  };
}

/** Merges file values under flag values and fills defaults. */
export function resolveConfig(file: ConfigFile, flags: ConfigFile, source = '(flags)'): NodeConfig {
  const checked = checkJson(ConfigSchema, flags);
  if (!checked.ok) throw bad(source, checked.reason);
  const genesis = flags.genesis ?? file.genesis;
  if (genesis === undefined) throw bad(source, 'no genesis file given (--genesis or "genesis" in the config)');
  const drop = <T extends object>(o: T | undefined): Partial<T> =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
  const api: ApiConfig = { ...DEFAULT_API, ...drop(file.api), ...drop(flags.api) };
  const net: NetConfig = { ...DEFAULT_NET, ...drop(file.net), ...drop(flags.net) };
  const runtime = { ...DEFAULT_RUNTIME_LIMITS, pipeline: true, jobs: 'auto' as const, ...drop(file.runtime), ...drop(flags.runtime) };
  const key = flags.key ?? file.key;
  const logFile = flags.log?.file ?? file.log?.file;
  return {
    genesis,
    ...(key === undefined ? {} : { key }),
    dataDir: flags.dataDir ?? file.dataDir ?? resolve('.thermo/node'),
    listen: flags.listen ?? file.listen ?? ['/ip4/127.0.0.1/tcp/0'],
    announce: flags.announce ?? file.announce ?? [],
    bootstrap: flags.bootstrap ?? file.bootstrap ?? [],
    api,
    net,
    runtime,
    store: { deepCheck: flags.store?.deepCheck ?? file.store?.deepCheck ?? true },
    log: {
      level: flags.log?.level ?? file.log?.level ?? 'info',
      ...(logFile === undefined ? {} : { file: logFile }),
      console: flags.log?.console ?? file.log?.console ?? true,
    },
  };
}
