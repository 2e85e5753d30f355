/**
 * The `thermo` subcommands, in the order `thermo --help` lists them.
 * Adding a command: one new file in this folder exporting a CliCommand, and one line below.
 */
import type { CliCommand } from '../command.js';
import { simCommand } from './sim.js';

export const COMMANDS: readonly CliCommand[] = Object.freeze([
  simCommand,
]);
