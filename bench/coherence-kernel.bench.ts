/**
 * Kuramoto kernel benchmark, every kernel in one run on the same seeds:
 *   reference  src/engines/coherence/kuramoto/reference-kernel.ts (dmath sin/cos, two passes)
 *   fast-js    the fused single-pass JavaScript kernel (bit-identical to the reference)
 *   simd       the WebAssembly SIMD kernel (bit-identical; what the miner and validator use)
 *   naive      Math.sin/Math.cos, the obvious code (NOT bit-exact across engines; for scale)
 * For each kernel and preset: oscillator-steps per second (N x Euler steps), full 1000-step
 * attempts per second (= osc-steps/s / (N x 1000), the rate of nonces that never cohere) and
 * nonce attempts per second on the real mix of early successes and full failures, single
 * thread, best of ROUNDS (least disturbed by other processes; the kernels take turns round by
 * round). Ratios are against the reference.
 * Before timing, every kernel is checked to give the reference's t and r^2 on CHECK seeds
 * (the naive one is reported as agreeing or not, since its bits may differ).
 * Prints ONE JSON line: {"bench":"coherence-kernel","machine":{...},"results":{...}} (with the
 * load average at the end: the machine may be shared).
 * Run: npx tsx bench/coherence-kernel.bench.ts [--quick]
 */
import os from 'node:os';
import { sha256, u64be } from '../src/core/index.js';
import { FastKernel, SimdKernel, referenceKernel } from '../src/engines/coherence/index.js';
import { machineInfo } from './machine.js';
import { naiveKernel } from './coherence-naive-kernel.js';

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 2 : 8;
const ROUND_MS = QUICK ? 300 : 1000;
const CHECK = 40;
const PRESETS = [31, 63, 127] as const;
const SEEDS = Array.from({ length: 4096 }, (_, i) => sha256(u64be(BigInt(0xbe7c4 + i))));

type Run = (seed: Uint8Array, n: number) => { readonly success: boolean; readonly t: number; readonly r2: number };

function kernels(n: number): Record<string, Run> {
  const fast = new FastKernel(n);
  const simd = new SimdKernel(n);
  return {
    reference: (seed) => referenceKernel(seed, n, 1000),
    'fast-js': (seed) => fast.run(seed, 1000),
    simd: (seed) => simd.run(seed, 1000),
    naive: (seed) => naiveKernel(seed, n, 1000),
  };
}

interface Rate {
  readonly oscStepsPerSec: number;
  readonly fullAttemptsPerSec: number;
  readonly nonceAttemptsPerSec: number;
}

/** One timed round of `run`: the rates it achieved. */
function measureRound(run: Run, n: number, firstSeed: number): Rate {
  let steps = 0;
  let attempts = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    const out = run(SEEDS[(firstSeed + attempts) % SEEDS.length]!, n);
    steps += out.t;
    attempts++;
    elapsed = performance.now() - t0;
  }
  const osc = (steps * n) / (elapsed / 1000);
  return { oscStepsPerSec: osc, fullAttemptsPerSec: osc / (n * 1000), nonceAttemptsPerSec: attempts / (elapsed / 1000) };
}

/**
 * Best of ROUNDS per kernel, the kernels taking turns round by round, so that a burst of load
 * from other processes hits them alike instead of spoiling one kernel's whole measurement.
 */
function measureAll(ks: Record<string, Run>, n: number): Record<string, Rate> {
  const best: Record<string, Rate> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(ks)) {
      const r = measureRound(run, n, round * 997);
      if (best[name] === undefined || r.oscStepsPerSec > best[name]!.oscStepsPerSec) best[name] = r;
    }
  }
  return best;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

const results: Record<string, unknown> = {};
for (const n of PRESETS) {
  const ks = kernels(n);
  const agree: Record<string, boolean> = {};
  for (const [name, run] of Object.entries(ks)) {
    let same = true;
    for (let i = 0; i < CHECK; i++) {
      const ref = referenceKernel(SEEDS[i]!, n, 1000);
      const out = run(SEEDS[i]!, n);
      if (out.t !== ref.t || out.r2 !== ref.r2 || out.success !== ref.success) same = false;
    }
    agree[name] = same;
  }
  const rates = measureAll(ks, n);
  const ref = rates['reference']!.oscStepsPerSec;
  results[`N${n}`] = Object.fromEntries(
    Object.entries(rates).map(([name, r]) => [
      name,
      {
        bitIdenticalToReference: agree[name],
        MoscStepsPerSec: round3(r.oscStepsPerSec / 1e6),
        fullAttemptsPerSec: Math.round(r.fullAttemptsPerSec),
        nonceAttemptsPerSec: Math.round(r.nonceAttemptsPerSec),
        ratioToReference: round3(r.oscStepsPerSec / ref),
      },
    ]),
  );
}

const loadAverage = os.loadavg().map((x) => Math.round(x * 100) / 100);
console.log(JSON.stringify({ bench: 'coherence-kernel', machine: machineInfo(), loadAverageAtEnd: { load1: loadAverage[0], load5: loadAverage[1] }, rounds: ROUNDS, roundMs: ROUND_MS, results }));
