/**
 * Adds up the per-run lines that `bench/negentropy.bench.ts safety|behaviours --log FILE` appends
 * (experiment "safety-run", one per (configuration, n, seed)): per configuration and n, the seeds
 * run, the seeds missing from the range they span, runs with a safety violation, violations by
 * kind, engine errors, honest transfers finalized / submitted, acknowledged but not final, the
 * median of the runs' p50, the mean wall time per run, and the replay of the first failing
 * seed. A (configuration, n, seed) logged twice counts once, its LAST line winning. Prints one
 * JSON line per configuration (docs/protocols/negentropy.md section 5.1 quotes them).
 *
 *   npx tsx bench/negentropy-sweep-summary.ts bench/logs/negentropy/n100-*.jsonl
 */
import { readFileSync } from 'node:fs';

interface RunLine {
  readonly config: { readonly label: string; readonly nodes: number; readonly seed: number };
  readonly results: {
    readonly violations: number;
    readonly violationsByKind: Readonly<Record<string, number>>;
    readonly engineErrors: number;
    readonly finalized: number;
    readonly submitted: number;
    readonly ackedNotFinal: number;
    readonly contestedDecidedAtOneHonestNode: number;
    readonly p50Ms: number | null;
    readonly replay: string;
    readonly wallMs: number;
  };
}

function isRunLine(v: unknown): v is RunLine {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const c = o['config'] as Record<string, unknown> | undefined;
  return o['experiment'] === 'safety-run' && typeof c?.['label'] === 'string' && typeof c['seed'] === 'number' && typeof o['results'] === 'object';
}

const byConfig = new Map<string, Map<number, RunLine>>();
for (const file of process.argv.slice(2)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const v: unknown = JSON.parse(line);
    if (!isRunLine(v)) continue;
    const key = `${v.config.label} | n = ${v.config.nodes}`;
    let seeds = byConfig.get(key);
    if (seeds === undefined) byConfig.set(key, (seeds = new Map()));
    seeds.set(v.config.seed, v);
  }
}

for (const [config, seeds] of [...byConfig].sort(([a], [b]) => a.localeCompare(b))) {
  const runs = [...seeds.values()].sort((a, b) => a.config.seed - b.config.seed);
  const first = runs[0]!.config.seed;
  const last = runs[runs.length - 1]!.config.seed;
  const missing: number[] = [];
  for (let s = first; s <= last; s++) if (!seeds.has(s)) missing.push(s);
  const byKind: Record<string, number> = {};
  let violating = 0;
  let violations = 0;
  let engineErrors = 0;
  let finalized = 0;
  let submitted = 0;
  let ackedNotFinal = 0;
  let contested = 0;
  let wall = 0;
  let firstFailure: string | null = null;
  const p50s: number[] = [];
  for (const r of runs) {
    const x = r.results;
    if (x.violations > 0) {
      violating++;
      firstFailure ??= x.replay;
    }
    violations += x.violations;
    for (const [k, n] of Object.entries(x.violationsByKind)) byKind[k] = (byKind[k] ?? 0) + n;
    engineErrors += x.engineErrors;
    finalized += x.finalized;
    submitted += x.submitted;
    ackedNotFinal += x.ackedNotFinal;
    contested += x.contestedDecidedAtOneHonestNode;
    wall += x.wallMs;
    if (x.p50Ms !== null) p50s.push(x.p50Ms);
  }
  p50s.sort((a, b) => a - b);
  const medianP50 = p50s.length === 0 ? null : p50s[Math.floor(p50s.length / 2)]!;
  process.stdout.write(
    `${JSON.stringify({
      config,
      runs: runs.length,
      seeds: `${first}..${last}`,
      missing,
      runsWithViolation: violating,
      violations,
      violationsByKind: byKind,
      engineErrors,
      finalized,
      submitted,
      ackedNotFinal,
      contestedDecidedAtOneHonestNode: contested,
      medianRunP50Ms: medianP50,
      meanWallS: Math.round(wall / runs.length / 100) / 10,
      firstFailure,
    })}\n`,
  );
}
