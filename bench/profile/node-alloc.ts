/**
 * What one devnet node allocates under load, by allocation site: V8's sampling heap profiler
 * over the inspector protocol, with the objects already collected kept in the profile (so it is
 * the garbage, not only what is live), one sample per 8 KiB on average. Writes the profile to
 * /tmp/thermo-alloc.heapprofile (Chrome DevTools opens it) and prints the total and the
 * finalized transfers of the window, then the bytes by package and by allocation site. A
 * diagnostic, not a benchmark.
 *
 *   node --experimental-websocket --import tsx bench/profile/node-alloc.ts [engine] [tps] [seconds] [node]
 *   (defaults: pbft 800 15 1)
 *
 * With THERMO_PROFILE_LIVE=1 the collected objects are left out: the profile is then what the
 * window allocated that is still alive at its end (what holds memory, not what churns).
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
const target = Number(process.argv[5] ?? 1);
const INSPECT_PORT = 9329;
const OUT = '/tmp/thermo-alloc.heapprofile';
const LIVE_ONLY = process.env['THERMO_PROFILE_LIVE'] === '1';

const TOP = Number(process.env['THERMO_PROFILE_TOP'] ?? 30);
/** Frames of caller context in the "allocation site" table. */
const SITE_DEPTH = 3;

interface ProfileNode {
  readonly callFrame: CallFrame;
  readonly selfSize: number;
  readonly children?: readonly ProfileNode[];
}

const byCategory = new Map<string, number>();
const bySite = new Map<string, number>();

/** Walks the tree: total bytes, and the bytes by package and by site (function < callers). */
function accumulate(n: ProfileNode, callers: readonly string[]): number {
  const here = frameLabel(n.callFrame);
  if (n.selfSize > 0) {
    addTo(byCategory, frameCategory(n.callFrame), n.selfSize);
    addTo(bySite, [here, ...callers.slice(0, SITE_DEPTH)].join(' < '), n.selfSize);
  }
  const path = [here, ...callers];
  return n.selfSize + (n.children ?? []).reduce((a, c) => a + accumulate(c, path), 0);
}

const dir = mkdtempSync(join(os.tmpdir(), 'thermo-alloc-'));
const layout = await createDevnetLayout({ dir, nodes: 4, engine, devAccounts: 256 });
const targetConfig = layout.nodes[target]?.configPath;
if (targetConfig === undefined) throw new Error(`no node ${target}`);
const sup = new DevnetSupervisor({
  layout,
  nodeCommand: (configPath) => {
    const c = thermoNodeCommand(configPath);
    return configPath === targetConfig ? { ...c, args: [`--inspect=127.0.0.1:${INSPECT_PORT}`, ...c.args] } : c;
  },
});
sup.spawnAll();
await sup.waitReady([0, 1, 2, 3], 90_000, 1);

const session = await connectInspector(INSPECT_PORT);
const call = session.call;

const gen = new LoadGenerator(devnetLoad(layout, tps));
await gen.start();
await new Promise((r) => setTimeout(r, 4000));
await call('HeapProfiler.enable');
await call('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: !LIVE_ONLY, includeObjectsCollectedByMinorGC: !LIVE_ONLY });
const final0 = gen.report().finalAcked;
await new Promise((r) => setTimeout(r, seconds * 1000));
const { profile } = (await call('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
const finalized = gen.report().finalAcked - final0;
writeFileSync(OUT, JSON.stringify(profile));
const bytes = accumulate(profile.head, []);
console.log(JSON.stringify({ engine, offered_tps: tps, live_only: LIVE_ONLY, node: target, seconds, finalized, allocated_mb: Math.round(bytes / 1e5) / 10, kb_per_finalized_tx: finalized > 0 ? Math.round(bytes / finalized / 100) / 10 : null, profile: OUT }));
printShares('allocated bytes by package / file', byCategory, bytes, TOP);
printShares(`allocated bytes by site (function < ${SITE_DEPTH} callers)`, bySite, bytes, TOP);
session.close();
await gen.close();
await sup.stopAll(10_000);
