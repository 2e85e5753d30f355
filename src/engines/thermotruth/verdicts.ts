/**
 * A bounded cache of Ed25519 verdicts keyed by content (public key, signed bytes, signature).
 *
 * Why: in one simulated network the same signature is checked by many nodes (a vote by its
 * leader, then by every replica inside the QC). A verdict is a pure function of those three
 * byte strings, so computing it once per process is sound; every node is still charged the full
 * verification time by its `cost` effects, so the simulated CPU figures are unchanged. Only the
 * simulator's wall clock benefits. A real node holds its own instance and gains little.
 *
 * Bounded: at most VERDICT_CACHE_MAX entries, oldest evicted first (Map insertion order).
 */
import { toHex, verify } from '../../core/index.js';

export const VERDICT_CACHE_MAX = 1 << 16;

const verdicts = new Map<string, boolean>();

export function cachedVerify(key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const id = toHex(signature) + toHex(key) + toHex(message);
  const hit = verdicts.get(id);
  if (hit !== undefined) return hit;
  const ok = verify(key, message, signature);
  if (verdicts.size >= VERDICT_CACHE_MAX) {
    const oldest = verdicts.keys().next().value;
    if (oldest !== undefined) verdicts.delete(oldest);
  }
  verdicts.set(id, ok);
  return ok;
}
