/**
 * The CPU cost model: microseconds of node CPU per operation an engine reports with `cost`
 * effects. The simulator charges the node's CPU: a node is busy from the moment it starts
 * handling an input until the charged work is done; its outgoing messages leave when the work
 * is done, and inputs that arrive meanwhile wait in its inbox (FIFO). So a leader verifying
 * 2f + 1 signatures per block really is slower at n = 100 than at n = 4.
 *
 * Figures ('measured'): single-threaded microbenchmarks on the development machine (AMD EPYC,
 * 2 vCPU shared with other jobs, Node v20.20.2, OpenSSL through node:crypto), best of 7 rounds
 * after warm-up (best: the least disturbed by other processes), 2026-11-23:
 *   sig-verify            107 us   node:crypto Ed25519 verify of a 32-byte message (106.5)
 *   sig-sign               34 us   node:crypto Ed25519 sign of a 32-byte message (34.1)
 *   hash                  0.9 us   SHA-256 of 64 bytes through node:crypto (0.87)
 *   tx-apply               12 us   ledger applyTransactions per transfer in a 1,000-transfer
 *                                  batch, state root included, signature verdict cached (the
 *                                  signature is charged separately as sig-verify); 11-14 us
 *   kuramoto-step         5.2 us   one mean-field Euler step, N = 63, with core/dmath sin/cos
 *                                  (measured by the simulator's first author; not re-measured
 *                                  here: the coherence engine owns that kernel)
 *   aggregate-component   0.5 us   ESTIMATE (not yet measured): one vector component of a
 *                                  robust aggregate (a sort-free median pass)
 * docs/SIMULATOR.md repeats them; bench/sim.bench.ts re-measures sign/verify/hash in every run,
 * so a reader can compare them with the machine at hand.
 * 'zero' charges nothing (pure protocol behaviour, and the fastest runs).
 */
import type { CostOp } from '../protocol/index.js';
import { badConfig } from './errors.js';

export type CostTable = Readonly<Record<CostOp, number>>;
export type CostModelName = 'measured' | 'zero';

export const MEASURED_COSTS_US: CostTable = Object.freeze({
  'sig-verify': 107,
  'sig-sign': 34,
  hash: 0.9,
  'tx-apply': 12,
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
