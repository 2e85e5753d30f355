/**
 * The seeded PRNG: xoshiro128** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 2021; reference C at prng.di.unimi.it). 32-bit integer arithmetic only
 * (Math.imul, shifts, xor), so every JS engine produces the same stream.
 *
 * Keying: a Prng is built from a 32-byte key (usually a SHA-256 output). The state words are the
 * first four big-endian u32 of the key; an all-zero state (probability 2^-128) is replaced by
 * (1, 0, 0, 0) because xoshiro's all-zero state is a fixed point.
 *
 * Derived streams: `derive(label)` keys a child with SHA-256(tag || key || label), independent of
 * how much the parent has consumed, so per-node streams in the simulator do not shift when one
 * node draws more numbers.
 *
 * Floats: `nextFloat()` is 53 random bits / 2^53, exactly representable, in [0, 1).
 * Normals: Box-Muller with src/core/dmath, consuming exactly two uniforms per call.
 */
import { readU32be, u64be, utf8 } from './bytes.js';
import { taggedHash } from './crypto/index.js';
import { cos, log } from './dmath/index.js';
import { ThermoError } from './errors.js';

export type PrngErrorType = { code: 'PRNG_BAD_KEY'; length: number } | { code: 'PRNG_BAD_BOUND'; bound: number };

export class PrngError extends ThermoError<PrngErrorType> {}

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
// 2*pi rounded to the nearest double (0x401921FB54442D18).
const TWO_PI = 6.283185307179586;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(readonly key: Uint8Array) {
    this.s0 = readU32be(key, 0) | 0;
    this.s1 = readU32be(key, 4) | 0;
    this.s2 = readU32be(key, 8) | 0;
    this.s3 = readU32be(key, 12) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator keyed by a 32-byte key (for example SHA-256(header || nonce)). */
  static fromKey(key: Uint8Array): Prng {
    if (key.length !== 32) throw new PrngError({ code: 'PRNG_BAD_KEY', length: key.length });
    return new Prng(Uint8Array.from(key));
  }

  /** A generator from a small integer seed, for simulations and tests. */
  static fromSeed(seed: number | bigint): Prng {
    return new Prng(taggedHash('thermo/prng/seed', u64be(BigInt(seed))));
  }

  /** An independent child stream, named by `label`. */
  derive(label: string): Prng {
    return new Prng(taggedHash('thermo/prng/derive', this.key, utf8(label)));
  }

  /** The next 32 random bits as an unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * TWO_POW_26 + lo) / TWO_POW_53;
  }

  /** Uniform integer in [0, bound), unbiased (rejection sampling). 1 <= bound <= 2^32. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 4294967296) throw new PrngError({ code: 'PRNG_BAD_BOUND', bound });
    const limit = 4294967296 - (4294967296 % bound);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % bound;
    }
  }

  /** True with probability p (p outside [0, 1] is clamped). */
  nextBool(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** Normal(mean, sd^2) by Box-Muller: z = sqrt(-2 ln u1) cos(2 pi u2), u1 in (0, 1]. */
  nextNormal(mean = 0, sd = 1): number {
    const u1 = 1 - this.nextFloat();
    const u2 = this.nextFloat();
    return mean + sd * Math.sqrt(-2 * log(u1)) * cos(TWO_PI * u2);
  }

  /** Exponential with the given mean (inverse CDF with dmath log). */
  nextExponential(mean: number): number {
    return -mean * log(1 - this.nextFloat());
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }
}
