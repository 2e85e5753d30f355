/**
 * `thermo devnet`: N validator processes (`thermo node`) on loopback with one shared genesis,
 * an optional transaction load through their HTTP APIs, live progress lines, and a clean stop
 * on Ctrl-C (SIGTERM to every node, SIGKILL after a grace period; ports freed).
 *
 *   thermo devnet --nodes 4 --engine reference [--load TPS] [--base-port P] [--data DIR]
 *                 [--params JSON] [--duration SECONDS] [--memory-limit MIB] [--json]
 *
 * Files (genesis, keys, configs, stores, logs) go to --data, by default
 * .thermo/devnets/<chain id>/. With --duration it stops by itself and prints a summary (one
 * JSON line with --json): what tests and benchmarks use. --memory-limit runs each node in its
 * own memory cgroup with that hard limit (Linux, a cgroup this user may write): the summary
 * then gives each node's peak charge and OOM kills.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { isThermoError, toHex } from '../../core/index.js';
import { devAddress } from '../../ledger/index.js';
import { ENGINES } from '../../engines/index.js';
import {
  BROADCAST_MODES,
  DEVNET_BROADCAST,
  DevnetSupervisor,
  LoadGenerator,
  MIN_MEMORY_LIMIT_BYTES,
  NodeMemoryLimits,
  createDevnetLayout,
  findMemoryCgroup,
  tsxCommand,
} from '../../node/index.js';
import type { DevnetLayout, LoadReport, MemoryCgroupStats } from '../../node/index.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const MAX_NODES = 64;

/** How a devnet starts one node: this CLI's `node` command under tsx. */
export function thermoNodeCommand(configPath: string): { command: string; args: readonly string[] } {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return tsxCommand(MAIN, ['node', '--config', configPath], tsx);
}

interface DevnetOptions {
  nodes: string;
  engine: string;
  load?: string;
  basePort?: string;
  data?: string;
  params?: string;
  duration?: string;
  broadcast: string;
  memoryLimit?: string;
  json?: boolean;
}

const MIB = 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A bad flag: reported with exit code 2. */
class UsageError extends Error {}

function intFlag(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} takes an integer in [${min}, ${max}]`);
  return n;
}

function banner(layout: DevnetLayout): string {
  const n0 = layout.nodes[0]!;
  const lines = [`devnet ${layout.chainId}: ${layout.nodes.length} nodes, engine ${layout.engine}, files in ${layout.dir}`];
  for (const n of layout.nodes) lines.push(`  node${n.index}  api ${n.apiUrl}  p2p ${n.multiaddr}`);
  lines.push(
    `dashboard: ${n0.apiUrl}/`,
    `try:  npx thermo status --node ${n0.apiUrl}`,
    `      npx thermo tx send --node ${n0.apiUrl} --dev-account 1 --to ${toHex(devAddress(2))} --amount 5`,
    `logs: ${layout.dir}/node<i>/node.log    stop: Ctrl-C`,
    '',
  );
  return lines.join('\n');
}

async function run(ctx: CliContext, o: DevnetOptions): Promise<void> {
  const n = intFlag('nodes', o.nodes, 1, MAX_NODES)!;
  if (!ENGINES.has(o.engine)) throw new UsageError(`unknown engine ${o.engine} (known: ${[...ENGINES.keys()].join(', ')})`);
  const load = intFlag('load', o.load, 0, 1_000_000) ?? 0;
  const duration = intFlag('duration', o.duration, 1, 365 * 24 * 3600);
  const basePort = intFlag('base-port', o.basePort, 1024, 65000);
  const memoryLimitMib = intFlag('memory-limit', o.memoryLimit, MIN_MEMORY_LIMIT_BYTES / MIB, 1024 * 1024);
  const broadcast = BROADCAST_MODES.find((m) => m === o.broadcast);
  if (broadcast === undefined) throw new UsageError(`--broadcast takes ${BROADCAST_MODES.join(' or ')}`);
  let params: unknown;
  try {
    params = o.params === undefined ? undefined : JSON.parse(o.params);
  } catch {
    throw new UsageError('--params takes JSON, e.g. \'{"blockIntervalMs": 100}\'');
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const layout = await createDevnetLayout({
    dir: resolve(o.data ?? `.thermo/devnets/${stamp}`),
    nodes: n,
    engine: o.engine,
    params,
    broadcast,
    ...(basePort === undefined ? {} : { basePort }),
  });
  const memoryLimits = memoryLimitMib === undefined ? undefined : new NodeMemoryLimits(findMemoryCgroup(), `thermo-devnet-${process.pid}`, memoryLimitMib * MIB);
  const supervisor = new DevnetSupervisor({
    layout,
    nodeCommand: thermoNodeCommand,
    ...(memoryLimits === undefined ? {} : { memoryLimits }),
    onExit: (i, code, signal) => ctx.io.stderr(`\nnode${i} exited (${signal ?? `code ${String(code)}`}); see ${layout.nodes[i]!.dir}/stderr.log\n`),
  });
  const killOnExit = (): void => supervisor.killAllNow();
  process.once('exit', killOnExit);
  let stopRequested = false;
  const onSignal = (): void => {
    stopRequested = true;
    supervisor.expectExits();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let generator: LoadGenerator | null = null;
  let report: LoadReport | null = null;
  let memory: MemoryCgroupStats[] | null = null;
  try {
    supervisor.spawnAll();
    const bar = new cliProgress.SingleBar(
      { format: 'starting nodes [{bar}] {value}/{total} ready', stream: process.stderr, noTTYOutput: false, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(n, 0);
    try {
      await supervisor.waitReady(
        layout.nodes.map((x) => x.index),
        90_000,
        Math.min(1, n - 1),
        (r) => bar.update(r),
      );
    } finally {
      bar.stop();
    }
    ctx.io.stdout(banner(layout));
    if (memoryLimits !== undefined) ctx.io.stderr(`memory: each node in its own cgroup, limit ${memoryLimitMib} MiB (${memoryLimits.groupDir(0)}, ...)\n`);
    if (load > 0) {
      const senders = Math.min(layout.devAccounts, Math.max(8, Math.ceil(load / 16)));
      generator = new LoadGenerator({ nodes: layout.nodes.map((x) => x.apiUrl), chainId: layout.chainId, tps: load, senders, recipients: layout.devAccounts });
      await generator.start();
      ctx.io.stderr(`load: ${load} transfers/s from ${senders} dev accounts, spread over ${n} nodes\n`);
    }
    const started = Date.now();
    let lastFinal = 0;
    let lastAt = Date.now();
    while (!stopRequested && (duration === undefined || Date.now() - started < duration * 1000)) {
      await sleep(1000);
      const s = await supervisor.status(0);
      const r = generator?.report();
      const now = Date.now();
      const rate = r === undefined ? 0 : ((r.finalAcked - lastFinal) * 1000) / (now - lastAt);
      lastFinal = r?.finalAcked ?? 0;
      lastAt = now;
      const line =
        `height ${s?.height ?? '?'}  peers ${s?.validatorPeers ?? '?'}/${n - 1}` +
        (r === undefined ? '' : `  final ${r.finalAcked}/${r.acked} acked  ${rate.toFixed(0)} tx/s  p50 ${(r.latencyMs.p50 / 1000).toFixed(2)} s  p99 ${(r.latencyMs.p99 / 1000).toFixed(2)} s`);
      if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(100)}`);
      else if (Math.round((now - started) / 1000) % 5 === 0) ctx.io.stderr(`${line}\n`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (generator !== null) {
      // With a duration, let what was acknowledged finish; on Ctrl-C, do not keep the user waiting.
      await generator.drain(stopRequested ? 2000 : 10_000);
      report = generator.report();
      await generator.close();
    }
    if (memoryLimits !== undefined) memory = layout.nodes.map((x) => memoryLimits.stats(x.index));
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    ctx.io.stderr('stopping nodes...\n');
    await generator?.close();
    await supervisor.stopAll(5000);
    memoryLimits?.remove();
    process.removeListener('exit', killOnExit);
  }
  const summary = { chainId: layout.chainId, engine: layout.engine, nodes: n, dir: layout.dir, load: report, ...(memory === null ? {} : { memory }) };
  if (o.json === true) ctx.io.stdout(`${JSON.stringify(summary)}\n`);
  else if (report !== null) {
    ctx.io.stdout(
      `load summary: ${report.acked} acknowledged, ${report.finalAcked} final, ${report.finalizedPerSecond} tx/s, ` +
        `submit-to-final p50 ${report.latencyMs.p50} ms p99 ${report.latencyMs.p99} ms\n`,
    );
  }
  if (memory !== null && o.json !== true) {
    for (const [i, m] of memory.entries()) ctx.io.stdout(`node${i} memory: peak ${(m.peak / MIB).toFixed(0)} MiB of ${(m.limit / MIB).toFixed(0)} MiB, OOM kills ${m.oomKills}\n`);
  }
  ctx.io.stdout('devnet stopped\n');
}

export const devnetCommand: CliCommand = Object.freeze({
  name: 'devnet',
  register(program: Command, ctx: CliContext): void {
    program
      .command('devnet')
      .description('run N validator nodes on loopback with a shared genesis (optionally under load) until Ctrl-C')
      .option('--nodes <N>', 'number of validator nodes', '4')
      .option('--engine <NAME>', 'consensus engine', 'reference')
      .option('--load <TPS>', 'submit this many signed transfers per second through the nodes')
      .option('--base-port <P>', 'node i uses ports P+2i (p2p) and P+2i+1 (API); default: free ports')
      .option('--data <DIR>', 'where the devnet files go (default .thermo/devnets/<time>)')
      .option('--params <JSON>', 'engine parameters for the genesis, as JSON')
      .option('--duration <SECONDS>', 'stop after this long and print a summary')
      .option('--broadcast <MODE>', 'engine broadcasts: direct (to every validator) or gossip (gossipsub)', DEVNET_BROADCAST)
      .option('--memory-limit <MIB>', 'run each node in its own memory cgroup with this hard limit (Linux; needs a writable cgroup)')
      .option('--json', 'print the summary as one JSON line')
      .action(async (opts: DevnetOptions) => {
        try {
          await run(ctx, opts);
        } catch (err) {
          ctx.io.stderr(`thermo devnet: ${err instanceof Error ? err.message : String(err)}\n`);
          ctx.exitCode = isThermoError(err) || err instanceof UsageError ? EXIT.USAGE : EXIT.BROKEN;
        }
      });
  },
});
