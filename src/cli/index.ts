/**
 * src/cli: the `thermo` command (its face; the process entry point is main.ts).
 * Owns: argument parsing, output formatting, exit codes, and wiring the runtimes (simulator,
 * node, benchmark runner, reports) together, one module per subcommand in ./commands.
 * Does not own: protocol rules (src/engines), simulation (src/sim), the node (src/node).
 */
export { VERSION, buildProgram, runCli } from './main.js';
export { EXIT } from './command.js';
export type { CliCommand, CliContext, CliIo } from './command.js';
