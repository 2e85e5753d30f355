/**
 * Generates the WebAssembly module of the SIMD Kuramoto kernel: the fast kernel's arithmetic
 * (../fast-kernel.ts, itself the reference kernel's arithmetic) on two oscillators per f64x2
 * vector. WebAssembly f64 and f64x2 operations are IEEE-754 binary64 with round-to-nearest-even
 * and never fused (no FMA outside the relaxed-SIMD proposal, which is not used), so every lane
 * rounds exactly as the scalar JavaScript does. Branches of the scalar code become lane masks
 * and `v128.bitselect`.
 *
 * Speed: one pair's sin/cos is a long chain of dependent operations (Horner polynomials cannot
 * be reordered without changing the rounding), so a loop over single pairs is latency-bound.
 * The generator therefore interleaves UNROLL independent pairs statement by statement, giving
 * the CPU independent work to overlap (measured in bench/coherence-kernel.bench.ts).
 *
 * Summation order: the sums of cos and sin are built by extracting lane 0 then lane 1 of each
 * pair, pairs in index order, into a scalar accumulator: index order 0, 1, 2, ..., exactly as
 * the reference. An odd N leaves a dummy oscillator in the last pair's lane 1; its values are
 * computed (lanes are independent) and never added.
 *
 * Memory layout (one 64 KiB page, byte offsets): R2_AT: r^2 of the last step evaluated;
 * THETA_AT, OMEGA_AT, COS_AT, SIN_AT: four arrays of MAX_OSC doubles; CONST_AT: the constant
 * table (simdKernelConstants()), written by the loader.
 *
 * Exported function run(n, maxSteps, blockBytes, pairBytes, hasTail) -> t (success) or -1 (gave
 * up at maxSteps); blockBytes = bytes covered by whole UNROLL-pair blocks, pairBytes = bytes
 * covered by whole pairs. Phases are left in memory.
 */
import { ByteWriter, F64, I32, V128 } from './bytes.js';
import type { ValType } from './bytes.js';
import { BLOCK_VOID, OP, SIMD } from './ops.js';
import { COUPLING, DT, R2_THRESHOLD } from '../constants.js';
import { dmath } from '../../../../core/index.js';

export const MAX_OSC = 128;
/** Pairs interleaved per loop iteration. */
export const UNROLL = 2;
export const R2_AT = 0;
export const THETA_AT = 64;
export const OMEGA_AT = THETA_AT + MAX_OSC * 8;
export const COS_AT = OMEGA_AT + MAX_OSC * 8;
export const SIN_AT = COS_AT + MAX_OSC * 8;
export const CONST_AT = SIN_AT + MAX_OSC * 8;

// dmath / fdlibm constants (see ../fast-kernel.ts for their provenance).
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;
const PIO4 = 0.7853981633974483;
const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417;
const PIO2_2 = 6.0771005063039659766e-11;
const PIO2_3 = 2.0222662487111664558e-21;
const PIO2_3T = 8.47842766036889956997e-32;
const TWO_PI = dmath.TWO_PI;

// ---- locals: 5 i32 params, then scalars, then per-unit v128 sets ----
const P_N = 0;
const P_MAX = 1;
const P_BLOCK = 2;
const P_PAIRS = 3;
const P_TAIL = 4;
const OFF = 5;
const T = 6;
const SUM_C = 7;
const SUM_S = 8;
const CC = 9;
const SS = 10;
const R2 = 11;
const NF = 12;
const CV = 13;
const SV = 14;
const SCALAR_LOCALS: readonly ValType[] = [I32, I32, F64, F64, F64, F64, F64, F64, V128, V128];
const FIRST_UNIT_LOCAL = 15;
const UNIT_NAMES = ['x', 'fn', 'r', 'w', 'y0', 'y1', 'z', 'v3', 'rs', 'ks', 'kc', 'sn', 'cs', 't2', 'need', 'tmp', 'fl', 'spare'] as const;
type UnitLocals = { readonly [K in (typeof UNIT_NAMES)[number]]: number };
function unitLocals(u: number): UnitLocals {
  const base = FIRST_UNIT_LOCAL + u * UNIT_NAMES.length;
  return Object.fromEntries(UNIT_NAMES.map((name, i) => [name, base + i])) as UnitLocals;
}
const UNITS: readonly UnitLocals[] = Array.from({ length: UNROLL }, (_, u) => unitLocals(u));

// ---- a tiny expression language: each Expr pushes one value ----
type Expr = (w: ByteWriter) => void;
const simd = (w: ByteWriter, op: number): void => {
  w.byte(OP.simd).u32(op);
};
const get =
  (l: number): Expr =>
  (w) => {
    w.byte(OP.localGet).u32(l);
  };

// Constants are read from a table in linear memory (CONST_AT), written once by the loader.
const constSlots = new Map<string, { readonly slot: number; readonly value: number }>();
const k =
  (x: number): Expr =>
  (w) => {
    const key = Object.is(x, -0) ? '-0' : String(x);
    let entry = constSlots.get(key);
    if (entry === undefined) {
      entry = { slot: constSlots.size, value: x };
      constSlots.set(key, entry);
    }
    w.byte(OP.i32Const).s32(0);
    simd(w, SIMD.v128Load);
    w.u32(4).u32(CONST_AT + 16 * entry.slot);
  };
const bin =
  (op: number) =>
  (a: Expr, b: Expr): Expr =>
  (w) => {
    a(w);
    b(w);
    simd(w, op);
  };
const un =
  (op: number) =>
  (a: Expr): Expr =>
  (w) => {
    a(w);
    simd(w, op);
  };
const add = bin(SIMD.f64x2Add);
const sub = bin(SIMD.f64x2Sub);
const mul = bin(SIMD.f64x2Mul);
const lt = bin(SIMD.f64x2Lt);
const le = bin(SIMD.f64x2Le);
const ge = bin(SIMD.f64x2Ge);
const eq = bin(SIMD.f64x2Eq);
const and = bin(SIMD.v128And);
const or = bin(SIMD.v128Or);
const xor = bin(SIMD.v128Xor);
/** a & ~b */
const andNot = bin(SIMD.v128AndNot);
const floor = un(SIMD.f64x2Floor);
/** mask ? a : b, per bit. */
const select =
  (a: Expr, b: Expr, mask: Expr): Expr =>
  (w) => {
    a(w);
    b(w);
    mask(w);
    simd(w, SIMD.v128Bitselect);
  };
/** The pair at OFF + delta in the array at `base`. */
const load =
  (base: number, delta: number): Expr =>
  (w) => {
    w.byte(OP.localGet).u32(OFF);
    simd(w, SIMD.v128Load);
    w.u32(4).u32(base + delta);
  };
const setL = (w: ByteWriter, l: number, e: Expr): void => {
  e(w);
  w.byte(OP.localSet).u32(l);
};
const store = (w: ByteWriter, base: number, delta: number, e: Expr): void => {
  w.byte(OP.localGet).u32(OFF);
  e(w);
  simd(w, SIMD.v128Store);
  w.u32(4).u32(base + delta);
};
/** scalar: acc = acc + lane(vec, i) */
const accumulate = (w: ByteWriter, acc: number, vec: number, lane: number): void => {
  w.byte(OP.localGet).u32(acc);
  w.byte(OP.localGet).u32(vec);
  simd(w, SIMD.f64x2ExtractLane);
  w.byte(lane);
  w.byte(OP.f64Add);
  w.byte(OP.localSet).u32(acc);
};

/** One statement of the per-pair program, for unit L at memory delta d. */
type Stmt = (w: ByteWriter, L: UnitLocals, d: number) => void;

const UPDATE: readonly Stmt[] = [
  // x = theta + DT * (omega + K * (S*c - C*s))
  (w, L, d) =>
    setL(w, L.x, add(load(THETA_AT, d), mul(k(DT), add(load(OMEGA_AT, d), mul(k(COUPLING), sub(mul(get(SV), load(COS_AT, d)), mul(get(CV), load(SIN_AT, d)))))))),
  // wrap (../wrap.ts): x >= 2pi -> x - 2pi; x < 0 -> x + 2pi, and that == 2pi -> 0
  (w, L) => setL(w, L.tmp, add(get(L.x), k(TWO_PI))),
  (w, L) => setL(w, L.tmp, andNot(get(L.tmp), ge(get(L.tmp), k(TWO_PI)))),
  (w, L) => setL(w, L.spare, lt(get(L.x), k(0))),
  (w, L) => setL(w, L.x, select(sub(get(L.x), k(TWO_PI)), get(L.x), ge(get(L.x), k(TWO_PI)))),
  (w, L) => setL(w, L.x, select(get(L.tmp), get(L.x), get(L.spare))),
  (w, L, d) => store(w, THETA_AT, d, get(L.x)),
];

const LOAD: readonly Stmt[] = [(w, L, d) => setL(w, L.x, load(THETA_AT, d))];

const neg = (e: Expr): Expr => xor(e, k(-0)); // exact unary minus: flip the sign bit

/**
 * dmath's reduce() (src/core/dmath/sin-cos.ts): fn = floor(x 2/pi + 1/2), forced to 0 for
 * x <= pi/4 (where dmath skips the reduction: with fn = 0 the steps below return y0 = x and
 * y1 = +0 exactly, the same as skipping); then x - fn pi/2 in three parts with TwoSum error
 * terms, renormalised into y0 + y1. Straight-line code: no lane ever branches.
 */
const REDUCE: readonly Stmt[] = [
  (w, L) => setL(w, L.fn, andNot(floor(add(mul(get(L.x), k(INV_PIO2)), k(0.5))), le(get(L.x), k(PIO4)))),
  (w, L) => setL(w, L.r, sub(get(L.x), mul(get(L.fn), k(PIO2_1)))), // a
  (w, L) => setL(w, L.w, mul(get(L.fn), k(PIO2_2))), // b
  (w, L) => setL(w, L.t2, sub(get(L.r), get(L.w))), // s1 = a - b
  (w, L) => setL(w, L.fl, sub(get(L.t2), get(L.r))), // bb1 = s1 - a
  (w, L) => setL(w, L.need, add(sub(get(L.r), sub(get(L.t2), get(L.fl))), sub(neg(get(L.w)), get(L.fl)))), // e1
  (w, L) => setL(w, L.spare, mul(get(L.fn), k(PIO2_3))), // c
  (w, L) => setL(w, L.y0, sub(get(L.t2), get(L.spare))), // s2 = s1 - c
  (w, L) => setL(w, L.fl, sub(get(L.y0), get(L.t2))), // bb2 = s2 - s1
  (w, L) => setL(w, L.tmp, add(sub(get(L.t2), sub(get(L.y0), get(L.fl))), sub(neg(get(L.spare)), get(L.fl)))), // e2
  (w, L) => setL(w, L.tmp, sub(add(get(L.need), get(L.tmp)), mul(get(L.fn), k(PIO2_3T)))), // t
  (w, L) => setL(w, L.r, get(L.y0)), // keep s2
  (w, L) => setL(w, L.y0, add(get(L.r), get(L.tmp))), // hi = s2 + t
  (w, L) => setL(w, L.y1, sub(get(L.tmp), sub(get(L.y0), get(L.r)))), // lo = t - (hi - s2)
];

const KERNELS: readonly Stmt[] = [
  (w, L) => setL(w, L.z, mul(get(L.y0), get(L.y0))),
  (w, L) => setL(w, L.v3, mul(get(L.z), get(L.y0))),
  (w, L) => setL(w, L.rs, add(k(S2), mul(get(L.z), add(k(S3), mul(get(L.z), add(k(S4), mul(get(L.z), add(k(S5), mul(get(L.z), k(S6)))))))))),
  // sin kernel: tail-free form when y1 == 0, else fdlibm's tail form
  (w, L) =>
    setL(
      w,
      L.ks,
      select(
        add(get(L.y0), mul(get(L.v3), add(k(S1), mul(get(L.z), get(L.rs))))),
        sub(get(L.y0), sub(sub(mul(get(L.z), sub(mul(k(0.5), get(L.y1)), mul(get(L.v3), get(L.rs)))), get(L.y1)), mul(get(L.v3), k(S1)))),
        eq(get(L.y1), k(0)),
      ),
    ),
  (w, L) =>
    setL(w, L.rs, mul(get(L.z), add(k(C1), mul(get(L.z), add(k(C2), mul(get(L.z), add(k(C3), mul(get(L.z), add(k(C4), mul(get(L.z), add(k(C5), mul(get(L.z), k(C6))))))))))))),
  (w, L) => setL(w, L.tmp, mul(k(0.5), get(L.z))), // hz
  (w, L) => setL(w, L.spare, sub(k(1), get(L.tmp))), // w = 1 - hz
  (w, L) => setL(w, L.kc, add(get(L.spare), add(sub(sub(k(1), get(L.spare)), get(L.tmp)), sub(mul(get(L.z), get(L.rs)), mul(get(L.y0), get(L.y1)))))),
  // quadrant q = fn mod 4 (fn in 0..4): odd q swaps sin and cos; q in {2,3} negates sin; q in {1,2}
  // negates cos. Negation = flipping the sign bit, exactly JavaScript's unary minus.
  (w, L) => setL(w, L.tmp, or(eq(get(L.fn), k(1)), eq(get(L.fn), k(3)))),
  (w, L) => setL(w, L.sn, xor(select(get(L.kc), get(L.ks), get(L.tmp)), and(or(eq(get(L.fn), k(2)), eq(get(L.fn), k(3))), k(-0)))),
  (w, L) => setL(w, L.cs, xor(select(get(L.ks), get(L.kc), get(L.tmp)), and(or(eq(get(L.fn), k(1)), eq(get(L.fn), k(2))), k(-0)))),
  (w, L, d) => store(w, COS_AT, d, get(L.cs)),
  (w, L, d) => store(w, SIN_AT, d, get(L.sn)),
];

/** Runs each statement for every unit before the next statement: interleaved, independent work. */
function emitStmts(w: ByteWriter, stmts: readonly Stmt[], units: number): void {
  for (const st of stmts) for (let u = 0; u < units; u++) st(w, UNITS[u]!, 16 * u);
}

/** Emits `units` consecutive pairs starting at byte offset OFF; `lastLanes` lanes of the last pair count. */
function emitPairs(w: ByteWriter, update: boolean, units: number, lastLanes: 1 | 2): void {
  emitStmts(w, update ? UPDATE : LOAD, units);
  emitStmts(w, REDUCE, units);
  emitStmts(w, KERNELS, units);
  for (let u = 0; u < units; u++) {
    const L = UNITS[u]!;
    const lanes = u === units - 1 ? lastLanes : 2;
    accumulate(w, SUM_C, L.cs, 0);
    accumulate(w, SUM_S, L.sn, 0);
    if (lanes === 2) {
      accumulate(w, SUM_C, L.cs, 1);
      accumulate(w, SUM_S, L.sn, 1);
    }
  }
}

/** `while (OFF < limit) { body; OFF += step }` */
function emitLoop(w: ByteWriter, limitLocal: number, step: number, body: () => void): void {
  w.byte(OP.block).byte(BLOCK_VOID);
  w.byte(OP.loop).byte(BLOCK_VOID);
  w.byte(OP.localGet).u32(OFF).byte(OP.localGet).u32(limitLocal).byte(OP.i32GeS).byte(OP.brIf).u32(1);
  body();
  w.byte(OP.localGet).u32(OFF).byte(OP.i32Const).s32(step).byte(OP.i32Add).byte(OP.localSet).u32(OFF);
  w.byte(OP.br).u32(0);
  w.byte(OP.end);
  w.byte(OP.end);
}

/** The pass over all oscillators: UNROLL-pair blocks, then single pairs, then the odd tail. */
function emitPass(w: ByteWriter, update: boolean): void {
  w.byte(OP.i32Const).s32(0).byte(OP.localSet).u32(OFF);
  w.byte(OP.f64Const).f64(0).byte(OP.localSet).u32(SUM_C);
  w.byte(OP.f64Const).f64(0).byte(OP.localSet).u32(SUM_S);
  emitLoop(w, P_BLOCK, 16 * UNROLL, () => emitPairs(w, update, UNROLL, 2));
  emitLoop(w, P_PAIRS, 16, () => emitPairs(w, update, 1, 2));
  w.byte(OP.localGet).u32(P_TAIL).byte(OP.if).byte(BLOCK_VOID);
  emitPairs(w, update, 1, 1);
  w.byte(OP.end);
}

function emitRun(w: ByteWriter): void {
  w.byte(OP.localGet).u32(P_N).byte(OP.f64ConvertI32S).byte(OP.localSet).u32(NF);
  emitPass(w, false);
  w.byte(OP.i32Const).s32(0).byte(OP.localSet).u32(T);
  w.byte(OP.loop).byte(BLOCK_VOID);
  // C = sumC / n; S = sumS / n; r2 = C*C + S*S
  w.byte(OP.localGet).u32(SUM_C).byte(OP.localGet).u32(NF).byte(OP.f64Div).byte(OP.localSet).u32(CC);
  w.byte(OP.localGet).u32(SUM_S).byte(OP.localGet).u32(NF).byte(OP.f64Div).byte(OP.localSet).u32(SS);
  w.byte(OP.localGet).u32(CC).byte(OP.localGet).u32(CC).byte(OP.f64Mul);
  w.byte(OP.localGet).u32(SS).byte(OP.localGet).u32(SS).byte(OP.f64Mul);
  w.byte(OP.f64Add).byte(OP.localSet).u32(R2);
  w.byte(OP.i32Const).s32(0).byte(OP.localGet).u32(R2).byte(OP.f64Store).u32(3).u32(R2_AT);
  w.byte(OP.localGet).u32(R2).byte(OP.f64Const).f64(R2_THRESHOLD).byte(OP.f64Gt);
  w.byte(OP.if).byte(BLOCK_VOID).byte(OP.localGet).u32(T).byte(OP.return).byte(OP.end);
  w.byte(OP.localGet).u32(T).byte(OP.localGet).u32(P_MAX).byte(OP.i32GeS);
  w.byte(OP.if).byte(BLOCK_VOID).byte(OP.i32Const).s32(-1).byte(OP.return).byte(OP.end);
  w.byte(OP.localGet).u32(T).byte(OP.i32Const).s32(1).byte(OP.i32Add).byte(OP.localSet).u32(T);
  w.byte(OP.localGet).u32(CC);
  simd(w, SIMD.f64x2Splat);
  w.byte(OP.localSet).u32(CV);
  w.byte(OP.localGet).u32(SS);
  simd(w, SIMD.f64x2Splat);
  w.byte(OP.localSet).u32(SV);
  emitPass(w, true);
  w.byte(OP.br).u32(0);
  w.byte(OP.end);
  w.byte(0x00); // unreachable: the loop only leaves by return
}

function section(out: ByteWriter, id: number, body: ByteWriter): void {
  out.byte(id).sized(body);
}

let cachedBytes: Uint8Array | undefined;

/** The module's bytes. Deterministic: the same bytes on every call. */
export function simdKernelModuleBytes(): Uint8Array {
  if (cachedBytes !== undefined) return cachedBytes;
  const out = new ByteWriter();
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  section(out, 1, new ByteWriter().u32(1).byte(0x60).u32(5).bytes([I32, I32, I32, I32, I32]).u32(1).byte(I32));
  section(out, 3, new ByteWriter().u32(1).u32(0));
  section(out, 5, new ByteWriter().u32(1).byte(0x00).u32(1));
  const exports = new ByteWriter().u32(2);
  exports.u32(3).bytes([0x72, 0x75, 0x6e]).byte(0x00).u32(0); // "run", func 0
  exports.u32(3).bytes([0x6d, 0x65, 0x6d]).byte(0x02).u32(0); // "mem", memory 0
  section(out, 7, exports);
  const code = new ByteWriter();
  emitRun(code);
  code.byte(OP.end);
  const groups: [number, ValType][] = [];
  for (const t of [...SCALAR_LOCALS, ...Array<ValType>(UNROLL * UNIT_NAMES.length).fill(V128)]) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[1] === t) last[0]++;
    else groups.push([1, t]);
  }
  const decl = new ByteWriter().u32(groups.length);
  for (const [count, t] of groups) decl.u32(count).byte(t);
  const fn = new ByteWriter().bytes(decl.toBytes()).bytes(code.toBytes());
  section(out, 10, new ByteWriter().u32(1).sized(fn));
  cachedBytes = out.toBytes();
  return cachedBytes;
}

/** The constant table the loader writes at CONST_AT (each constant in both lanes). */
export function simdKernelConstants(): Float64Array {
  simdKernelModuleBytes();
  const out = new Float64Array(2 * constSlots.size);
  for (const { slot, value } of constSlots.values()) {
    out[2 * slot] = value;
    out[2 * slot + 1] = value;
  }
  return out;
}
