/**
 * src/node/devnet: local multi-process devnets.
 * Owns: the devnet's files (shared genesis, keys, per-node configs with loopback bootstrap
 * lists), free ports, and supervising the node processes (spawn, ready, kill -9, restart, stop).
 * Does not own: the node (src/node/node.ts), the command line (src/cli/commands/devnet.ts),
 * the load generator (src/node/client).
 */
export { createDevnetLayout, devnetParams, DEFAULT_DEV_ACCOUNTS, DEVNET_PARAMS, DEVNET_BROADCAST, BROADCAST_MODES } from './layout.js';
export type { BroadcastMode, DevnetLayout, DevnetLayoutOptions, DevnetNodeLayout } from './layout.js';
export { DevnetSupervisor, tsxCommand, NODE_PROCESS_FLAGS, NODE_PROCESS_ENV } from './supervisor.js';
export type { NodeCommand, SupervisorOptions } from './supervisor.js';
export { freePort, freePorts } from './ports.js';
