/**
 * Digest of the final phases, committed in the header next to t and r:
 *   digest = taggedHash('thermo/coherence/phases', f64be(theta_0) || ... || f64be(theta_{N-1}))
 * Doubles enter the hash as their big-endian IEEE-754 bits (docs/ARCHITECTURE.md), so two
 * kernels agree on the digest exactly when they agree on every bit of every phase.
 */
import { taggedHash } from '../../../core/index.js';

export const PHASES_TAG = 'thermo/coherence/phases';

export function phasesBytes(phases: Float64Array): Uint8Array {
  const out = new Uint8Array(phases.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < phases.length; i++) view.setFloat64(8 * i, phases[i]!, false);
  return out;
}

export function phasesDigest(phases: Float64Array): Uint8Array {
  return taggedHash(PHASES_TAG, phasesBytes(phases));
}
