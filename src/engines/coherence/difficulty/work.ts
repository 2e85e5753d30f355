/**
 * Block work: the expected number of header hashes needed to find a hash <= target, as Bitcoin
 * Core's GetBlockProof: floor(2^256 / (target + 1)). Fork choice sums it (most cumulative work).
 */
import { TWO_256 } from '../params.js';

export function blockWork(target: bigint): bigint {
  return TWO_256 / (target + 1n);
}
