/**
 * Phase wrapping into [0, TWO_PI), deterministic and exact where it can be.
 *
 * One Euler step moves a phase by DT * |omega + K r sin(..)| <= 0.01 * (4.3 + 1.08) < 0.06:
 * |omega| <= 0.5 * sqrt(-2 ln 2^-53) ~ 4.29 is the largest value Box-Muller can draw from 53-bit
 * uniforms. So one correction always suffices:
 *  - x >= TWO_PI: x - TWO_PI is exact (Sterbenz: TWO_PI <= x <= 2 TWO_PI) and >= 0;
 *  - x < 0: x + TWO_PI is rounded and may round up to TWO_PI itself when x is within half an ulp
 *    of 0; that case maps to 0 (the same point of the circle), keeping the range half-open.
 * TWO_PI is the double nearest 2 pi (src/core/dmath), a consensus convention.
 */
import { dmath } from '../../../core/index.js';

const TWO_PI = dmath.TWO_PI;

export function wrapPhase(x: number): number {
  if (x >= TWO_PI) return x - TWO_PI;
  if (x < 0) {
    const y = x + TWO_PI;
    return y >= TWO_PI ? 0 : y;
  }
  return x;
}
