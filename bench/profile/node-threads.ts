/**
 * Where a devnet node's CPU goes by thread: the main (JavaScript) thread against V8's worker
 * threads (concurrent and parallel garbage collection, background compilation) and libuv's. Reads
 * /proc/PID/task/TID/stat (utime + stime) of the four node processes over a 12 s window under
 * load, after 4 s of warm-up. Linux only; a diagnostic, not a benchmark (no JSON line).
 *
 *   npx tsx bench/profile/node-threads.ts [engine] [offered tps]     (defaults: pbft 800)
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { thermoNodeCommand } from '../../src/cli/commands/devnet.js';
import { DevnetSupervisor, LoadGenerator, createDevnetLayout } from '../../src/node/index.js';
import { devnetLoad } from '../devnet-load.js';

const engine = process.argv[2] ?? 'pbft';
const tps = Number(process.argv[3] ?? 800);
const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** CPU ticks per thread, keyed "node N main" or "node N thread TID". */
function threadTicks(pids: readonly number[]): Map<string, number> {
  const ticks = new Map<string, number>();
  pids.forEach((pid, i) => {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const key = Number(tid) === pid ? `node ${i} main` : `node ${i} thread ${tid}`;
      ticks.set(key, Number(fields[11]) + Number(fields[12]));
    }
  });
  return ticks;
}

const dir = mkdtempSync(join(os.tmpdir(), 'thermo-threads-'));
const layout = await createDevnetLayout({ dir, nodes: 4, engine, devAccounts: 256 });
const sup = new DevnetSupervisor({ layout, nodeCommand: (p) => thermoNodeCommand(p) });
sup.spawnAll();
await sup.waitReady([0, 1, 2, 3], 90_000, 1);
const pids = layout.nodes.map((_, i) => sup.pid(i) ?? -1);
const gen = new LoadGenerator(devnetLoad(layout, tps));
await gen.start();
await new Promise((r) => setTimeout(r, 4000));
const before = threadTicks(pids);
const t0 = Date.now();
await new Promise((r) => setTimeout(r, 12_000));
const after = threadTicks(pids);
const seconds = (Date.now() - t0) / 1000;
let main = 0;
let workers = 0;
for (const [key, v] of after) {
  const ms = ((v - (before.get(key) ?? 0)) * TICK_MS) / seconds;
  if (key.endsWith(' main')) main += ms;
  else workers += ms;
}
const report = gen.report();
console.log(
  JSON.stringify({
    engine,
    offered_tps: tps,
    finalized_tps: report.finalizedPerSecond,
    node_cpu_ms_per_s: { main: Math.round(main), other_threads: Math.round(workers), other_share: Math.round((workers / (main + workers)) * 1000) / 1000 },
  }),
);
await gen.close();
await sup.stopAll(10_000);
