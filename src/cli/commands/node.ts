/**
 * `thermo node`: runs one validator node until SIGINT / SIGTERM.
 *
 *   thermo node --config node.json
 *   thermo node --genesis genesis.json --key key.json --data ./data \
 *               --listen /ip4/0.0.0.0/tcp/9000 --bootstrap /ip4/10.0.0.5/tcp/9000/p2p/12D3Koo... \
 *               --api-port 8080 [--api-host 127.0.0.1]
 *
 * Flags override the config file (format: src/node/config.ts, docs/NODE.md). Prints one
 * `thermo-node ready {json}` line on stdout when it serves, logs through pino.
 * Exit codes: 2 bad config / genesis / key / damaged store (the message says which); 70 the
 * executor failed (restart it: it resumes from its store).
 */
import type { Command } from 'commander';
import { isThermoError } from '../../core/index.js';
import { readConfigFile, resolveConfig, runNodeProcess } from '../../node/index.js';
import type { ConfigFile } from '../../node/index.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

function flagsToConfig(o: Readonly<Record<string, unknown>>): ConfigFile {
  const s = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const list = (k: string): string[] | undefined => (Array.isArray(o[k]) ? (o[k] as string[]) : undefined);
  const port = s('apiPort');
  const api: NonNullable<ConfigFile['api']> = {};
  if (s('apiHost') !== undefined) api.host = s('apiHost');
  if (port !== undefined) api.port = Number(port);
  const cfg: ConfigFile = {};
  if (s('genesis') !== undefined) cfg.genesis = s('genesis');
  if (s('key') !== undefined) cfg.key = s('key');
  if (s('data') !== undefined) cfg.dataDir = s('data');
  if (list('listen') !== undefined) cfg.listen = list('listen');
  if (list('announce') !== undefined) cfg.announce = list('announce');
  if (list('bootstrap') !== undefined) cfg.bootstrap = list('bootstrap');
  if (Object.keys(api).length > 0) cfg.api = api;
  if (o['deepCheck'] === false) cfg.store = { deepCheck: false };
  const level = s('logLevel');
  const file = s('logFile');
  if (level !== undefined || file !== undefined) {
    cfg.log = {};
    if (level !== undefined) cfg.log.level = level as NonNullable<ConfigFile['log']>['level'];
    if (file !== undefined) cfg.log.file = file;
  }
  return cfg;
}

async function action(ctx: CliContext, opts: Readonly<Record<string, unknown>>): Promise<void> {
  try {
    const file = typeof opts['config'] === 'string' ? readConfigFile(opts['config']) : {};
    const config = resolveConfig(file, flagsToConfig(opts), '(command line)');
    await runNodeProcess(config, { name: `node${typeof opts['name'] === 'string' ? `:${opts['name']}` : ''}` });
  } catch (err) {
    if (!isThermoError(err)) throw err;
    ctx.io.stderr(`thermo node: ${err.message}\n`);
    ctx.exitCode = EXIT.USAGE;
  }
}

export const nodeCommand: CliCommand = Object.freeze({
  name: 'node',
  register(program: Command, ctx: CliContext): void {
    program
      .command('node')
      .description('run one validator node (libp2p, lmdb store, HTTP API) until Ctrl-C')
      .option('--config <FILE>', 'JSON config file (see docs/NODE.md)')
      .option('--genesis <FILE>', 'genesis file shared by the chain')
      .option('--key <FILE>', 'validator key file (thermo keys new)')
      .option('--data <DIR>', 'data directory (the store lives in DIR/db)')
      .option('--listen <MULTIADDR>', 'libp2p listen address (repeatable)', collect)
      .option('--announce <MULTIADDR>', 'address to advertise to peers (repeatable)', collect)
      .option('--bootstrap <MULTIADDR>', 'bootstrap peer /ip4/.../tcp/.../p2p/<id> (repeatable)', collect)
      .option('--api-host <HOST>', 'HTTP API bind address (default 127.0.0.1)')
      .option('--api-port <PORT>', 'HTTP API port (default 8080)')
      .option('--log-level <LEVEL>', 'fatal | error | warn | info | debug | trace | silent')
      .option('--log-file <FILE>', 'also write JSON log lines to FILE')
      .option('--name <NAME>', 'name shown in log lines')
      .option('--no-deep-check', 'skip the crash-isolated store check at start')
      .action((opts: Record<string, unknown>) => action(ctx, opts));
  },
});
