/**
 * Benchmark of src/core/dmath against the engine's Math.* in the same run:
 * - throughput (calls per second) of dmath sin/cos/exp/log and of Math.sin/cos/exp/log on the
 *   same inputs, and the ratio dmath / Math (1 = as fast, 0.5 = half as fast);
 * - sincos (one reduction) against separate dmath sin + cos, in pairs per second;
 * - the maximum distance in ulp from Math.* over 1M fixed pseudo-random inputs per function and
 *   range (V8's Math.* are fdlibm ports, within 1 ulp of the true value).
 * Prints ONE JSON line: {"bench":"dmath","machine":{...},"results":{...}}.
 * Run: npx tsx bench/dmath.bench.ts
 */
import { cos, exp, log, sin, sincos, TWO_PI } from '../src/core/dmath/index.js';
import { ulpDistance } from '../src/core/dmath/float-bits.js';
import { machineInfo } from './machine.js';

type Fn = (x: number) => number;

const N = 1_000_000;
const ROUNDS = 5;

/** xorshift32 (Marsaglia 2003), 53-bit uniforms in [0, 1): the same inputs on every run. */
function sampler(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const next32 = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

function inputs(n: number, seed: number, draw: (u: () => number) => number): Float64Array {
  const u = sampler(seed);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = draw(u);
  return xs;
}

/** |x| log-uniform in [2^e0, 2^e1), random sign. */
const logUniform = (e0: number, e1: number, signed: boolean) => (u: () => number): number => {
  const x = (1 + u()) * 2 ** Math.floor(e0 + (e1 - e0) * u());
  return signed && u() < 0.5 ? -x : x;
};

/** Sum of every timed result (infinities included, so it may end as NaN): keeps loops live. */
let sink = 0;

/** Best-of-ROUNDS calls per second of f over xs (best: least disturbed by other processes). */
function throughput(f: Fn, xs: Float64Array): number {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    let acc = 0;
    for (let i = 0; i < xs.length; i++) acc += f(xs[i]!);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    sink += acc;
    if (dt < best) best = dt;
  }
  return xs.length / best;
}

function pairsPerSecond(xs: Float64Array, fused: boolean): number {
  const out = new Float64Array(2);
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    let acc = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      if (fused) {
        sincos(x, out, 0);
        acc += out[0]! + out[1]!;
      } else {
        acc += sin(x) + cos(x);
      }
    }
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    sink += acc;
    if (dt < best) best = dt;
  }
  return xs.length / best;
}

function maxUlp(f: Fn, g: Fn, xs: Float64Array): { maxUlp: number; worstInput: number } {
  let max = 0;
  let worst = NaN;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const d = ulpDistance(f(x), g(x));
    if (d > max) {
      max = d;
      worst = x;
    }
  }
  return { maxUlp: max, worstInput: worst };
}

interface Case {
  readonly name: string;
  readonly range: string;
  readonly ours: Fn;
  readonly reference: Fn;
  readonly xs: Float64Array;
}

const cases: Case[] = [
  { name: 'sin', range: '[0, 2pi)', ours: sin, reference: Math.sin, xs: inputs(N, 1, (u) => TWO_PI * u()) },
  { name: 'sin', range: '|x| log-uniform in [2^-30, 2^20)', ours: sin, reference: Math.sin, xs: inputs(N, 2, logUniform(-30, 20, true)) },
  { name: 'sin', range: '|x| log-uniform in [2^20, 2^1024) (BigInt reduction)', ours: sin, reference: Math.sin, xs: inputs(N / 20, 3, logUniform(20, 1024, true)) },
  { name: 'cos', range: '[0, 2pi)', ours: cos, reference: Math.cos, xs: inputs(N, 4, (u) => TWO_PI * u()) },
  { name: 'cos', range: '|x| log-uniform in [2^-30, 2^20)', ours: cos, reference: Math.cos, xs: inputs(N, 5, logUniform(-30, 20, true)) },
  { name: 'cos', range: '|x| log-uniform in [2^20, 2^1024) (BigInt reduction)', ours: cos, reference: Math.cos, xs: inputs(N / 20, 6, logUniform(20, 1024, true)) },
  { name: 'exp', range: '[-745.2, 709.8]', ours: exp, reference: Math.exp, xs: inputs(N, 7, (u) => -745.2 + 1455 * u()) },
  { name: 'exp', range: '[-2, 2]', ours: exp, reference: Math.exp, xs: inputs(N, 8, (u) => 4 * u() - 2) },
  { name: 'log', range: 'log-uniform over all positive doubles (subnormals included)', ours: log, reference: Math.log, xs: inputs(N, 9, logUniform(-1074, 1024, false)) },
  { name: 'log', range: '[0.5, 2]', ours: log, reference: Math.log, xs: inputs(N, 10, (u) => 0.5 + 1.5 * u()) },
];

const results: Record<string, unknown> = {};
for (const c of cases) {
  // Warm both up on the same inputs so neither pays for JIT compilation in the timed rounds.
  throughput(c.ours, c.xs.subarray(0, 10_000));
  throughput(c.reference, c.xs.subarray(0, 10_000));
  const dmathOpsPerSec = throughput(c.ours, c.xs);
  const mathOpsPerSec = throughput(c.reference, c.xs);
  results[`${c.name} ${c.range}`] = {
    samples: c.xs.length,
    dmathOpsPerSec: Math.round(dmathOpsPerSec),
    mathOpsPerSec: Math.round(mathOpsPerSec),
    ratio: Number((dmathOpsPerSec / mathOpsPerSec).toFixed(3)),
    ...maxUlp(c.ours, c.reference, c.xs),
  };
}

const phases = inputs(N, 12, (u) => TWO_PI * u());
pairsPerSecond(phases.subarray(0, 10_000), true);
pairsPerSecond(phases.subarray(0, 10_000), false);
const fused = pairsPerSecond(phases, true);
const separate = pairsPerSecond(phases, false);
results['sincos [0, 2pi)'] = {
  samples: N,
  sincosPairsPerSec: Math.round(fused),
  sinPlusCosPairsPerSec: Math.round(separate),
  ratio: Number((fused / separate).toFixed(3)),
};

// Read the accumulated results once so that no engine may treat the timed loops as dead code.
if (sink === 0.5) console.error('improbable checksum');
console.log(JSON.stringify({ bench: 'dmath', machine: machineInfo(), results }));
