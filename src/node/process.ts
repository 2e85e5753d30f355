/**
 * Running a node as the whole process (`thermo node`): start it, print one machine-readable
 * ready line on stdout for supervisors (`thermo-node ready {json}`), stop cleanly on SIGINT /
 * SIGTERM (API closed, writes flushed, store closed), exit 70 if the executor fails (the
 * supervisor or operator restarts it; the store brings it back).
 */
import type { NodeConfig } from './config.js';
import { ThermoNode } from './node.js';
import type { NodeOptions } from './node.js';

export const READY_PREFIX = 'thermo-node ready ';

export async function runNodeProcess(config: NodeConfig, options: NodeOptions = {}): Promise<ThermoNode> {
  const node = await ThermoNode.start(config, options);
  const info = { api: node.apiUrl, peerId: node.network.peerId, addresses: node.network.addresses(), validator: node.self, chainId: node.chainId };
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(info)}\n`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    node.log.info({ signal }, 'shutting down');
    void node.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return node;
}
