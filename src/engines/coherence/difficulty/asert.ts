/**
 * ASERT, the aserti3-2d difficulty algorithm of Bitcoin Cash (designed by Mark Lundeberg,
 * implemented by Jonathan Toomim; activated 15 November 2020; specification "ASERT Difficulty
 * Adjustment Algorithm (aserti3-2d)", bitcoincashnode.org upgrade specifications). Written here
 * from the specification, in BigInt integer arithmetic only:
 *
 *   exponent = ((timeDelta - ideal * (heightDelta + 1)) * 2^16) / halfLife   (truncated toward 0)
 *   shifts   = exponent >> 16   (floor),   frac = exponent - shifts * 2^16   (0 <= frac < 2^16)
 *   factor   = 2^16 + ((195766423245049 frac + 971821376 frac^2 + 5127 frac^3 + 2^47) >> 48)
 *              (a cubic fixed-point approximation of 2^16 * 2^(frac / 2^16))
 *   next     = (anchorTarget * factor) shifted left by `shifts` (right when negative), >> 16,
 *              then clamped to [1, powLimit].
 *
 * timeDelta = parent timestamp - the anchor's parent's timestamp, heightDelta = parent height -
 * anchor height. Thermo's anchor is the virtual genesis block: height 0, target initialTarget,
 * and its "parent" timestamp is genesisTime - ideal, so the first block gets exactly the initial
 * target. Times are milliseconds (the formula is unit-free as long as all three agree).
 */

const RADIX_BITS = 16n;
const RADIX = 1n << RADIX_BITS;

export interface AsertInput {
  readonly anchorTarget: bigint;
  readonly anchorHeight: number;
  readonly anchorParentTime: number;
  readonly idealBlockTime: number;
  readonly halfLife: number;
  readonly powLimit: bigint;
  /** The new block's parent. */
  readonly parentHeight: number;
  readonly parentTime: number;
}

export function asertTarget(x: AsertInput): bigint {
  const timeDelta = BigInt(x.parentTime) - BigInt(x.anchorParentTime);
  const heightDelta = BigInt(x.parentHeight - x.anchorHeight);
  // BigInt division truncates toward zero, as the specification's int64 division does.
  const exponent = ((timeDelta - BigInt(x.idealBlockTime) * (heightDelta + 1n)) * RADIX) / BigInt(x.halfLife);
  const shifts = exponent >> RADIX_BITS; // arithmetic shift: floor
  const frac = exponent - (shifts << RADIX_BITS);
  const factor = RADIX + ((195766423245049n * frac + 971821376n * frac * frac + 5127n * frac * frac * frac + (1n << 47n)) >> 48n);
  let next = x.anchorTarget * factor;
  next = shifts < 0n ? next >> -shifts : next << shifts;
  next >>= RADIX_BITS;
  if (next === 0n) return 1n;
  return next > x.powLimit ? x.powLimit : next;
}
