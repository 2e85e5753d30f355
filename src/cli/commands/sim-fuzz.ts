/**
 * `thermo sim fuzz`: the swarm simulation (src/sim/fuzz).
 *
 *   thermo sim fuzz --engine NAME --seeds N [--from S] [--min-nodes A] [--max-nodes B] [--no-shrink] [--json]
 *   thermo sim fuzz --engine NAME --seed S            # one drawn case (the replay of a failing seed)
 *   thermo sim fuzz --case TOKEN|FILE.json            # one explicit case (the replay of a shrunk one)
 *   thermo sim fuzz --engine NAME --control           # the control run beyond the bound (must fire)
 *   thermo sim fuzz --engine NAME --seed S --print-case   # the drawn case as JSON, not run
 *
 * Per seed one line (or one JSON line with --json). A failing seed (a safety violation, an
 * honest engine error, or no progress after the last heal) is shrunk to a minimal schedule and
 * both replay commands are printed: the drawn seed and the shrunk `--case`. Exit codes: 0 every
 * case passed (a control: the checker fired); 1 a failure (a control: it did not fire);
 * 2 bad usage. Reading --case FILE is the only I/O here; src/sim/fuzz stays pure.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isThermoError, setVerifyMemo } from '../../core/index.js';
import { badConfig } from '../../sim/index.js';
import type { FuzzCase, FuzzVerdict, SeedOutcome } from '../../sim/fuzz/index.js';
import { CONTROL_REASONS, SWARM_ENGINES, controlCase, decodeCase, drawCase, drawnReplay, requireProfile, runCase, runSeed } from '../../sim/fuzz/index.js';
import type { CliContext } from '../command.js';
import { EXIT } from '../command.js';

function int(v: unknown, name: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw badConfig(`--${name}`, `an integer >= ${min}, got ${String(v)}`);
  return n;
}

function describe(v: FuzzVerdict): string {
  const c = v.case;
  const parts = [
    `${c.engine} seed ${c.seed}: n=${c.nodes} byz=${c.byzantine.length}(${c.behaviour}${c.attacks.length > 0 ? `+${c.attacks.map((a) => a.kind).join('+')}` : ''})`,
    `loss=${c.loss} dup=${c.duplicate} reorder=${c.reorder} partitions=${c.partitions.map((p) => p.kind).join(',') || '-'} crashes=${c.crashes.length}`,
    `-> ${v.failure === null ? (c.control === true ? 'checker fired' : 'ok') : v.failure.toUpperCase()}`,
    `(violations ${v.safetyViolations}, engine errors ${v.engineErrors}, stalled ${v.stalled.length}, acked-not-final ${v.ackedNotFinal}, ${v.summary.finalized_entries} entries)`,
  ];
  return parts.join(' ');
}

function details(v: FuzzVerdict): string[] {
  const out: string[] = [];
  if (v.firstViolation !== null) {
    const x = v.firstViolation;
    out.push(`  first violation: [${x.kind}] node ${x.node} at ${x.atMs.toFixed(3)} ms${x.slot === undefined ? '' : `, slot ${x.slot}`}: ${x.detail}`);
  }
  if (v.firstEngineError !== null) out.push(`  first engine error: ${v.firstEngineError}`);
  if (v.stalled.length > 0) out.push(`  no progress within ${v.case.livenessMs} ms after the last heal (${v.lastFaultEndMs} ms) at honest nodes ${v.stalled.join(',')}`);
  return out;
}

function jsonLine(o: SeedOutcome | { verdict: FuzzVerdict; drawn?: string }): string {
  const v = o.verdict;
  const shrunk = 'shrunk' in o ? o.shrunk : undefined;
  return JSON.stringify({
    engine: v.case.engine,
    seed: v.case.seed,
    nodes: v.case.nodes,
    byzantine: v.case.byzantine.length,
    behaviour: v.case.behaviour,
    attacks: v.case.attacks.map((a) => a.kind),
    control: v.case.control === true,
    failure: v.failure,
    safety_violations: v.safetyViolations,
    engine_errors: v.engineErrors,
    stalled: v.stalled,
    acked_not_final: v.ackedNotFinal,
    finalized_entries: v.summary.finalized_entries,
    events: v.summary.events,
    trace_hash: v.summary.trace_hash,
    ...(o.drawn !== undefined ? { drawn: o.drawn } : {}),
    replay: v.replay,
    ...(shrunk !== undefined ? { shrunk_replay: shrunk.verdict.replay, shrunk_runs: shrunk.runs, shrunk_failure: shrunk.verdict.failure } : {}),
  });
}

function readCase(arg: string): FuzzCase {
  const text = arg.endsWith('.json') || (arg.length < 4096 && existsSync(arg)) ? readFileSync(arg, 'utf8') : arg;
  return decodeCase(text);
}

function action(ctx: CliContext, opts: Readonly<Record<string, unknown>>): void {
  // Every simulated node verifies the same signatures: verify each once (same results, faster).
  setVerifyMemo(1 << 18);
  const json = opts['json'] === true;
  const print = (text: string): void => ctx.io.stdout(`${text}\n`);
  const report = (o: { verdict: FuzzVerdict; drawn?: string; shrunk?: SeedOutcome['shrunk'] }): boolean => {
    const v = o.verdict;
    if (json) print(jsonLine(o));
    else print(describe(v));
    if (v.failure === null) return true;
    const lines = json ? [] : details(v);
    if (o.drawn !== undefined) lines.push(`replay (drawn case): ${o.drawn}`);
    if (o.shrunk !== undefined) {
      lines.push(`shrunk in ${o.shrunk.runs} runs${o.shrunk.exhausted ? ' (budget spent)' : ''} to: ${describe(o.shrunk.verdict)}`);
      lines.push(...details(o.shrunk.verdict));
      lines.push(`replay (shrunk case): ${o.shrunk.verdict.replay}`);
    } else lines.push(`replay: ${v.replay}`);
    ctx.io.stderr(`${lines.join('\n')}\n`);
    return false;
  };
  try {
    if (typeof opts['case'] === 'string') {
      const ok = report({ verdict: runCase(readCase(opts['case'])) });
      ctx.exitCode = ok ? EXIT.OK : EXIT.FAILED;
      return;
    }
    const engine = opts['engine'];
    if (typeof engine !== 'string') throw badConfig('--engine', `required (one of ${SWARM_ENGINES.join(', ')}), or --case`);
    requireProfile(engine);
    if (opts['control'] === true) {
      const c = controlCase(engine);
      if (!json) print(`control run (${CONTROL_REASONS[engine] ?? 'beyond the bound'}):`);
      const ok = report({ verdict: runCase(c) });
      ctx.exitCode = ok ? EXIT.OK : EXIT.FAILED;
      return;
    }
    const minNodes = int(opts['minNodes'], 'min-nodes', 2);
    const maxNodes = int(opts['maxNodes'], 'max-nodes', 2);
    const draw = { ...(minNodes !== undefined ? { minNodes } : {}), ...(maxNodes !== undefined ? { maxNodes } : {}) };
    const one = int(opts['seed'], 'seed', 0);
    if (opts['printCase'] === true) {
      print(JSON.stringify(drawCase(engine, one ?? 1, draw)));
      return;
    }
    const from = one ?? int(opts['from'], 'from', 0) ?? 1;
    const count = one !== undefined ? 1 : (int(opts['seeds'], 'seeds', 1) ?? 1);
    const shrink = opts['shrink'] !== false;
    const shrinkBudget = int(opts['shrinkBudget'], 'shrink-budget', 0);
    let failed = 0;
    for (let seed = from; seed < from + count; seed++) {
      const o = runSeed(engine, seed, { draw, shrink, ...(shrinkBudget !== undefined ? { shrinkBudget } : {}) });
      if (!report({ ...o, drawn: drawnReplay(engine, seed, draw) })) failed++;
    }
    if (!json) print(`${engine}: ${count} seed(s) from ${from}, ${failed} failed`);
    ctx.exitCode = failed === 0 ? EXIT.OK : EXIT.FAILED;
  } catch (err) {
    if (!isThermoError(err)) throw err;
    ctx.io.stderr(`thermo sim fuzz: ${err.message}\n`);
    ctx.exitCode = EXIT.USAGE;
  }
}

/** Adds `fuzz` under `thermo sim`. */
export function registerSimFuzz(sim: Command, ctx: CliContext): void {
  sim
    .command('fuzz')
    .description('swarm simulation: draw seeded fault cases inside the engine bound, check safety and liveness, shrink failures')
    .option('--engine <NAME>', `engine (${SWARM_ENGINES.join(', ')})`)
    .option('--seeds <N>', 'how many seeds to run (default 1)')
    .option('--from <S>', 'first seed (default 1)')
    .option('--seed <S>', 'run exactly this seed (the replay of a drawn case)')
    .option('--case <TOKEN|FILE>', 'run one explicit case: the token a shrunk failure printed, or a JSON file')
    .option('--control', "run the engine's control case beyond its bound (the checker must fire)")
    .option('--min-nodes <N>', 'smallest node count drawn (default 4)')
    .option('--max-nodes <N>', 'largest node count drawn (default 31)')
    .option('--no-shrink', 'do not shrink failing cases')
    .option('--shrink-budget <RUNS>', 'most runs spent shrinking one failure (default 150)')
    .option('--print-case', 'print the drawn case as JSON instead of running it')
    .option('--json', 'one JSON line per case')
    .action((opts: Record<string, unknown>) => action(ctx, opts));
}
