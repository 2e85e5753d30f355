/**
 * src/cli: the `thermo` command.
 * Owns: argument parsing (commander), output formatting, exit codes, wiring runtimes together.
 * Does not own: protocol logic, simulation (src/sim), the real node (src/node). Each subcommand
 * is one module in src/cli/commands/ listed in src/cli/commands/index.ts.
 *
 * Run it as `npx thermo ...` (bin/thermo.js launches this file through tsx) or
 * `npm run thermo -- ...`. `runCli` is the in-process entry point the tests use.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { CliContext, CliIo } from './command.js';
import { EXIT } from './command.js';
import { COMMANDS } from './commands/index.js';

export const VERSION = '0.1.0';

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Builds the program with every registered subcommand, writing through `ctx.io`. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('thermo')
    .description('Thermo: thermodynamic consensus protocols, simulated and measured against PBFT and HotStuff')
    .version(VERSION)
    .exitOverride()
    // Options before a subcommand belong to the program, so nested subcommands (`sim fuzz`)
    // get their own options instead of their parent's same-named ones.
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) });
  for (const command of COMMANDS) command.register(program, ctx);
  return program;
}

/** Runs `thermo` with `argv` (without the node and script paths); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const ctx: CliContext = { io, exitCode: EXIT.OK };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through exitOverride too, with code 0.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    throw err;
  }
  return ctx.exitCode;
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  return script !== undefined && import.meta.url === pathToFileURL(script).href;
}

if (invokedDirectly()) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`thermo: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT.FAILED;
    },
  );
}
