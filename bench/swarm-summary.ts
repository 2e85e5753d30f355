/**
 * Summarizes swarm --log files (one JSON line per seed, bench/swarm.bench.ts): per engine the
 * seeds run (a seed run twice counts once, its LAST line wins: a re-run after a fix replaces the
 * old verdict), the seed range and the seeds missing in it, safety violations, engine errors,
 * liveness failures and mean wall time per seed; then every failing seed with its replay.
 * Prints one JSON line per engine, then the failures as text (docs/RELIABILITY.md section 6).
 *
 *   npx tsx bench/swarm-summary.ts reports/swarm/pbft.jsonl reports/swarm/hotstuff.jsonl ...
 */
import { readFileSync } from 'node:fs';

interface SeedLine {
  readonly engine: string;
  readonly seed: number;
  readonly nodes: number;
  readonly byzantine: number;
  readonly behaviour: string;
  readonly failure: string | null;
  readonly safety_violations: number;
  readonly engine_errors: number;
  readonly stalled: number;
  readonly acked_not_final: number;
  readonly wall_ms: number;
  readonly drawn: string;
}

function isSeedLine(v: unknown): v is SeedLine {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o['engine'] === 'string' && typeof o['seed'] === 'number' && typeof o['wall_ms'] === 'number';
}

const byEngine = new Map<string, Map<number, SeedLine>>();
for (const file of process.argv.slice(2)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const v: unknown = JSON.parse(line);
    if (!isSeedLine(v)) throw new Error(`${file}: not a swarm seed line: ${line.slice(0, 80)}`);
    let seeds = byEngine.get(v.engine);
    if (seeds === undefined) byEngine.set(v.engine, (seeds = new Map()));
    seeds.set(v.seed, v);
  }
}

const failures: string[] = [];
for (const [engine, seeds] of byEngine) {
  const all = [...seeds.values()].sort((a, b) => a.seed - b.seed);
  const lo = all[0]!.seed;
  const hi = all[all.length - 1]!.seed;
  const missing: number[] = [];
  for (let s = lo; s <= hi; s++) if (!seeds.has(s)) missing.push(s);
  let wall = 0;
  for (const r of all) wall += r.wall_ms;
  const failing = all.filter((r) => r.failure !== null);
  console.log(
    JSON.stringify({
      engine,
      seeds: all.length,
      from: lo,
      to: hi,
      missing: missing.length,
      nodes_min: Math.min(...all.map((r) => r.nodes)),
      nodes_max: Math.max(...all.map((r) => r.nodes)),
      violations: all.reduce((n, r) => n + r.safety_violations, 0),
      seeds_with_violations: all.filter((r) => r.safety_violations > 0).length,
      engine_errors: all.reduce((n, r) => n + r.engine_errors, 0),
      liveness_failures: all.filter((r) => r.failure === 'liveness').length,
      mean_wall_s: Math.round(wall / all.length / 10) / 100,
    }),
  );
  for (const r of failing) {
    failures.push(`- ${engine} seed ${r.seed} (n = ${r.nodes}, ${r.byzantine} ${r.behaviour}): ${r.failure}, stalled ${r.stalled}, acknowledged not final ${r.acked_not_final}: \`${r.drawn}\``);
  }
}
if (failures.length > 0) console.log(failures.join('\n'));
