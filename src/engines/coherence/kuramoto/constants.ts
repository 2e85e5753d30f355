/**
 * The fixed numbers of the Proof-of-Coherence Kuramoto system (DESIGN.md section 3). They are
 * consensus constants: changing one changes every block's validity.
 *
 * Kuramoto model (Kuramoto 1975, "Self-entrainment of a population of coupled non-linear
 * oscillators"): d theta_i / dt = omega_i + (K / N) sum_j sin(theta_j - theta_i), integrated here
 * in its mean-field form (Strogatz 2000, "From Kuramoto to Crawford", eq. 2.3):
 *   d theta_i / dt = omega_i + K r sin(psi - theta_i),   r e^{i psi} = (1/N) sum_j e^{i theta_j}.
 */

/** Oscillator counts a chain may choose (the design's presets). */
export const PRESETS = [31, 63, 127] as const;
export type Preset = (typeof PRESETS)[number];
export const DEFAULT_PRESET: Preset = 63;

/** The golden ratio phi = (1 + sqrt 5) / 2, as the correctly rounded double expression. */
export const PHI = (1 + Math.sqrt(5)) / 2;
/** Coupling K = 2 phi / 3 (the design's value): 1.0786893258332633. */
export const COUPLING = (2 * PHI) / 3;
/** Euler time step. */
export const DT = 0.01;
/** Most steps a miner may integrate before giving up on a nonce. */
export const MAX_STEPS = 1000;
/**
 * Coherence threshold z_c = sqrt(3)/2, tested as r^2 > 3/4 so no square root (and no rounding of
 * one) enters the decision. 0.75 is exact in binary.
 */
export const R2_THRESHOLD = 0.75;
export const Z_C = Math.sqrt(3) / 2;
/** Negentropy width sigma = 8 / sqrt(5) (design). */
export const SIGMA = 8 / Math.sqrt(5);
/** Standard deviation of the natural frequencies: omega_i ~ N(0, 0.5^2). */
export const OMEGA_SD = 0.5;
