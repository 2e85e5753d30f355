/**
 * src/node/devnet: local multi-process devnets.
 * Owns: the devnet's files (shared genesis, keys, per-node configs with loopback bootstrap
 * lists), free ports, supervising the node processes (spawn, ready, kill -9, restart, stop),
 * and an optional memory cgroup per node (memory-limit.ts).
 * Does not own: the node (src/node/node.ts), the command line (src/cli/commands/devnet.ts),
 * the load generator (src/node/client).
 */
export { createDevnetLayout, devnetParams, DEFAULT_DEV_ACCOUNTS, DEVNET_PARAMS, DEVNET_BROADCAST, BROADCAST_MODES } from './layout.js';
export type { BroadcastMode, DevnetLayout, DevnetLayoutOptions, DevnetNodeLayout } from './layout.js';
export { DevnetSupervisor, tsxCommand, NODE_PROCESS_FLAGS, NODE_PROCESS_ENV } from './supervisor.js';
export type { NodeCommand, SupervisorOptions } from './supervisor.js';
export { freePort, freePorts } from './ports.js';
export { NodeMemoryLimits, findMemoryCgroup, MIN_MEMORY_LIMIT_BYTES } from './memory-limit.js';
export type { CgroupVersion, MemoryCgroupParent, MemoryCgroupStats } from './memory-limit.js';
export { DevnetError } from './errors.js';
export type { DevnetErrorType, DevnetErrorCode } from './errors.js';
