/**
 * `thermo sim`: one deterministic simulation run (src/sim).
 *
 *   thermo sim --engine NAME --nodes N --seed S --duration SECONDS [--byzantine FRACTION] [--json] [--report DIR]
 *
 * Every scenario flag comes from src/sim/replay.ts SIM_FLAGS, the same table the replay
 * command is printed from, so what a failing run prints always parses back to the same run.
 * Output: a human-readable summary, or with --json exactly one JSON line (the run's summary plus
 * the replay command; no wall-clock figures, so the same command prints the same line).
 * --report DIR also writes DIR/index.html (a self-contained page with plots, src/report),
 * DIR/result.json and DIR/report.json.
 * Exit codes: 0 ok; 1 a safety invariant was violated (the replay command goes to stderr);
 * 2 bad flags or configuration; 3 an honest engine threw (also prints the replay command).
 */
import type { Command } from 'commander';
import { ENGINES, FIXTURE_ENGINE_NAMES } from '../../engines/index.js';
import { isThermoError } from '../../core/index.js';
import { writeSimReport } from '../../report/index.js';
import { SIM_FLAGS, knownBehaviours, optionKey, runScenario, scenarioFromArgs } from '../../sim/index.js';
import type { ScenarioConfig, SimArgs, SimResult } from '../../sim/index.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';
import { registerSimFuzz } from './sim-fuzz.js';

/** Violations printed in full on stderr (all are counted in the summary). */
const SHOWN_VIOLATIONS = 10;

function flagSyntax(name: string, arg: string | undefined, bare: string | undefined): string {
  if (arg === undefined) return `--${name}`;
  return bare === undefined ? `--${name} <${arg}>` : `--${name} [${arg}]`;
}

/** commander's option values -> SimArgs (flag name -> string), bare flags resolved. */
export function simArgsFromOptions(opts: Readonly<Record<string, unknown>>): SimArgs {
  const out: Record<string, string> = {};
  for (const f of SIM_FLAGS) {
    const v = opts[optionKey(f.name)];
    if (v === undefined) continue;
    if (v === true && f.bare !== undefined) out[f.name] = f.bare;
    else if (typeof v === 'string') out[f.name] = v;
  }
  return out;
}

function listEngines(ctx: CliContext): void {
  const lines: string[] = [];
  for (const [name, d] of ENGINES) {
    const fixture = FIXTURE_ENGINE_NAMES.has(name) ? ' [test fixture]' : '';
    lines.push(`${name}${fixture}: ${d.description}`);
    lines.push(`    tolerates f = faultBound(n), e.g. n=4: ${d.faultBound(4)}, n=16: ${d.faultBound(16)}; behaviours: ${knownBehaviours(d).join(', ')}`);
  }
  ctx.io.stdout(`${lines.join('\n')}\n`);
}

function fmt(v: number | null, digits = 1): string {
  return v === null ? '-' : v.toFixed(digits);
}

function humanSummary(r: SimResult): string {
  const s = r.summary;
  const c = r.config;
  const lat = c.latency.kind === 'fixed' ? `rtt ${c.latency.rttMs} ms +jitter ${c.latency.jitterMs} ms` : `SimBlock regions (${c.latency.assign})`;
  const drops = Object.entries(s.dropped)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const kinds = Object.entries(s.violations_by_kind)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const rate = r.wallMs > 0 ? Math.round((s.events / r.wallMs) * 1000) : 0;
  return [
    `thermo sim: ${s.engine}, ${s.nodes} nodes (${s.byzantine} Byzantine, ${s.behaviour}), seed ${s.seed}, ${s.duration_s} s + ${c.drainS} s drain, ${lat}`,
    `  finalized   ${s.finalized} transactions, ${fmt(s.tps)} tps of ${s.offered_tps} offered; ${s.finalized_entries} log entries at the slowest honest node`,
    `  clients     submitted ${s.submitted}, acked ${s.acked}, rejected ${s.rejected}, acked-not-final ${s.acked_not_final}, abandoned ${s.abandoned}, backlogged ${s.backlogged}`,
    `  latency     p50 ${fmt(s.latency_p50_ms)} ms, p99 ${fmt(s.latency_p99_ms)} ms at the submitting node; at all honest nodes p50 ${fmt(s.latency_all_p50_ms)} ms, p99 ${fmt(s.latency_all_p99_ms)} ms`,
    `  network     ${fmt(s.bytes_per_node_per_s / 1000)} kB and ${fmt(s.msgs_per_node_per_s)} messages sent per node per s; dropped: ${drops === '' ? 'none' : drops}; duplicated ${s.duplicated}`,
    `  safety      ${s.safety_violations} violations (${kinds}); engine errors ${s.engine_errors}; penalties ${s.penalties}`,
    `  trace       ${s.trace_hash}`,
    `  run         ${s.events} events${s.truncated ? ' (TRUNCATED at --max-events)' : ''}, ${fmt(r.wallMs / 1000, 2)} s wall, ${rate} events/s`,
    '',
  ].join('\n');
}

function reportFailures(r: SimResult, ctx: CliContext): void {
  const s = r.summary;
  if (s.safety_violations > 0) {
    const lines = [`thermo sim: SAFETY VIOLATION: ${s.safety_violations} invariant violation(s)`];
    for (const v of r.violations.slice(0, SHOWN_VIOLATIONS)) {
      lines.push(`  [${v.kind}] node ${v.node} at ${v.atMs.toFixed(3)} ms${v.slot === undefined ? '' : `, slot ${v.slot}`}: ${v.detail}`);
    }
    if (s.safety_violations > SHOWN_VIOLATIONS) lines.push(`  ... ${s.safety_violations - SHOWN_VIOLATIONS} more`);
    lines.push(`replay: ${r.replay}`);
    ctx.io.stderr(`${lines.join('\n')}\n`);
    ctx.exitCode = EXIT.FAILED;
    return;
  }
  if (s.engine_errors > 0) {
    const lines = [`thermo sim: ${s.engine_errors} engine error(s) (an honest node threw; it was crashed)`];
    for (const e of r.engineErrors.slice(0, SHOWN_VIOLATIONS)) lines.push(`  node ${e.node} at ${e.atMs.toFixed(3)} ms: ${e.error}`);
    lines.push(`replay: ${r.replay}`);
    ctx.io.stderr(`${lines.join('\n')}\n`);
    ctx.exitCode = EXIT.BROKEN;
  }
}

/** --report DIR: the page path goes to stdout, or to stderr with --json (stdout is one line). */
function writeReportTo(dir: string, result: SimResult, ctx: CliContext, json: boolean): void {
  try {
    const page = writeSimReport(dir, result);
    (json ? ctx.io.stderr : ctx.io.stdout)(`report: ${page}\n`);
  } catch (err) {
    ctx.io.stderr(`thermo sim: cannot write the report to ${dir}: ${err instanceof Error ? err.message : String(err)}\n`);
    ctx.exitCode = EXIT.USAGE;
  }
}

function action(ctx: CliContext, opts: Readonly<Record<string, unknown>>): void {
  if (opts['list'] === true) {
    listEngines(ctx);
    return;
  }
  let config: ScenarioConfig;
  let result: SimResult;
  try {
    config = scenarioFromArgs(simArgsFromOptions(opts));
    result = runScenario(config);
  } catch (err) {
    if (!isThermoError(err)) throw err;
    ctx.io.stderr(`thermo sim: ${err.message}\n`);
    ctx.exitCode = EXIT.USAGE;
    return;
  }
  if (opts['json'] === true) ctx.io.stdout(`${JSON.stringify({ ...result.summary, replay: result.replay })}\n`);
  else ctx.io.stdout(humanSummary(result));
  if (typeof opts['report'] === 'string') writeReportTo(opts['report'], result, ctx, opts['json'] === true);
  reportFailures(result, ctx);
}

export const simCommand: CliCommand = Object.freeze({
  name: 'sim',
  register(program: Command, ctx: CliContext): void {
    const cmd = program
      .command('sim')
      .description('run one deterministic discrete-event simulation and check the safety invariants');
    for (const f of SIM_FLAGS) cmd.option(flagSyntax(f.name, f.arg, f.bare), f.help);
    cmd.option('--json', 'print exactly one JSON line (the summary and the replay command)');
    cmd.option('--report <DIR>', 'also write a self-contained HTML report (DIR/index.html, DIR/result.json)');
    cmd.option('--list', 'list the engines and their Byzantine behaviours, and exit');
    cmd.action((opts: Record<string, unknown>) => action(ctx, opts));
    // `thermo sim fuzz ...`: its own options (--engine, --seed) must not be taken by `sim`'s.
    cmd.enablePositionalOptions();
    registerSimFuzz(cmd, ctx);
  },
});
