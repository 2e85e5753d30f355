/**
 * The measured world. Each epoch has a ground-truth state vector, the same for every node (it
 * is the world, not a node's view): truth_e = D uniforms in [0, 1) from a PRNG keyed by
 * SHA-256(tag || truthSeed || epoch). An honest node observes truth_e + N(0, noiseSd^2) per
 * component, drawn from its own seeded stream (EngineContext.rng), so runs are reproducible.
 * "Error" is then measurable: the distance of the finalized aggregate from truth_e, relative to
 * the honest spread noiseSd * sqrt(D) (the expected distance of one honest observation).
 */
import { Prng, taggedHash, u64be } from '../../core/index.js';

export function truthAt(truthSeed: number, epoch: number, dimension: number): number[] {
  const rng = Prng.fromKey(taggedHash('thermo/tt/truth', u64be(BigInt(truthSeed)), u64be(BigInt(epoch))));
  return Array.from({ length: dimension }, () => rng.nextFloat());
}

export function observe(truth: readonly number[], noiseSd: number, rng: Prng): number[] {
  return truth.map((x) => x + rng.nextNormal(0, noiseSd));
}

/** ||aggregate - truth|| / (noiseSd sqrt(D)); the absolute distance when noiseSd is 0. */
export function relativeError(aggregate: readonly number[], truth: readonly number[], noiseSd: number): number {
  let s = 0;
  for (let k = 0; k < truth.length; k++) {
    const d = aggregate[k]! - truth[k]!;
    s += d * d;
  }
  const spread = noiseSd * Math.sqrt(truth.length);
  return spread > 0 ? Math.sqrt(s) / spread : Math.sqrt(s);
}
