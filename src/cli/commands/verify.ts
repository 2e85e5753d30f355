/**
 * `thermo verify`: check a Proof-of-Coherence header's seal, as printed by `thermo mine`.
 *
 *   thermo verify [FILE | - | HEX] [--preset 63] [--max-steps 1000] [--json]
 *
 * Input: a JSON file (or `-` for standard input) in the form of header-json.ts, or the
 * canonical header encoding as hex. Checks, in order: the seal's shape; header hash <= target;
 * the Kuramoto replay of exactly t steps: r^2 > 3/4 at step t and at no earlier step, r and the
 * phase digest bit-identical (src/engines/coherence/validate.ts checkSimulation). A standalone
 * header has no chain, so the difficulty rule, timestamps and transactions are not checked here
 * (the engine checks them against the parent). Exit 0 valid; 1 invalid (the typed error code is
 * printed); 2 bad usage or unreadable input.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fromHex, isThermoError } from '../../core/index.js';
import { decodeHeader } from '../../ledger/index.js';
import type { BlockHeader } from '../../ledger/index.js';
import { CoherenceError, DEFAULT_COHERENCE_PARAMS, MAX_STEPS, PRESETS, blockWork, checkSimulation, parseCoherenceParams, readSeal } from '../../engines/coherence/index.js';
import { headerFromJson, headerHashValue } from '../../engines/coherence/header-json.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';

class UsageError extends Error {}

function readInput(input: string | undefined): string {
  if (input === undefined || input === '-') return readFileSync(0, 'utf8');
  if (/^(0x)?[0-9a-fA-F]+$/.test(input.trim())) return input.trim();
  try {
    return readFileSync(input, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${input}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A header from JSON text or hex of its canonical encoding. */
export function parseHeaderInput(text: string): BlockHeader {
  const s = text.trim();
  if (s.startsWith('{')) {
    let raw: unknown;
    try {
      raw = JSON.parse(s);
    } catch (err) {
      throw new UsageError(`not JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    return headerFromJson(raw);
  }
  return decodeHeader(fromHex(s));
}

export interface VerifyReport {
  readonly valid: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly hash?: string;
  readonly t?: number;
  readonly r?: number;
  readonly workLog2?: number;
}

/** Seal checks of a standalone header (see the file comment). */
export function verifyHeader(header: BlockHeader, preset: number, maxSteps: number): VerifyReport {
  const p = parseCoherenceParams({ preset, maxSteps });
  try {
    const seal = readSeal(header.consensus);
    const hash = headerHashValue(header);
    const hashHex = hash.toString(16).padStart(64, '0');
    if (hash > seal.target) {
      throw new CoherenceError({ code: 'COHERENCE_ABOVE_TARGET', hash: hashHex, threshold: `0x${seal.target.toString(16)}` });
    }
    checkSimulation(header, seal, p);
    return { valid: true, hash: hashHex, t: seal.t, r: seal.r, workLog2: blockWork(seal.target).toString(2).length - 1 };
  } catch (err) {
    if (!isThermoError(err)) throw err;
    return { valid: false, code: err.code, message: err.message };
  }
}

function intOption(opts: Readonly<Record<string, unknown>>, name: string, fallback: number, min: number, max: number): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name}: an integer in [${min}, ${max}]`);
  return n;
}

function action(ctx: CliContext, input: string | undefined, opts: Readonly<Record<string, unknown>>): void {
  let header: BlockHeader;
  let preset: number;
  let maxSteps: number;
  try {
    preset = intOption(opts, 'preset', DEFAULT_COHERENCE_PARAMS.preset, 1, 127);
    if (!(PRESETS as readonly number[]).includes(preset)) throw new UsageError(`--preset: one of ${PRESETS.join(', ')}`);
    maxSteps = intOption(opts, 'max-steps', MAX_STEPS, 1, 100_000);
    header = parseHeaderInput(readInput(input));
  } catch (err) {
    if (!(err instanceof UsageError) && !isThermoError(err)) throw err;
    ctx.io.stderr(`thermo verify: ${err.message}\n`);
    ctx.exitCode = EXIT.USAGE;
    return;
  }
  const report = verifyHeader(header, preset, maxSteps);
  if (opts['json'] === true) ctx.io.stdout(`${JSON.stringify(report)}\n`);
  else if (report.valid) ctx.io.stdout(`valid: hash ${report.hash}, t = ${report.t}, r = ${report.r}, work 2^${report.workLog2}\n`);
  else ctx.io.stdout(`invalid: ${report.message}\n`);
  if (!report.valid) ctx.exitCode = EXIT.FAILED;
}

export const verifyCommand: CliCommand = Object.freeze({
  name: 'verify',
  register(program: Command, ctx: CliContext): void {
    program
      .command('verify')
      .description("check a Proof-of-Coherence header's seal: hash <= target and the Kuramoto replay (first coherent step, r, phase digest)")
      .argument('[input]', 'a JSON file from `thermo mine`, - for stdin (default), or the header encoding as hex')
      .option('--preset <n>', 'oscillators: 31, 63 or 127', '63')
      .option('--max-steps <n>', 'largest allowed t', String(MAX_STEPS))
      .option('--json', 'print one JSON line')
      .action((input: string | undefined, opts: Record<string, unknown>) => action(ctx, input, opts));
  },
});
