/**
 * One swarm seed end to end: draw, run, and on failure shrink (same failure kind) and return
 * both replay commands: the drawn case (`--engine E --seed S`) and the shrunk one (`--case`).
 */
import type { FuzzCase } from './case.js';
import { drawCase } from './draw.js';
import type { DrawOptions } from './draw.js';
import type { FuzzVerdict, RunCaseOptions } from './run.js';
import { runCase } from './run.js';
import { DEFAULT_SHRINK_BUDGET, shrinkCase } from './shrink.js';

export interface SeedOutcome {
  readonly verdict: FuzzVerdict;
  /** `thermo sim fuzz --engine E --seed S [...]`: draws and runs the same case. */
  readonly drawn: string;
  /** Present when the seed failed and shrinking was asked for. */
  readonly shrunk?: { readonly verdict: FuzzVerdict; readonly runs: number; readonly exhausted: boolean };
}

/** The seed used when the commit is unknown (no git): fixed, so the run is still reproducible. */
export const FIXED_COMMIT_SEED = 20_261_123;

/** A seed from a commit id: its first 8 hex digits as an integer, or FIXED_COMMIT_SEED. */
export function commitSeed(commit: string | null | undefined): number {
  const m = /^[0-9a-f]{8}/i.exec((commit ?? '').trim());
  return m === null ? FIXED_COMMIT_SEED : Number.parseInt(m[0], 16);
}

export function drawnReplay(engine: string, seed: number, options: DrawOptions = {}): string {
  const extra = [
    ...(options.minNodes !== undefined ? [`--min-nodes ${options.minNodes}`] : []),
    ...(options.maxNodes !== undefined ? [`--max-nodes ${options.maxNodes}`] : []),
  ];
  return ['npx thermo sim fuzz --engine', engine, '--seed', String(seed), ...extra].join(' ');
}

export interface RunSeedOptions extends RunCaseOptions {
  readonly draw?: DrawOptions;
  /** Shrink a failing case (default true); budget in runs. */
  readonly shrink?: boolean;
  readonly shrinkBudget?: number;
}

/** Shrinks a failing verdict's case, keeping the failure kind. */
export function shrinkVerdict(v: FuzzVerdict, options: RunCaseOptions = {}, budget = DEFAULT_SHRINK_BUDGET): SeedOutcome['shrunk'] {
  const kind = v.failure;
  let last: FuzzVerdict = v;
  const fails = (c: FuzzCase): boolean => {
    const r = runCase(c, options);
    if (r.failure === kind) last = r;
    return r.failure === kind;
  };
  const s = shrinkCase(v.case, fails, budget);
  const verdict = last.case === s.case ? last : runCase(s.case, options);
  return { verdict, runs: s.runs, exhausted: s.exhausted };
}

export function runSeed(engine: string, seed: number, options: RunSeedOptions = {}): SeedOutcome {
  const c = drawCase(engine, seed, options.draw);
  const verdict = runCase(c, options);
  const drawn = drawnReplay(engine, seed, options.draw);
  if (verdict.failure === null || options.shrink === false) return { verdict, drawn };
  return { verdict, drawn, shrunk: shrinkVerdict(verdict, options, options.shrinkBudget) };
}
