/**
 * `thermo bench claims`: the experiments behind docs/CLAIMS.md (src/bench/claims).
 *
 *   thermo bench claims [--size smoke|default|full] [--seeds N] [--out DIR] [--docs PATH | --no-docs] [--jobs N]
 *
 * Runs every claim's experiment for every registered engine over the seeds, then writes
 * DIR/claims.json, DIR/plots/*.svg, DIR/CLAIMS.md, DIR/index.html (the self-contained page the node
 * serves under /reports and the dashboard lists) with DIR/report.json (default DIR: reports/claims) and, for the
 * default size, docs/CLAIMS.md (or --docs PATH). Progress and the wall time go to stderr; the
 * verdicts to stdout. Exit codes: 0 done; 2 bad flags; 1 a baseline broke safety within its
 * fault bound (the report is still written).
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { SIZES, buildReport, engineLookup, planFor, runClaims, runClaimsParallel, writeReport } from '../../bench/index.js';
import type { Size } from '../../bench/index.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';

const DEFAULT_OUT = 'reports/claims';
const DEFAULT_DOCS = 'docs/CLAIMS.md';

async function claimsAction(ctx: CliContext, opts: Readonly<Record<string, unknown>>): Promise<void> {
  const size = (opts['size'] ?? 'default') as string;
  if (!(SIZES as readonly string[]).includes(size)) {
    ctx.io.stderr(`thermo bench claims: --size must be one of ${SIZES.join(', ')}\n`);
    ctx.exitCode = EXIT.USAGE;
    return;
  }
  let seeds: number | undefined;
  if (opts['seeds'] !== undefined) {
    seeds = Number(opts['seeds']);
    if (!Number.isSafeInteger(seeds) || seeds < 1 || seeds > 1000) {
      ctx.io.stderr('thermo bench claims: --seeds must be an integer in [1, 1000]\n');
      ctx.exitCode = EXIT.USAGE;
      return;
    }
  }
  const jobs = opts['jobs'] === undefined ? defaultJobs() : Number(opts['jobs']);
  if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 64) {
    ctx.io.stderr('thermo bench claims: --jobs must be an integer in [1, 64]\n');
    ctx.exitCode = EXIT.USAGE;
    return;
  }
  const out = typeof opts['out'] === 'string' ? opts['out'] : DEFAULT_OUT;
  const docs = opts['docs'] === false ? undefined : typeof opts['docs'] === 'string' ? opts['docs'] : size === 'default' ? DEFAULT_DOCS : undefined;
  const plan = planFor(size as Size, seeds);
  const command = ['npx thermo bench claims', `--size ${size}`, `--seeds ${plan.seeds.length}`, ...(docs !== undefined ? [`--docs ${docs}`] : [])].join(' ');
  const started = performance.now();
  let lastShown = 0;
  const onRun = (done: number, total: number, label: string): void => {
    const now = performance.now();
    if (now - lastShown < 5000 && done !== total) return;
    lastShown = now;
    ctx.io.stderr(`[${((now - started) / 1000).toFixed(0)} s] ${done}/${total} ${label}\n`);
  };
  // Same numbers either way: every simulation is deterministic and independent.
  const data = jobs === 1 ? runClaims(plan, { lookup: engineLookup, onRun }) : await runClaimsParallel(plan, jobs, onRun);
  const plotsPath = docs !== undefined ? relativePlots(docs, out) : 'plots';
  const report = buildReport(data, { command, plotsPath });
  const written = writeReport(report, out, docs);
  const wall = (performance.now() - started) / 1000;
  ctx.io.stderr(`thermo bench claims: ${written.files.length} files written under ${out}${docs !== undefined ? ` and ${docs}` : ''}; wall time ${wall.toFixed(1)} s\n`);
  for (const c of report.claims) ctx.io.stdout(`claim ${c.id}: ${c.verdict} - ${c.finding}\n`);
  const unsafe = data.points.filter((p) => p.experiment === 'safety' && p.engine !== 'thermotruth' && p.key['side'] === 'within' && p.runs.some((r) => r.violations > 0));
  if (unsafe.length > 0) {
    ctx.io.stderr(`thermo bench claims: safety violations within the fault bound: ${unsafe.map((p) => `${p.engine} ${JSON.stringify(p.key)}`).join('; ')}\n`);
    ctx.exitCode = EXIT.FAILED;
  }
}

/**
 * One worker thread per core, at most 8: the default size then fits its 30-minute budget on a
 * 2-core machine (measured: 985 s for 1,720 simulations with 2 threads). The figures do not
 * depend on the thread count (each simulation is deterministic and independent).
 */
function defaultJobs(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** Path of DIR/plots as seen from the directory of the docs file (POSIX separators). */
function relativePlots(docs: string, out: string): string {
  const depth = docs.split('/').length - 1;
  return `${'../'.repeat(depth)}${out.replace(/\/+$/, '')}/plots`;
}

export const benchCommand: CliCommand = Object.freeze({
  name: 'bench',
  register(program: Command, ctx: CliContext): void {
    const bench = program.command('bench').description('experiment runners over the simulator');
    bench
      .command('claims')
      .description("measure the designs' claims against PBFT and HotStuff and write docs/CLAIMS.md, JSON and SVG plots")
      .option('--size <SIZE>', `experiment size: ${SIZES.join(' | ')}`, 'default')
      .option('--seeds <N>', 'seeds per point (default: 2 smoke, 10 default, 20 full)')
      .option('--out <DIR>', 'output directory', DEFAULT_OUT)
      .option('--docs <PATH>', `also write the Markdown here (default for --size default: ${DEFAULT_DOCS})`)
      .option('--no-docs', 'do not write the Markdown outside --out')
      .option('--jobs <N>', 'simulations run in parallel on worker threads (default: one per core, at most 8; the numbers do not depend on it)')
      .action((opts: Record<string, unknown>) => claimsAction(ctx, opts));
  },
});
