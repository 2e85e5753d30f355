/**
 * Where a devnet's main-thread CPU goes, by function and by package: V8's sampling CPU profiler
 * on all four node processes at once over the inspector protocol, one sample per 250 µs, over a
 * window under load after 4 s of warm-up. Prints, summed over the four nodes, the self time by
 * package or source file, the top functions by self time and the src/ functions by inclusive
 * time, as shares of all samples; writes each profile to /tmp/thermo-cpu-N.cpuprofile (Chrome
 * DevTools opens them). Worker threads (V8's concurrent GC, compilation) are not sampled: see
 * node-threads.ts for that split. A diagnostic, not a benchmark.
 *
 *   node --experimental-websocket --import tsx bench/profile/node-cpu.ts [engine] [tps] [seconds]
 *   (defaults: pbft 800 15)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { thermoNodeCommand } from '../../src/cli/commands/devnet.js';
import { DevnetSupervisor, LoadGenerator, createDevnetLayout } from '../../src/node/index.js';
import { devnetLoad } from '../devnet-load.js';
import { type CallFrame, addTo, frameCategory, frameLabel, printShares } from './frames.js';
import { connectInspector } from './inspector.js';

const engine = process.argv[2] ?? 'pbft';
const tps = Number(process.argv[3] ?? 800);
const seconds = Number(process.argv[4] ?? 15);
const BASE_PORT = 9330;
const SAMPLE_US = 250;
const TOP = Number(process.env['THERMO_PROFILE_TOP'] ?? 30);

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const selfByCategory = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusiveSrc = new Map<string, number>();
let total = 0;

function accumulate(p: CpuProfile): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    const leaf = byId.get(p.samples[i]!);
    if (leaf === undefined) continue;
    total += dt;
    addTo(selfByCategory, frameCategory(leaf.callFrame), dt);
    addTo(selfByFunction, frameLabel(leaf.callFrame), dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (!frameCategory(f).startsWith('src/')) continue;
      const l = frameLabel(f);
      if (seen.has(l)) continue;
      seen.add(l);
      addTo(inclusiveSrc, l, dt);
    }
  }
}

const dir = mkdtempSync(join(os.tmpdir(), 'thermo-cpu-'));
const layout = await createDevnetLayout({ dir, nodes: 4, engine, devAccounts: 256 });
const ports = new Map(layout.nodes.map((n, i) => [n.configPath, BASE_PORT + i]));
const sup = new DevnetSupervisor({
  layout,
  nodeCommand: (configPath) => {
    const c = thermoNodeCommand(configPath);
    return { ...c, args: [`--inspect=127.0.0.1:${ports.get(configPath)}`, ...c.args] };
  },
});
sup.spawnAll();
await sup.waitReady([0, 1, 2, 3], 90_000, 1);
const sessions = await Promise.all(layout.nodes.map((_, i) => connectInspector(BASE_PORT + i)));
const gen = new LoadGenerator(devnetLoad(layout, tps));
await gen.start();
await new Promise((r) => setTimeout(r, 4000));
for (const s of sessions) {
  await s.call('Profiler.enable');
  await s.call('Profiler.setSamplingInterval', { interval: SAMPLE_US });
}
await Promise.all(sessions.map((s) => s.call('Profiler.start')));
const final0 = gen.report().finalAcked;
await new Promise((r) => setTimeout(r, seconds * 1000));
const profiles = (await Promise.all(sessions.map((s) => s.call('Profiler.stop')))) as { profile: CpuProfile }[];
const finalized = gen.report().finalAcked - final0;
profiles.forEach(({ profile }, i) => {
  writeFileSync(`/tmp/thermo-cpu-${i}.cpuprofile`, JSON.stringify(profile));
  accumulate(profile);
});
console.log(JSON.stringify({ engine, offered_tps: tps, seconds, finalized, finalized_per_s: Math.round((finalized / seconds) * 10) / 10, sampled_main_thread_ms_per_final_tx: finalized > 0 ? Math.round(total / 1000 / finalized * 1000) / 1000 : null }));
printShares('self time by package / file (four nodes)', selfByCategory, total, TOP);
printShares('self time by function', selfByFunction, total, TOP);
printShares('inclusive time of src/ functions', inclusiveSrc, total, TOP);
for (const s of sessions) s.close();
await gen.close();
await sup.stopAll(10_000);
