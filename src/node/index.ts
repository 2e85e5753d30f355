/**
 * src/node: the real runtime. One process runs one validator of one chain: the engine named
 * by the genesis, driven on real time, talking libp2p, keeping an lmdb store, serving HTTP.
 * Owns: node assembly and lifecycle (node.ts, process.ts), config / genesis / key files,
 * logging, and the sub-folders: runtime (effect executor), store (lmdb), net (libp2p),
 * api (fastify), metrics (Prometheus), client (HTTP client, load generator), devnet (local
 * multi-process networks), util. src/node/mining belongs to the coherence engine.
 * Does not own: protocol rules (src/engines), simulation (src/sim), argument parsing (src/cli).
 */
import './polyfill.js';

export { ThermoNode, MAX_FINALIZED_LISTENERS } from './node.js';
export type { NodeOptions } from './node.js';
export { runNodeProcess, READY_PREFIX } from './process.js';
export { readConfigFile, resolveConfig, ConfigSchema, DEFAULT_API, DEFAULT_NET } from './config.js';
export type { ConfigFile, NodeConfig, ApiConfig, NetConfig, JobMode } from './config.js';
export { readGenesis, parseGenesis, writeGenesis, canonicalJson, lookupEngine, nodeGenesisRule, GenesisSchema } from './genesis.js';
export type { Genesis, GenesisFile } from './genesis.js';
export { readKeyFile, writeKeyFile, keyFromSeed, KEY_FILE_TYPE } from './keys.js';
export type { KeyFile } from './keys.js';
export { NodeError } from './errors.js';
export type { NodeErrorType, NodeErrorCode } from './errors.js';
export { createLogger, conciseStream } from './log.js';
export type { Logger, LogOptions } from './log.js';
export * from './client/index.js';
export * from './devnet/index.js';
