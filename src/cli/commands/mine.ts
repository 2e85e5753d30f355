/**
 * `thermo mine`: mine one Proof-of-Coherence block header for given data and difficulty and
 * print it as JSON (src/engines/coherence/header-json.ts), ready for `thermo verify`.
 *
 *   thermo mine --data TEXT --difficulty BITS [--preset 63] [--threads N] [--timestamp MS] ...
 *
 * The header is a standalone one (no chain behind it): height 1, parent --parent (default
 * SHA-256 of nothing), stateRoot = taggedHash('thermo/cli/mine-data', data), txRoot = the empty
 * transaction root, proposer dev key --proposer. Difficulty: --difficulty BITS sets
 * target = 2^(256 - BITS) - 1, i.e. a block work of exactly 2^BITS expected header hashes
 * (block work = floor(2^256 / (target + 1))); --target sets it directly. With about 8% of nonces
 * reaching coherence at N = 63, expect about 12.5 * 2^BITS Kuramoto attempts.
 * JSON goes to stdout; the search statistics to stderr. Exit 0 found, 1 nothing found within
 * --max-attempts, 2 bad usage.
 */
import type { Command } from 'commander';
import { fromHexExact, isThermoError, sha256, taggedHash, utf8 } from '../../core/index.js';
import { EMPTY_TX_ROOT, devKeyPair, makeHeader } from '../../ledger/index.js';
import type { BlockHeader } from '../../ledger/index.js';
import { MAX_STEPS, MAX_TARGET, PRESETS, mine, targetBytes } from '../../engines/coherence/index.js';
import { headerToJson } from '../../engines/coherence/header-json.js';
import type { MiningJob, MiningResult } from '../../engines/coherence/index.js';
import { MiningPool } from '../../node/mining/index.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';

class UsageError extends Error {}

function intOption(opts: Readonly<Record<string, unknown>>, name: string, fallback: number, min: number, max: number): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name}: an integer in [${min}, ${max}]`);
  return n;
}

/** target from --target (hex) or --difficulty (bits of work). */
export function targetFromOptions(opts: Readonly<Record<string, unknown>>): bigint {
  const hex = opts['target'];
  if (typeof hex === 'string') {
    if (!/^(0x)?[0-9a-fA-F]{1,64}$/.test(hex)) throw new UsageError('--target: 0x-hex, at most 64 digits');
    const t = BigInt(hex.startsWith('0x') ? hex : `0x${hex}`);
    if (t < 1n) throw new UsageError('--target: must be at least 1');
    return t;
  }
  const bits = intOption(opts, 'difficulty', 0, 0, 255);
  return bits === 0 ? MAX_TARGET : (1n << BigInt(256 - bits)) - 1n;
}

function template(opts: Readonly<Record<string, unknown>>, target: bigint): BlockHeader {
  const parentHex = opts['parent'];
  let parent = sha256(new Uint8Array(0));
  if (typeof parentHex === 'string') {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(parentHex)) throw new UsageError('--parent: 32 bytes of hex');
    parent = fromHexExact(parentHex, 32);
  }
  const chainId = typeof opts['chain'] === 'string' ? opts['chain'] : 'thermo-cli';
  return makeHeader({
    chainId,
    height: 1,
    parents: [parent],
    timestamp: intOption(opts, 'timestamp', Date.now(), 0, Number.MAX_SAFE_INTEGER),
    proposer: devKeyPair(intOption(opts, 'proposer', 0, 0, 0xffffffff)).publicKey,
    stateRoot: taggedHash('thermo/cli/mine-data', utf8(typeof opts['data'] === 'string' ? opts['data'] : '')),
    txRoot: EMPTY_TX_ROOT,
    consensus: { target: targetBytes(target) },
  });
}

async function search(job: MiningJob, threads: number): Promise<MiningResult> {
  if (threads <= 1) return mine(job);
  const pool = new MiningPool({ threads });
  try {
    return await new Promise<MiningResult>((resolve, reject) => pool.start('cli', job, (r) => resolve(r as MiningResult), reject));
  } finally {
    await pool.stop();
  }
}

async function action(ctx: CliContext, opts: Readonly<Record<string, unknown>>): Promise<void> {
  let job: MiningJob;
  let threads: number;
  try {
    const target = targetFromOptions(opts);
    const preset = intOption(opts, 'preset', 63, 1, 127);
    if (!(PRESETS as readonly number[]).includes(preset)) throw new UsageError(`--preset: one of ${PRESETS.join(', ')}`);
    threads = intOption(opts, 'threads', 1, 1, 256);
    job = {
      template: template(opts, target),
      target,
      threshold: target,
      preset,
      maxSteps: intOption(opts, 'max-steps', MAX_STEPS, 1, 100_000),
      startNonce: intOption(opts, 'start-nonce', 0, 0, Number.MAX_SAFE_INTEGER),
      stride: 1,
      maxAttempts: intOption(opts, 'max-attempts', 10_000_000, 1, Number.MAX_SAFE_INTEGER),
      simAttemptsPerSecond: 1,
      simSuccessRate: 1,
    };
  } catch (err) {
    if (!(err instanceof UsageError) && !isThermoError(err)) throw err;
    ctx.io.stderr(`thermo mine: ${err.message}\n`);
    ctx.exitCode = EXIT.USAGE;
    return;
  }
  const started = performance.now();
  const result = await search(job, threads);
  const seconds = (performance.now() - started) / 1000;
  ctx.io.stderr(
    `thermo mine: ${result.header === null ? 'no block' : 'block found'} after ${result.attempts} nonces (${result.coherent} coherent) in ${seconds.toFixed(2)} s with ${threads} thread(s)\n`,
  );
  if (result.header === null) {
    ctx.exitCode = EXIT.FAILED;
    return;
  }
  ctx.io.stdout(`${JSON.stringify(headerToJson(result.header), null, 2)}\n`);
}

export const mineCommand: CliCommand = Object.freeze({
  name: 'mine',
  register(program: Command, ctx: CliContext): void {
    program
      .command('mine')
      .description('mine one Proof-of-Coherence block header for the given data and difficulty; print it as JSON')
      .option('--data <text>', 'data committed in the header (as stateRoot = taggedHash(data))', '')
      .option('--difficulty <bits>', 'work in bits: target = 2^(256 - bits) - 1 (0 = any hash)')
      .option('--target <hex>', 'the 256-bit target directly (overrides --difficulty)')
      .option('--preset <n>', 'oscillators: 31, 63 or 127', '63')
      .option('--max-steps <n>', 'Euler steps per nonce', String(MAX_STEPS))
      .option('--threads <n>', 'worker threads (1 = search on this thread)', '1')
      .option('--timestamp <ms>', 'header timestamp (default: now)')
      .option('--parent <hex>', 'parent hash (default: SHA-256 of nothing)')
      .option('--chain <id>', 'chain id', 'thermo-cli')
      .option('--proposer <i>', 'proposer dev key index', '0')
      .option('--start-nonce <n>', 'first nonce', '0')
      .option('--max-attempts <n>', 'give up after this many nonces', '10000000')
      .action((opts: Record<string, unknown>) => action(ctx, opts));
  },
});
