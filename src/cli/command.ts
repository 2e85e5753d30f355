/**
 * What a `thermo` subcommand is. Each lives in its own file under src/cli/commands/ and is
 * listed once in src/cli/commands/index.ts; main.ts registers them in that order.
 *
 * Commands never call process.exit and never write to process.stdout directly: they write
 * through `ctx.io` and set `ctx.exitCode`, so tests can run the whole CLI in-process and the
 * launcher stays the only place that touches the process's exit.
 */
import type { Command } from 'commander';

export interface CliIo {
  /** Writes text to standard output as is (callers add the newline). */
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliContext {
  readonly io: CliIo;
  /**
   * The process exit code when the command returns. Conventions: 0 success; 1 the command ran
   * and found a failure (e.g. a safety violation); 2 bad usage or configuration; 3 the command
   * ran but some component failed (e.g. an engine threw).
   */
  exitCode: number;
}

export interface CliCommand {
  readonly name: string;
  /** Adds the subcommand (its options and its action) to `program`. */
  register(program: Command, ctx: CliContext): void;
}

export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, BROKEN: 3 });
