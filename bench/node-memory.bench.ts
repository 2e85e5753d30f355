/**
 * A devnet node's memory over minutes, not seconds: a 4-node devnet under a steady load for
 * THERMO_BENCH_MINUTES, every node's memory sampled every THERMO_BENCH_SAMPLE_S, optionally
 * with each node in a memory cgroup of THERMO_BENCH_MEMORY_LIMIT_MIB (src/node/devnet/memory-limit.ts).
 *
 * Per sample, per node (MB): RSS, its anonymous part (heap, buffers), its file-backed part,
 * and of that the pages of the store's data file (lmdb's map, from /proc/PID/smaps) and of the
 * transaction index's LevelDB tables, the store file's and the index's sizes, the V8 heap in use, the major page faults so far; with a limit also the cgroup's
 * charge. One JSON line per
 * sample, then one summary line: the highest RSS and anonymous memory per node in the last
 * third of the run (after the caches have filled), the load report, the cgroup peaks and OOM
 * kills, and the ratio of the highest RSS to the 300 MB target.
 *
 * Why a limit: the store's file pages are clean page cache, reclaimed under memory pressure and
 * left mapped without it, so an unlimited run says how much a node touched; a limited run says
 * whether it keeps up within that much (throughput and latency are in the summary).
 *
 *   npx tsx bench/node-memory.bench.ts [engine]        (default thermotruth)
 *   env: THERMO_BENCH_TPS (default 1000), THERMO_BENCH_MINUTES (default 10),
 *        THERMO_BENCH_SAMPLE_S (default 60), THERMO_BENCH_MEMORY_LIMIT_MIB (default none)
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { thermoNodeCommand } from '../src/cli/commands/devnet.js';
import { DevnetSupervisor, LoadGenerator, NodeMemoryLimits, createDevnetLayout, findMemoryCgroup } from '../src/node/index.js';
import { devnetLoad } from './devnet-load.js';
import { machineInfo } from './machine.js';

const ENGINE = process.argv[2] ?? 'thermotruth';
const TPS = Number(process.env['THERMO_BENCH_TPS'] ?? 1000);
const MINUTES = Number(process.env['THERMO_BENCH_MINUTES'] ?? 10);
const SAMPLE_S = Number(process.env['THERMO_BENCH_SAMPLE_S'] ?? 60);
const LIMIT_MIB = process.env['THERMO_BENCH_MEMORY_LIMIT_MIB'] === undefined ? null : Number(process.env['THERMO_BENCH_MEMORY_LIMIT_MIB']);
const TARGET_MB = 300;
const MB = 1e6;
const NODES = 4;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface NodeSample {
  readonly rss_mb: number;
  readonly anon_mb: number;
  readonly file_mb: number;
  readonly store_mapped_mb: number;
  readonly store_file_mb: number;
  /** Resident pages of the LevelDB transaction index's tables (it reads them through mmap). */
  readonly index_mapped_mb: number;
  readonly index_dir_mb: number;
  readonly heap_used_mb: number;
  readonly cgroup_mb: number | null;
  /** Page faults that had to read from disk since the node started (a page the kernel had dropped). */
  readonly major_faults: number;
}

const round = (bytes: number): number => Math.round(bytes / MB);

function statusKb(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]);
}

/** Field 12 of /proc/PID/stat (majflt); the command name in field 2 may hold spaces, so count from its ')'. */
function majorFaults(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[9]);
}

/** Resident bytes of the process's maps of lmdb's data file and of the index's LevelDB tables. */
function mappedBytes(pid: number): { store: number; index: number } {
  const total = { store: 0, index: 0 };
  let into: 'store' | 'index' | null = null;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) into = line.endsWith('/db/data.mdb') ? 'store' : /\/txindex\/\d+\.ldb$/.test(line) ? 'index' : null;
    else if (into !== null && line.startsWith('Rss:')) total[into] += Number(line.split(/\s+/)[1]) * 1024;
  }
  return total;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const f of readdirSync(dir)) total += statSync(join(dir, f)).size;
  return total;
}

async function heapUsed(apiUrl: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const m = /^nodejs_heap_used_bytes (\S+)/m.exec(text);
  return m === null ? NaN : Number(m[1]);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'thermo-bench-mem-'));
  const layout = await createDevnetLayout({ dir, nodes: NODES, engine: ENGINE });
  const limits = LIMIT_MIB === null ? undefined : new NodeMemoryLimits(findMemoryCgroup(), `thermo-bench-${process.pid}`, LIMIT_MIB * 1024 * 1024);
  const sup = new DevnetSupervisor({ layout, nodeCommand: thermoNodeCommand, ...(limits === undefined ? {} : { memoryLimits: limits }) });
  const samples: { t_s: number; nodes: NodeSample[] }[] = [];
  try {
    sup.spawnAll();
    await sup.waitReady([0, 1, 2, 3], 90_000, 1);
    const gen = new LoadGenerator(devnetLoad(layout, TPS));
    await gen.start();
    const t0 = Date.now();
    const end = t0 + MINUTES * 60_000;
    while (Date.now() < end) {
      await sleep(Math.min(SAMPLE_S * 1000, end - Date.now()));
      const nodes = await Promise.all(
        layout.nodes.map(async (n): Promise<NodeSample> => {
          const pid = sup.pid(n.index);
          if (pid === undefined) throw new Error(`node ${n.index} is not running (see ${n.dir}/stderr.log)`);
          const mapped = mappedBytes(pid);
          return {
            rss_mb: Math.round(statusKb(pid, 'VmRSS') / 1000),
            anon_mb: Math.round(statusKb(pid, 'RssAnon') / 1000),
            file_mb: Math.round(statusKb(pid, 'RssFile') / 1000),
            store_mapped_mb: round(mapped.store),
            store_file_mb: round(statSync(join(n.dataDir, 'db', 'data.mdb')).size),
            index_mapped_mb: round(mapped.index),
            index_dir_mb: round(dirBytes(join(n.dataDir, 'txindex'))),
            heap_used_mb: round(await heapUsed(n.apiUrl)),
            cgroup_mb: limits === undefined ? null : round(limits.stats(n.index).usage),
            major_faults: majorFaults(pid),
          };
        }),
      );
      const sample = { t_s: Math.round((Date.now() - t0) / 1000), nodes };
      samples.push(sample);
      console.log(JSON.stringify({ bench: 'node-memory', engine: ENGINE, sample: sample.t_s, finalized_per_s: gen.report().finalizedPerSecond, nodes }));
    }
    await gen.drain(10_000);
    const load = gen.report();
    await gen.close();
    const late = samples.slice(Math.floor((samples.length * 2) / 3));
    const maxOf = (f: (s: NodeSample) => number): number[] => layout.nodes.map((n) => Math.max(...late.map((s) => f(s.nodes[n.index]!))));
    const rssLate = maxOf((s) => s.rss_mb);
    console.log(
      JSON.stringify({
        bench: 'node-memory',
        engine: ENGINE,
        offered_tps: TPS,
        minutes: MINUTES,
        memory_limit_mib: LIMIT_MIB,
        late_max_rss_mb: rssLate,
        late_max_anon_mb: maxOf((s) => s.anon_mb),
        late_max_store_mapped_mb: maxOf((s) => s.store_mapped_mb),
        rss_to_target: Math.round((Math.max(...rssLate) / TARGET_MB) * 100) / 100,
        cgroups: limits === undefined ? null : layout.nodes.map((n) => limits.stats(n.index)),
        load: {
          finalized_per_s: load.finalizedPerSecond,
          acked: load.acked,
          final_acked: load.finalAcked,
          p50_ms: load.latencyMs.p50,
          p99_ms: load.latencyMs.p99,
        },
        machine: machineInfo(),
        loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
      }),
    );
  } finally {
    await sup.stopAll(10_000);
    limits?.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
