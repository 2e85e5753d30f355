/**
 * The load the devnet benchmark and the profiling diagnostics offer: one sender account per
 * 12 transfers/s (16-256), 256 recipients, at most 512 transfers outstanding. One definition so
 * a profile and a benchmark window measure the same traffic.
 */
import type { DevnetLayout } from '../src/node/index.js';

export interface DevnetLoadOptions {
  readonly nodes: readonly string[];
  readonly chainId: string;
  readonly tps: number;
  readonly senders: number;
  readonly recipients: number;
  readonly maxOutstanding: number;
}

export function devnetLoad(layout: Pick<DevnetLayout, 'nodes' | 'chainId'>, tps: number): DevnetLoadOptions {
  return {
    nodes: layout.nodes.map((n) => n.apiUrl),
    chainId: layout.chainId,
    tps,
    senders: Math.min(256, Math.max(16, Math.ceil(tps / 12))),
    recipients: 256,
    maxOutstanding: 512,
  };
}
