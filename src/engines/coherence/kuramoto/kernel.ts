/**
 * The kernel the engine uses: the WebAssembly SIMD kernel where the runtime has it, else the
 * JavaScript fast kernel. Both are bit-identical to the reference (tested), so the choice is a
 * local matter and never a consensus one.
 *
 * `replay` is the validator's entry point. It memoises recent replays by (seed, N, steps):
 * validity of a (header, t) pair is a pure function, and in the simulator a hundred nodes
 * validate the same block; the memo is bounded (REPLAY_CACHE_MAX, oldest evicted first), the
 * same idea as a signature-verification cache. The CPU cost model is still charged for every
 * node's replay (the engine's `cost` effect), so simulated validation time is unaffected.
 */
import { toHex } from '../../../core/index.js';
import { FastKernel } from './fast-kernel.js';
import type { FastRun } from './fast-kernel.js';
import { phasesDigest } from './digest.js';
import { SimdKernel, simdAvailable } from './wasm/simd-kernel.js';

export type KernelKind = 'wasm-simd' | 'js';

export interface KernelRunner {
  readonly kind: KernelKind;
  readonly n: number;
  /** Phases after the last run (valid until the next run). */
  readonly phases: Float64Array;
  run(seed: Uint8Array, maxSteps: number): FastRun;
  evaluate(phases: Float64Array): { readonly cos: Float64Array; readonly sin: Float64Array };
}

/** A new runner for N oscillators (one per thread; not reentrant). */
export function createKernel(n: number, prefer: KernelKind | 'auto' = 'auto'): KernelRunner {
  if (prefer !== 'js' && simdAvailable()) return new SimdKernel(n);
  return new FastKernel(n);
}

const shared = new Map<number, KernelRunner>();

/** The module's shared runner for N (the engine is single-threaded). */
export function sharedKernel(n: number): KernelRunner {
  let k = shared.get(n);
  if (k === undefined) {
    k = createKernel(n);
    shared.set(n, k);
  }
  return k;
}

export interface Replay {
  readonly success: boolean;
  readonly t: number;
  readonly r2: number;
  /** sqrt(r2), correctly rounded: the value a header commits. */
  readonly r: number;
  readonly digest: Uint8Array;
}

export const REPLAY_CACHE_MAX = 4096;
const replays = new Map<string, Replay>();

/** Runs the seed's system for at most `maxSteps` steps (memoised). */
export function replay(seed: Uint8Array, n: number, maxSteps: number): Replay {
  const key = `${toHex(seed)}/${n}/${maxSteps}`;
  const hit = replays.get(key);
  if (hit !== undefined) return hit;
  const k = sharedKernel(n);
  const out = k.run(seed, maxSteps);
  const result: Replay = Object.freeze({ success: out.success, t: out.t, r2: out.r2, r: Math.sqrt(out.r2), digest: phasesDigest(k.phases) });
  replays.set(key, result);
  if (replays.size > REPLAY_CACHE_MAX) {
    const oldest = replays.keys().next();
    if (!oldest.done) replays.delete(oldest.value);
  }
  return result;
}
