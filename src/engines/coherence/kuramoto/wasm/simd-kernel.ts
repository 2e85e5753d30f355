/**
 * The SIMD kernel's JavaScript face: instantiates the generated module (./simd-module.ts) once
 * per kernel, writes the seed's initial state into its memory with the shared derivation
 * (../seed.ts) and runs it. Bit-identical to the reference kernel (tested); used by the miner
 * and the validator when WebAssembly SIMD is available, else the JavaScript fast kernel is.
 */
import { CoherenceError } from '../../errors.js';
import { initialState } from '../seed.js';
import type { FastRun } from '../fast-kernel.js';
import { CONST_AT, COS_AT, MAX_OSC, OMEGA_AT, R2_AT, SIN_AT, THETA_AT, UNROLL, simdKernelConstants, simdKernelModuleBytes } from './simd-module.js';

/**
 * The slice of the WebAssembly JS API used here, typed locally: the project compiles without the
 * DOM library, and @types/node declares no WebAssembly values.
 */
interface WasmModule {
  readonly __brand?: 'WasmModule';
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: object) => { readonly exports: unknown };
}
interface SimdExports {
  readonly run: (n: number, maxSteps: number, blockBytes: number, pairBytes: number, hasTail: number) => number;
  readonly mem: { readonly buffer: ArrayBuffer };
}

const wasmApi = (globalThis as unknown as { readonly WebAssembly?: WasmApi }).WebAssembly;
let compiled: WasmModule | null | undefined;

/** The compiled module, or null when this runtime has no WebAssembly SIMD. */
function module(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi === undefined ? null : new wasmApi.Module(simdKernelModuleBytes());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export function simdAvailable(): boolean {
  return module() !== null;
}

export class SimdKernel {
  readonly kind = 'wasm-simd' as const;
  /** The phases after the last run (a view into the module's memory, n doubles). */
  readonly phases: Float64Array;
  private readonly exports: SimdExports;
  private readonly theta: Float64Array;
  private readonly omega: Float64Array;
  private readonly r2View: Float64Array;
  private readonly cosView: Float64Array;
  private readonly sinView: Float64Array;
  private readonly blockBytes: number;
  private readonly pairBytes: number;
  private readonly hasTail: number;

  constructor(readonly n: number) {
    const m = module();
    if (m === null || wasmApi === undefined) throw new CoherenceError({ code: 'COHERENCE_NO_SIMD', reason: 'WebAssembly SIMD is unavailable in this runtime' });
    if (!Number.isInteger(n) || n < 1 || n > MAX_OSC - 1) throw new CoherenceError({ code: 'COHERENCE_BAD_PARAMS', field: 'n', reason: `oscillator count outside 1..${MAX_OSC - 1}` });
    this.exports = new wasmApi.Instance(m, {}).exports as unknown as SimdExports;
    const buf = this.exports.mem.buffer;
    const constants = simdKernelConstants();
    new Float64Array(buf, CONST_AT, constants.length).set(constants);
    this.theta = new Float64Array(buf, THETA_AT, MAX_OSC);
    this.omega = new Float64Array(buf, OMEGA_AT, MAX_OSC);
    this.r2View = new Float64Array(buf, R2_AT, 1);
    this.cosView = new Float64Array(buf, COS_AT, MAX_OSC);
    this.sinView = new Float64Array(buf, SIN_AT, MAX_OSC);
    this.phases = this.theta.subarray(0, n);
    const pairs = n >> 1;
    this.pairBytes = pairs * 16;
    this.blockBytes = (pairs - (pairs % UNROLL)) * 16;
    this.hasTail = n & 1;
  }

  run(seed: Uint8Array, maxSteps: number): FastRun {
    initialState(seed, this.n, this.theta, this.omega);
    // The dummy lane of an odd N: any finite values; they never reach a sum.
    this.theta[this.n] = 0;
    this.omega[this.n] = 0;
    const t = this.exports.run(this.n, maxSteps, this.blockBytes, this.pairBytes, this.hasTail);
    const r2 = this.r2View[0]!;
    return t >= 0 ? { success: true, t, r2 } : { success: false, t: maxSteps, r2 };
  }

  /** cos and sin of the given phases (each in [0, 2 pi)), through the module's own code path. */
  evaluate(phases: Float64Array): { readonly cos: Float64Array; readonly sin: Float64Array } {
    this.theta.set(phases.subarray(0, this.n));
    this.theta[this.n] = 0;
    this.exports.run(this.n, 0, this.blockBytes, this.pairBytes, this.hasTail);
    return { cos: this.cosView.slice(0, this.n), sin: this.sinView.slice(0, this.n) };
  }
}
