/**
 * A bounded cache of Ed25519 verdicts keyed by content (public key, signed bytes, signature).
 *
 * Why: in one simulated network the same signature is checked by many nodes (a vote by its
 * leader, then by every replica inside the QC). A verdict is a pure function of those three
 * byte strings, so computing it once per process is sound; every node is still charged the full
 * verification time by its `cost` effects, so the simulated CPU figures are unchanged. Only the
 * simulator's wall clock benefits. A real node gains where it meets a signature twice (a vote
 * when it arrives, then inside the QC that carries it).
 *
 * Keyed by SHA-256(public key || signature || message), as core's verify memo is (the two
 * fixed-length fields first: the concatenation is unambiguous), not by the three in hex: a vote's
 * hex key was ~400 characters, and 65,536 of them held ~30 MB of a devnet node's heap after a
 * few minutes (docs/NODE.md "Memory over minutes, not seconds"); a digest key holds ~8 MB.
 *
 * Bounded: at most VERDICT_CACHE_MAX entries, oldest evicted first (Map insertion order).
 */
import { sha256Concat, toHex, verify } from '../../core/index.js';

export const VERDICT_CACHE_MAX = 1 << 16;

/** Verdicts by content digest, at most `max`, the oldest forgotten first. */
export class VerdictCache {
  private readonly verdicts = new Map<string, boolean>();

  constructor(readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`verdict cache size must be a positive integer, got ${max}`);
  }

  get size(): number {
    return this.verdicts.size;
  }

  /** True when this exact (key, message, signature) has a verdict held. */
  has(key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    return this.verdicts.has(verdictId(key, message, signature));
  }

  verify(key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const id = verdictId(key, message, signature);
    const hit = this.verdicts.get(id);
    if (hit !== undefined) return hit;
    const ok = verify(key, message, signature);
    if (this.verdicts.size >= this.max) {
      const oldest = this.verdicts.keys().next().value;
      if (oldest !== undefined) this.verdicts.delete(oldest);
    }
    this.verdicts.set(id, ok);
    return ok;
  }
}

function verdictId(key: Uint8Array, message: Uint8Array, signature: Uint8Array): string {
  return toHex(sha256Concat(key, signature, message));
}

const shared = new VerdictCache(VERDICT_CACHE_MAX);

/** `verify`, through the process's one verdict cache. */
export function cachedVerify(key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return shared.verify(key, message, signature);
}
