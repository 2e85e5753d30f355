/**
 * The swarm benchmark (issue 8): thousands of seeded fault cases per engine (src/sim/fuzz),
 * each checked for safety (online invariants), honest-engine errors and liveness after the
 * last heal. Prints ONE JSON line per engine:
 *   {"bench":"swarm","engine":E,"from":S,"seeds":N,"violations":V,"engine_errors":X,
 *    "liveness_failures":L,"failures":[{seed,failure,drawn,replay}...],"wall_s":W,"machine":{...}}
 * and, with --log FILE, one JSON line per seed (appended; a later run continues with --from).
 *
 *   npx tsx bench/swarm.bench.ts [--engines pbft,hotstuff,...] [--seeds 1000] [--from 1]
 *                                [--jobs 2] [--max-nodes 31] [--log FILE] [--shrink]
 *
 * --jobs J runs J child processes (this file with --worker), each taking every J-th seed, so
 * the result does not depend on J. Failures are not shrunk unless --shrink (shrinking costs up
 * to 150 runs); each failure's drawn replay command reproduces it (`thermo sim fuzz --engine E
 * --seed S`, which shrinks).
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setVerifyMemo } from '../src/core/index.js';
import { SWARM_ENGINES, drawnReplay, runSeed } from '../src/sim/fuzz/index.js';
import { machineInfo } from './machine.js';

interface Args {
  engines: string[];
  seeds: number;
  from: number;
  jobs: number;
  maxNodes?: number;
  log?: string;
  shrink: boolean;
  worker: boolean;
  stride: number;
  offset: number;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { engines: [...SWARM_ENGINES], seeds: 1000, from: 1, jobs: 1, shrink: false, worker: false, stride: 1, offset: 0 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = argv[i + 1];
    const num = (): number => {
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${k}: an integer, got ${String(v)}`);
      i++;
      return n;
    };
    if (k === '--engines') {
      a.engines = (v ?? '').split(',').filter((x) => x.length > 0);
      i++;
    } else if (k === '--seeds') a.seeds = num();
    else if (k === '--from') a.from = num();
    else if (k === '--jobs') a.jobs = Math.max(1, num());
    else if (k === '--max-nodes') a.maxNodes = num();
    else if (k === '--log') {
      a.log = v;
      i++;
    } else if (k === '--shrink') a.shrink = true;
    else if (k === '--worker') a.worker = true;
    else if (k === '--stride') a.stride = Math.max(1, num());
    else if (k === '--offset') a.offset = num();
    else throw new Error(`unknown flag ${k}`);
  }
  return a;
}

interface SeedLine {
  engine: string;
  seed: number;
  nodes: number;
  byzantine: number;
  behaviour: string;
  failure: string | null;
  safety_violations: number;
  engine_errors: number;
  stalled: number;
  acked_not_final: number;
  events: number;
  wall_ms: number;
  drawn: string;
  replay: string;
  detail?: string;
  shrunk_replay?: string;
}

function runOne(engine: string, seed: number, a: Args): SeedLine {
  const draw = a.maxNodes !== undefined ? { maxNodes: a.maxNodes } : {};
  const o = runSeed(engine, seed, { draw, shrink: a.shrink });
  const v = o.verdict;
  const detail = v.firstViolation !== null ? `${v.firstViolation.kind} at ${v.firstViolation.atMs} ms: ${v.firstViolation.detail}` : (v.firstEngineError ?? (v.stalled.length > 0 ? `stalled ${v.stalled.join(',')}` : undefined));
  return {
    engine,
    seed,
    nodes: v.case.nodes,
    byzantine: v.case.byzantine.length,
    behaviour: v.case.behaviour,
    failure: v.failure,
    safety_violations: v.safetyViolations,
    engine_errors: v.engineErrors,
    stalled: v.stalled.length,
    acked_not_final: v.ackedNotFinal,
    events: v.summary.events,
    wall_ms: Math.round(v.wallMs),
    drawn: drawnReplay(engine, seed, draw),
    replay: v.replay,
    ...(detail !== undefined && v.failure !== null ? { detail } : {}),
    ...(o.shrunk !== undefined ? { shrunk_replay: o.shrunk.verdict.replay } : {}),
  };
}

/** Worker: runs seeds from + offset, from + offset + stride, ... and prints one JSON line each. */
function worker(a: Args): void {
  // Every simulated node verifies the same signatures: verify each once (same results, see core/crypto).
  setVerifyMemo(1 << 18);
  for (const engine of a.engines) {
    for (let s = a.from + a.offset; s < a.from + a.seeds; s += a.stride) process.stdout.write(`${JSON.stringify(runOne(engine, s, a))}\n`);
  }
}

async function parent(a: Args): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  for (const engine of a.engines) {
    const started = performance.now();
    const lines: SeedLine[] = [];
    const forward = ['--engines', engine, '--seeds', String(a.seeds), '--from', String(a.from), '--stride', String(a.jobs), ...(a.maxNodes !== undefined ? ['--max-nodes', String(a.maxNodes)] : []), ...(a.shrink ? ['--shrink'] : [])];
    await Promise.all(
      Array.from({ length: a.jobs }, (_, j) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', self, '--worker', '--offset', String(j), ...forward], { stdio: ['ignore', 'pipe', 'inherit'] });
          let buf = '';
          child.stdout.setEncoding('utf8');
          child.stdout.on('data', (chunk: string) => {
            buf += chunk;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const text = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (text.trim() === '') continue;
              const line = JSON.parse(text) as SeedLine;
              lines.push(line);
              if (a.log !== undefined) appendFileSync(a.log, `${text}\n`);
            }
          });
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${j} exited with ${String(code)}`))));
        }),
      ),
    );
    lines.sort((x, y) => x.seed - y.seed);
    const failures = lines.filter((l) => l.failure !== null);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'swarm',
        engine,
        from: a.from,
        seeds: lines.length,
        violations: lines.filter((l) => l.failure === 'safety').length,
        engine_errors: lines.filter((l) => l.failure === 'engine-error').length,
        liveness_failures: lines.filter((l) => l.failure === 'liveness').length,
        nodes_min: Math.min(...lines.map((l) => l.nodes)),
        nodes_max: Math.max(...lines.map((l) => l.nodes)),
        events: lines.reduce((s, l) => s + l.events, 0),
        failures: failures.map((l) => ({ seed: l.seed, failure: l.failure, detail: l.detail, drawn: l.drawn, ...(l.shrunk_replay !== undefined ? { shrunk: l.shrunk_replay } : {}) })),
        jobs: a.jobs,
        wall_s: Math.round((performance.now() - started) / 100) / 10,
        machine: machineInfo(),
      })}\n`,
    );
  }
}

const args = parseArgs(process.argv.slice(2));
if (args.worker) worker(args);
else await parent(args);
