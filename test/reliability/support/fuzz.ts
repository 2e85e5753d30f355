/**
 * Shared pieces of the fuzzers: mutations of valid encodings, the decoder property (decode,
 * then re-encode a deep copy: identical bytes, or a typed error), and the regression corpus
 * (test/reliability/regressions/<target>/<name>.hex: every input that ever failed, replayed by
 * regressions.test.ts). With THERMO_FUZZ_RECORD=1 a failing input is written there before the
 * property fails, so it is kept even after the bug is fixed.
 */
import { mkdirSync, readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { AssertionError, isThermoError, sha256, toHex } from '../../../src/core/index.js';

export const REGRESSIONS = fileURLToPath(new URL('../regressions/', import.meta.url));

export type Mutation =
  | { readonly op: 'flip'; readonly at: number; readonly bit: number }
  | { readonly op: 'set'; readonly at: number; readonly value: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: 'delete'; readonly at: number; readonly count: number }
  | { readonly op: 'truncate'; readonly at: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x18, 0x19, 0x1a, 0x1b, 0x40, 0x58, 0x5f, 0x9f, 0xbf, 0xf4, 0xf5, 0xf6, 0xf7, 0xfb), fc.nat(255)) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

export function mutate(bytes: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Uint8Array.from(bytes);
  for (const m of ms) {
    const len = b.length;
    if (m.op === 'insert') {
      const at = len === 0 ? 0 : m.at % (len + 1);
      const out = new Uint8Array(len + m.bytes.length);
      out.set(b.subarray(0, at));
      out.set(m.bytes, at);
      out.set(b.subarray(at), at + m.bytes.length);
      b = out;
      continue;
    }
    if (len === 0) continue;
    const at = m.at % len;
    if (m.op === 'flip') b[at] = b[at]! ^ (1 << m.bit);
    else if (m.op === 'set') b[at] = m.value;
    else if (m.op === 'delete') b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(Math.min(len, at + m.count))]);
    else b = b.slice(0, at);
  }
  return b;
}

/** A structural copy (plain objects, arrays, typed arrays, maps, sets): defeats encode caches keyed by object. */
export function deepCopy<T>(v: T): T {
  if (v instanceof Uint8Array) return Uint8Array.from(v) as T;
  if (v instanceof Float64Array) return Float64Array.from(v) as T;
  if (Array.isArray(v)) return v.map((x: unknown) => deepCopy(x)) as T;
  if (v instanceof Map) return new Map([...(v as Map<unknown, unknown>)].map(([k, x]) => [k, deepCopy(x)])) as T;
  if (v instanceof Set) return new Set([...(v as Set<unknown>)].map((x) => deepCopy(x))) as T;
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
    return out as T;
  }
  return v;
}

export interface DecoderTarget {
  readonly name: string;
  decode(bytes: Uint8Array): unknown;
  encode(value: unknown): Uint8Array;
  /** Valid encodings to mutate. */
  readonly seeds: readonly Uint8Array[];
}

/** Null when the decoder behaved: a typed (non-assertion) error, or a value that re-encodes to the same bytes. */
export function decoderVerdict(t: DecoderTarget, bytes: Uint8Array): string | null {
  let value: unknown;
  try {
    value = t.decode(bytes);
  } catch (err) {
    if (err instanceof AssertionError) return `assertion failed: ${err.message}`;
    if (!isThermoError(err)) return `untyped error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
    return null;
  }
  let again: Uint8Array;
  try {
    again = t.encode(deepCopy(value));
  } catch (err) {
    return `decoded, but re-encoding threw: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (toHex(again) !== toHex(bytes)) return `decoded, but re-encodes to other bytes (${again.length} vs ${bytes.length})`;
  return null;
}

function safeName(target: string): string {
  return target.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

/** Saves a failing input (THERMO_FUZZ_RECORD=1) under regressions/<target>/<sha256 prefix>.hex. */
export function recordFailure(target: string, bytes: Uint8Array): void {
  if (process.env['THERMO_FUZZ_RECORD'] === undefined) return;
  const dir = join(REGRESSIONS, safeName(target));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${toHex(sha256(bytes)).slice(0, 16)}.hex`), `${toHex(bytes)}\n`);
}

/** Asserts the decoder property for one input, recording it when it fails. */
export function checkDecoder(t: DecoderTarget, bytes: Uint8Array): void {
  const v = decoderVerdict(t, bytes);
  if (v !== null) {
    recordFailure(t.name, bytes);
    throw new Error(`${t.name}: ${v} on ${toHex(bytes).slice(0, 400)}`);
  }
}

/** The stored regression inputs: target name -> [file, bytes]. */
export function regressionInputs(): Map<string, [string, Uint8Array][]> {
  const out = new Map<string, [string, Uint8Array][]>();
  if (!existsSync(REGRESSIONS)) return out;
  for (const target of readdirSync(REGRESSIONS, { withFileTypes: true })) {
    if (!target.isDirectory()) continue;
    const files = readdirSync(join(REGRESSIONS, target.name)).filter((f) => f.endsWith('.hex') || f.endsWith('.json'));
    out.set(
      target.name,
      files.map((f) => {
        const text = readFileSync(join(REGRESSIONS, target.name, f), 'utf8').trim();
        return [f, f.endsWith('.hex') ? Uint8Array.from(Buffer.from(text, 'hex')) : new TextEncoder().encode(text)] as [string, Uint8Array];
      }),
    );
  }
  return out;
}

export function targetKey(name: string): string {
  return safeName(name);
}
