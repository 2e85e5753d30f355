/**
 * End to end: four `thermo node` processes (reference engine) on loopback with a shared
 * genesis; a load generator submits signed transfers through their HTTP APIs and records every
 * acknowledged one; node 2 is SIGKILLed mid-load and restarted from its store; after the load
 * every acknowledged transfer must be final on EVERY node, and all nodes must report the same
 * state root at every height they share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { thermoNodeCommand } from '../../src/cli/commands/devnet.js';
import { DevnetSupervisor, LoadGenerator, createDevnetLayout } from '../../src/node/index.js';
import { allEntries, sleep, waitFor } from '../support/devnet-polling.js';

const NODES = 4;
const VICTIM = 2;

let supervisor: DevnetSupervisor | null = null;
let gen: LoadGenerator | null = null;
const dir = mkdtempSync(join(tmpdir(), 'thermo-e2e-'));
let failed = true;

afterAll(async () => {
  await gen?.close();
  await supervisor?.stopAll(3000);
  supervisor?.killAllNow();
  if (process.env['THERMO_KEEP_E2E'] === undefined && !failed) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('devnet end to end', () => {
  it('keeps every acknowledged transfer through a SIGKILL and restart; all nodes agree', async () => {
    const layout = await createDevnetLayout({ dir, nodes: NODES, engine: 'reference', devAccounts: 64 });
    supervisor = new DevnetSupervisor({ layout, nodeCommand: thermoNodeCommand });
    supervisor.spawnAll();
    await supervisor.waitReady([0, 1, 2, 3], 45_000, 1);

    gen = new LoadGenerator({
      nodes: layout.nodes.map((n) => n.apiUrl),
      chainId: layout.chainId,
      tps: 120,
      senders: 16,
      recipients: 64,
      trackNode: 0,
    });
    await gen.start();
    await sleep(5000);
    const ackedBeforeKill = gen.acknowledged().length;
    const pidBefore = supervisor.pid(VICTIM);
    await supervisor.kill(VICTIM, 'SIGKILL');
    await sleep(2000);
    supervisor.spawn(VICTIM);
    await supervisor.waitReady([VICTIM], 30_000, 1);
    expect(supervisor.pid(VICTIM)).not.toBe(pidBefore);
    await sleep(4000);
    const drained = await gen.drain(25_000);
    if (!drained) {
      // Say what is stuck before failing: which node acknowledged it and what each node knows.
      const stuck = gen.acknowledged().filter((r) => r.finalAt === undefined);
      for (const r of stuck.slice(0, 5)) {
        const views = await Promise.all(supervisor.clients.map((c) => c.txStatus(r.id).catch(() => null)));
        process.stderr.write(`stuck ${r.id} sender ${r.sender} nonce ${r.nonce} acked by node ${r.ackNode}: ${JSON.stringify(views)}\n`);
      }
      for (const c of supervisor.clients) process.stderr.write(`${JSON.stringify(await c.get('/telemetry').catch(() => null))}\n`);
      process.stderr.write(`devnet files kept in ${dir}\n`);
    }
    expect(drained).toBe(true);
    const report = gen.report();
    const acked = gen.acknowledged();
    expect(ackedBeforeKill).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThan(ackedBeforeKill);
    expect(acked.some((r) => r.ackNode === VICTIM)).toBe(true);

    // Every node reaches the tracked node's height (the restarted one resyncs from its peers).
    const target = (await supervisor.clients[0]!.status()).height;
    for (let i = 0; i < NODES; i++) {
      await waitFor(`node ${i} to reach height ${target}`, async () => (await supervisor!.clients[i]!.status()).height >= target, 30_000);
    }

    const logs = await Promise.all(supervisor.clients.map((c) => allEntries(c)));
    const rootsByHeight = new Map<number, string>();
    for (const [i, log] of logs.entries()) {
      const finalIds = new Set(log.flatMap((e) => e.txIds));
      const missing = acked.filter((r) => !finalIds.has(r.id));
      expect(missing.map((r) => r.id), `node ${i} misses acknowledged transfers`).toEqual([]);
      expect(finalIds.size, `node ${i} finalized a transfer twice`).toBe(log.reduce((n, e) => n + e.txIds.length, 0));
      for (const e of log) {
        if (e.height === null || e.stateRoot === null) continue;
        const seen = rootsByHeight.get(e.height);
        if (seen === undefined) rootsByHeight.set(e.height, e.stateRoot);
        else expect(e.stateRoot, `state root at height ${e.height} (node ${i})`).toBe(seen);
      }
    }
    // And the nodes' current state roots agree once they are at the same height.
    const statuses = await Promise.all(supervisor.clients.map((c) => c.status()));
    const h = Math.min(...statuses.map((s) => s.height));
    const entriesAtH = await Promise.all(supervisor.clients.map((c) => c.get(`/blocks/${h}`)));
    const roots = new Set(entriesAtH.map((r) => (r.ok && typeof r.body === 'object' && r.body !== null && 'stateRoot' in r.body ? String(r.body.stateRoot) : 'missing')));
    expect(roots.size).toBe(1);
    expect(report.acked).toBe(acked.length);
    failed = false;
    process.stdout.write(`e2e: ${report.acked} acknowledged, all final on ${NODES} nodes; height ${target}; p50 ${report.latencyMs.p50} ms\n`);
  }, 90_000);
});
