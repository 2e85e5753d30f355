/**
 * The swarm's smoke set (part of `npm test`): per engine, a fixed set of drawn seeds plus one
 * seed derived from the commit (`git rev-parse HEAD`, or a fixed seed without git), with at most
 * SMOKE_MAX_NODES nodes to fit the test budget (the benchmark, bench/swarm.bench.ts, draws 4-31).
 * Every case must be safe (no invariant violation) and no honest engine may throw; on failure
 * the message carries both replay commands (the drawn seed, and the exact case).
 *
 * Liveness after the last heal is judged too, and a stall is printed with its replay command,
 * but it is not asserted here: the swarm found open liveness findings in several engines
 * (docs/RELIABILITY.md, "What was found"); asserting it would make the suite fail on known,
 * documented issues that belong to those engines' owners.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SWARM_ENGINES, commitSeed, drawnReplay, runSeed } from '../../src/sim/fuzz/index.js';
import type { SeedOutcome } from '../../src/sim/fuzz/index.js';

const SMOKE_SEEDS = [1, 2, 3];
const SMOKE_MAX_NODES = 7;
const DRAW = { maxNodes: SMOKE_MAX_NODES };

function headCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const COMMIT_SEED = commitSeed(headCommit());

function check(engine: string, seed: number): void {
  const o: SeedOutcome = runSeed(engine, seed, { draw: DRAW, shrink: false });
  const v = o.verdict;
  const where = `drawn: ${drawnReplay(engine, seed, DRAW)}\ncase: ${v.replay}`;
  expect(v.safetyViolations, `${engine} seed ${seed}: ${JSON.stringify(v.firstViolation)}\n${where}`).toBe(0);
  expect(v.engineErrors, `${engine} seed ${seed}: ${v.firstEngineError ?? ''}\n${where}`).toBe(0);
  if (v.failure === 'liveness') {
    console.warn(`[swarm] ${engine} seed ${seed}: no progress after the last heal (stalled ${v.stalled.join(',') || '-'}, acked-not-final ${v.ackedNotFinal})\n${where}`);
  }
}

describe('swarm smoke set', () => {
  for (const engine of SWARM_ENGINES) {
    for (const seed of SMOKE_SEEDS) it(`${engine} seed ${seed}`, () => check(engine, seed));
    it(`${engine} commit seed ${COMMIT_SEED}`, () => check(engine, COMMIT_SEED));
  }
});
