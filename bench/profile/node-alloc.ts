/**
 * What one devnet node allocates under load, by allocation site: V8's sampling heap profiler
 * over the inspector protocol, with the objects already collected kept in the profile (so it is
 * the garbage, not only what is live), one sample per 8 KiB on average. Writes the profile to
 * /tmp/thermo-alloc.heapprofile (Chrome DevTools opens it) and prints the total and the
 * finalized transfers of the window. A diagnostic, not a benchmark.
 *
 *   node --experimental-websocket --import tsx bench/profile/node-alloc.ts [engine] [tps] [seconds] [node]
 *   (defaults: pbft 800 15 1)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { thermoNodeCommand } from '../../src/cli/commands/devnet.js';
import { DevnetSupervisor, LoadGenerator, createDevnetLayout } from '../../src/node/index.js';

const engine = process.argv[2] ?? 'pbft';
const tps = Number(process.argv[3] ?? 800);
const seconds = Number(process.argv[4] ?? 15);
const target = Number(process.argv[5] ?? 1);
const INSPECT_PORT = 9329;
const OUT = '/tmp/thermo-alloc.heapprofile';

interface ProfileNode {
  readonly selfSize: number;
  readonly children?: readonly ProfileNode[];
}

function totalBytes(n: ProfileNode): number {
  return n.selfSize + (n.children ?? []).reduce((a, c) => a + totalBytes(c), 0);
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

const targets = (await (await fetch(`http://127.0.0.1:${INSPECT_PORT}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
const ws = new WebSocket(targets[0]?.webSocketDebuggerUrl ?? '');
await new Promise((r) => ws.addEventListener('open', r, { once: true }));
let nextId = 0;
const pending = new Map<number, (result: unknown) => void>();
ws.addEventListener('message', (e) => {
  const m = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
  if (m.id !== undefined) pending.get(m.id)?.(m.result);
});
const call = (method: string, params: object = {}): Promise<unknown> =>
  new Promise((resolve) => {
    const id = ++nextId;
    pending.set(id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });

const gen = new LoadGenerator({ nodes: layout.nodes.map((n) => n.apiUrl), chainId: layout.chainId, tps, senders: Math.min(256, Math.max(16, Math.ceil(tps / 12))), recipients: 256, maxOutstanding: 512 });
await gen.start();
await new Promise((r) => setTimeout(r, 4000));
await call('HeapProfiler.enable');
await call('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const final0 = gen.report().finalAcked;
await new Promise((r) => setTimeout(r, seconds * 1000));
const { profile } = (await call('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
const finalized = gen.report().finalAcked - final0;
writeFileSync(OUT, JSON.stringify(profile));
const bytes = totalBytes(profile.head);
console.log(JSON.stringify({ engine, offered_tps: tps, node: target, seconds, finalized, allocated_mb: Math.round(bytes / 1e5) / 10, kb_per_finalized_tx: finalized > 0 ? Math.round(bytes / finalized / 100) / 10 : null, profile: OUT }));
ws.close();
await gen.close();
await sup.stopAll(10_000);
