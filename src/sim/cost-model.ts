/**
 * The CPU cost model: microseconds of node CPU per operation an engine reports with `cost`
 * effects. The simulator charges the node's CPU: a node is busy from the moment it starts
 * handling an input until the charged work is done; its outgoing messages leave when the work
 * is done, and inputs that arrive meanwhile wait in its inbox (FIFO). So a leader verifying
 * 2f + 1 signatures per block really is slower at n = 100 than at n = 4.
 *
 * Figures ('measured'): single-threaded microbenchmarks on the development machine
 * (AMD EPYC, 2 vCPU, Node v20.20.2, OpenSSL through node:crypto), 5,000 to 100,000 iterations
 * after warm-up, median of two runs:
 *   sig-verify            107 us   node:crypto Ed25519 verify of a 32-byte message
 *   sig-sign               34 us   node:crypto Ed25519 sign of a 32-byte message
 *   hash                  1.3 us   SHA-256 of 64 bytes
 *   tx-apply               20 us   ledger applyTransactions per transfer, signature verdict
 *                                  cached (state reads, overlay, SMT batch update), 1,000 txs
 *   kuramoto-step         5.2 us   one mean-field Euler step, N = 63, with core/dmath sin/cos
 *   aggregate-component   0.5 us   ESTIMATE (not yet measured): one vector component of a
 *                                  robust aggregate (a sort-free median pass)
 * docs/SIMULATOR.md repeats them; bench/sim.bench.ts re-measures sign/verify/hash.
 * 'zero' charges nothing (pure protocol behaviour, and the fastest runs).
 */
import type { CostOp } from '../protocol/index.js';
import { badConfig } from './errors.js';

export type CostTable = Readonly<Record<CostOp, number>>;
export type CostModelName = 'measured' | 'zero';

export const MEASURED_COSTS_US: CostTable = Object.freeze({
  'sig-verify': 107,
  'sig-sign': 34,
  hash: 1.3,
  'tx-apply': 20,
  'kuramoto-step': 5.2,
  'aggregate-component': 0.5,
});

export const ZERO_COSTS_US: CostTable = Object.freeze({
  'sig-verify': 0,
  'sig-sign': 0,
  hash: 0,
  'tx-apply': 0,
  'kuramoto-step': 0,
  'aggregate-component': 0,
});

export const COST_OPS: readonly CostOp[] = Object.freeze(Object.keys(MEASURED_COSTS_US) as CostOp[]);

export function costTable(name: CostModelName): CostTable {
  if (name === 'measured') return MEASURED_COSTS_US;
  if (name === 'zero') return ZERO_COSTS_US;
  throw badConfig('costModel', `unknown cost model ${String(name)}`);
}

/** Microseconds for `count` operations of `op` (count must be a non-negative finite number). */
export function chargeUs(table: CostTable, op: CostOp, count: number): number {
  const per = table[op];
  if (per === undefined || !Number.isFinite(count) || count < 0) return 0;
  return per * count;
}
