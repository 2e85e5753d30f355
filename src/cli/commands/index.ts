/**
 * The `thermo` subcommands, in the order `thermo --help` lists them.
 * Adding a command: one new file in this folder exporting a CliCommand, and one line below.
 */
import type { CliCommand } from '../command.js';
import { simCommand } from './sim.js';
import { nodeCommand } from './node.js';
import { devnetCommand } from './devnet.js';
import { keysCommand } from './keys.js';
import { txCommand } from './tx.js';
import { statusCommand } from './status.js';
import { mineCommand } from './mine.js';
import { verifyCommand } from './verify.js';
import { benchCommand } from './bench.js';
import { proofCommand } from './proof.js';

export const COMMANDS: readonly CliCommand[] = Object.freeze([
  simCommand,
  nodeCommand,
  devnetCommand,
  keysCommand,
  txCommand,
  statusCommand,
  mineCommand,
  verifyCommand,
  benchCommand,
  proofCommand,
]);
