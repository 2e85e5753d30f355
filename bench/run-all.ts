/**
 * `npm run bench`: runs benchmarks one after another (never two at once: they measure CPU time
 * on a shared machine), each in its own process, their JSON lines passed through to stdout.
 *
 *   npm run bench                       the quick set (minutes): codec, dmath, ledger,
 *                                       coherence-kernel, coherence-mining --quick, sim
 *   npm run bench -- NAME [NAME ...]    the named ones, with their default arguments
 *   npm run bench -- --list             every benchmark, with what it costs
 *
 * The long campaigns (negentropy sweeps, the devnet sweep, the swarm, the coherence acceptance
 * run) take from tens of minutes to hours and are run by name; their own headers give the
 * arguments that split them over processes or sessions.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

interface Bench {
  readonly file: string;
  readonly args: readonly string[];
  readonly quick: boolean;
  readonly cost: string;
}

const BENCHES: ReadonlyMap<string, Bench> = new Map([
  ['codec', { file: 'codec.bench.ts', args: [], quick: true, cost: 'seconds: canonical codec against the cborg path it replaced' }],
  ['dmath', { file: 'dmath.bench.ts', args: [], quick: true, cost: 'seconds: core/dmath against Math.*' }],
  ['ledger', { file: 'ledger.bench.ts', args: [], quick: true, cost: 'about a minute: transfers applied per second, sparse Merkle tree at 1 M accounts' }],
  ['coherence-kernel', { file: 'coherence-kernel.bench.ts', args: [], quick: true, cost: 'seconds: the Kuramoto kernel against a naive one' }],
  ['coherence-mining', { file: 'coherence-mining.bench.ts', args: ['--quick'], quick: true, cost: 'a minute with --quick: mining rate per worker thread count' }],
  ['sim', { file: 'sim.bench.ts', args: [], quick: true, cost: 'a minute or two: simulator events per second' }],
  ['coherence-sim', { file: 'coherence-sim.bench.ts', args: [], quick: false, cost: 'tens of minutes: the coherence acceptance run and sweeps' }],
  ['negentropy', { file: 'negentropy.bench.ts', args: [], quick: false, cost: 'hours: safety sweeps, behaviours, latency at n = 100, stored size' }],
  ['node-devnet', { file: 'node-devnet.bench.ts', args: [], quick: false, cost: 'tens of minutes: 4-node devnets per engine, throughput, restart-to-synced' }],
  ['swarm', { file: 'swarm.bench.ts', args: [], quick: false, cost: 'hours: randomized fault campaign (see its header for --from/--to/--log)' }],
]);

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

if (args.includes('--list')) {
  for (const [name, b] of BENCHES) process.stdout.write(`${name.padEnd(18)} ${b.quick ? 'quick' : 'long '}  ${b.cost}\n`);
  process.exit(0);
}

const unknown = args.filter((a) => !BENCHES.has(a));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')} (npm run bench -- --list)\n`);
  process.exit(2);
}

const chosen = args.length > 0 ? args : [...BENCHES].filter(([, b]) => b.quick).map(([name]) => name);
let failed = 0;
for (const name of chosen) {
  const b = BENCHES.get(name)!;
  process.stderr.write(`bench ${name}: ${b.cost}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, b.file), ...b.args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`bench ${name}: exit ${r.status ?? r.signal ?? 'unknown'}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
