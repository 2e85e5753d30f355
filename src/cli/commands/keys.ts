/**
 * `thermo keys new|show`: validator key files (an Ed25519 seed, mode 0600).
 *
 *   thermo keys new [--out key.json]     writes a fresh random key, prints its public key and peer id
 *   thermo keys show [--key key.json]    prints the public key (= account address) and libp2p peer id
 */
import type { Command } from 'commander';
import { isThermoError, fromHexExact } from '../../core/index.js';
import { peerIdOf } from '../../node/net/index.js';
import { readKeyFile, writeKeyFile } from '../../node/index.js';
import type { KeyFile } from '../../node/index.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';

function describe(ctx: CliContext, path: string, key: KeyFile, json: boolean): void {
  const peerId = peerIdOf(fromHexExact(key.publicKeyHex, 32));
  if (json) ctx.io.stdout(`${JSON.stringify({ file: path, publicKey: key.publicKeyHex, address: key.publicKeyHex, peerId })}\n`);
  else ctx.io.stdout(`key file    ${path}\npublic key  ${key.publicKeyHex}\naddress     ${key.publicKeyHex}\npeer id     ${peerId}\n`);
}

function run(ctx: CliContext, body: () => void): void {
  try {
    body();
  } catch (err) {
    if (!isThermoError(err)) throw err;
    ctx.io.stderr(`thermo keys: ${err.message}\n`);
    ctx.exitCode = EXIT.USAGE;
  }
}

export const keysCommand: CliCommand = Object.freeze({
  name: 'keys',
  register(program: Command, ctx: CliContext): void {
    const keys = program.command('keys').description('create and inspect validator key files');
    keys
      .command('new')
      .description('write a new random validator key (mode 0600)')
      .option('--out <FILE>', 'where to write it', 'key.json')
      .option('--json', 'print JSON')
      .action((opts: { out: string; json?: boolean }) => run(ctx, () => describe(ctx, opts.out, writeKeyFile(opts.out), opts.json === true)));
    keys
      .command('show')
      .description('print the public key, address and peer id of a key file')
      .option('--key <FILE>', 'key file', 'key.json')
      .option('--json', 'print JSON')
      .action((opts: { key: string; json?: boolean }) => run(ctx, () => describe(ctx, opts.key, readKeyFile(opts.key), opts.json === true)));
  },
});
