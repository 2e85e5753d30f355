/**
 * The real node under load: a 4-node devnet (4 `thermo node` processes on loopback) per engine,
 * driven by the load generator through the HTTP API.
 *
 * Per engine, ONE JSON line with a sweep of offered rates; per rate: finalized acknowledged
 * transfers per second over the measured window, p50 / p99 submit-to-final latency (measured
 * from the first submission), peak RSS per node, CPU milliseconds spent per
 * finalized transfer (all node processes plus the load generator), the machine and its load
 * average (this machine is shared: the load average says how much of it the run had), and a
 * same-run yardstick: the CPU time of one Ed25519 verification in this process right after the
 * window (bench/verify-probe.ts), and the CPU per finalized transfer divided by it
 * (`cpu_per_final_tx_in_verifies`; the floor is about 4.4: one verify at each of the four
 * nodes and the client's signature). The machine's speed moves from run to run; the ratio less.
 * For the engines that build empty blocks when idle (reference, hotstuff, thermotruth: RESTART_PARAMS)
 * and PBFT (its gap built by a load of one-transfer blocks, RESTART_LOAD) also: restart-to-synced
 * time of a node SIGKILLed and restarted `behind` blocks behind the others.
 *
 *   npx tsx bench/node-devnet.bench.ts [engine ...]
 *   env: THERMO_BENCH_RATES (offered loads swept in one devnet, default 250,500,1000,1500),
 *        THERMO_BENCH_SECONDS (measured window per rate, default 12), THERMO_BENCH_BEHIND (blocks behind for the restart test, default 10000),
 *        THERMO_BENCH_SYNC_CAP_S (longest the chain may run to build that gap, default 300),
 *        THERMO_BENCH_SKIP_RESTART (no restart run), THERMO_BENCH_SKIP_LOAD (the restart run only),
 *        THERMO_BENCH_BROADCAST (direct or gossip: how the nodes broadcast engine messages; default
 *        the devnet's, DEVNET_BROADCAST), THERMO_BENCH_PARAMS (JSON genesis params merged over the
 *        engine's devnet defaults in the load runs, e.g. '{"batchIntervalMs":150}')
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { thermoNodeCommand } from '../src/cli/commands/devnet.js';
import { ENGINES } from '../src/engines/index.js';
import type { DevnetLayout, NodeClient } from '../src/node/index.js';
import { BROADCAST_MODES, DEVNET_BROADCAST, DevnetSupervisor, LoadGenerator, createDevnetLayout } from '../src/node/index.js';
import { devnetLoad } from './devnet-load.js';
import { machineInfo } from './machine.js';
import { ed25519VerifyCpuUs } from './verify-probe.js';

const RATES = (process.env['THERMO_BENCH_RATES'] ?? '250,500,1000,1500').split(',').map(Number);
const SECONDS = Number(process.env['THERMO_BENCH_SECONDS'] ?? 12);
const WARMUP_S = 3;
const BEHIND = Number(process.env['THERMO_BENCH_BEHIND'] ?? 10_000);
const SYNC_CAP_S = Number(process.env['THERMO_BENCH_SYNC_CAP_S'] ?? 300);
const NODES = 4;
/** Genesis params merged over the engine's devnet defaults in the load runs, as JSON (A/B of a parameter). */
const LOAD_PARAMS: unknown = process.env['THERMO_BENCH_PARAMS'] === undefined ? undefined : JSON.parse(process.env['THERMO_BENCH_PARAMS']);
const BROADCAST = BROADCAST_MODES.find((m) => m === (process.env['THERMO_BENCH_BROADCAST'] ?? DEVNET_BROADCAST));
if (BROADCAST === undefined) throw new Error(`THERMO_BENCH_BROADCAST takes ${BROADCAST_MODES.join(' or ')}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function metric(client: NodeClient, name: string): Promise<number> {
  const r = await fetch(`${client.baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  const line = (await r.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.slice(name.length + 1));
}

/** Anonymous resident memory (heap, buffers; without the file-backed lmdb map), Linux only. */
async function anonRss(client: NodeClient): Promise<number> {
  return metric(client, 'process_resident_memory_split_bytes{kind="anonymous"}');
}

async function cpuSeconds(clients: readonly NodeClient[]): Promise<number> {
  const v = await Promise.all(clients.map((c) => metric(c, 'process_cpu_seconds_total').catch(() => NaN)));
  return v.reduce((a, b) => a + b, 0);
}

function perTx(cpuSeconds: number, txs: number): number | null {
  return txs > 0 ? Math.round((cpuSeconds * 1000 * 100) / txs) / 100 : null;
}

function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * One offered rate against a running devnet: warm up, measure a window, drain. `nonces` carries
 * the senders' next nonces from window to window (negentropy's account nonce is the executed
 * one, which lags the previous window's decided transfers).
 */
async function point(sup: DevnetSupervisor, layout: DevnetLayout, tps: number, nonces: number[]): Promise<Record<string, unknown>> {
  const gen = new LoadGenerator({ ...devnetLoad(layout, tps), startNonces: nonces });
  await gen.start();
  let peakRss = 0;
  let peakAnon = 0;
  const sampler = setInterval(() => {
    void Promise.all(sup.clients.map((c) => metric(c, 'process_resident_memory_bytes').catch(() => 0))).then((v) => {
      peakRss = Math.max(peakRss, ...v);
    });
    void Promise.all(sup.clients.map((c) => anonRss(c).catch(() => 0))).then((v) => {
      peakAnon = Math.max(peakAnon, ...v.filter((x) => Number.isFinite(x)));
    });
  }, 1000);
  try {
    await sleep(WARMUP_S * 1000);
    const t0 = performance.now();
    const nodeCpu0 = await cpuSeconds(sup.clients);
    const ownCpu0 = ownCpuSeconds();
    const load0 = os.loadavg()[0]!;
    await sleep(SECONDS * 1000);
    const t1 = performance.now();
    const nodeCpu1 = await cpuSeconds(sup.clients);
    const ownCpu1 = ownCpuSeconds();
    const load1 = os.loadavg()[0]!;
    const verifyUs = ed25519VerifyCpuUs();
    const drained = await gen.drain(20_000);
    const report = gen.report({ from: t0, to: t1 });
    gen.nextNonces().forEach((n, i) => (nonces[i] = Math.max(nonces[i] ?? 0, n)));
    const finalInWindow = report.finalizedPerSecond * ((t1 - t0) / 1000);
    const cpu = nodeCpu1 - nodeCpu0 + (ownCpu1 - ownCpu0);
    return {
      offered_tps: tps,
      finalized_tps: report.finalizedPerSecond,
      latency_p50_ms: report.latencyMs.p50,
      latency_p99_ms: report.latencyMs.p99,
      ack_p50_ms: report.ackLatencyMs.p50,
      acked: report.acked,
      final_acked: report.finalAcked,
      // Every acknowledged transfer final on the tracked node within 20 s after the window.
      drained,
      rejected: report.rejected,
      skipped: report.skipped,
      peak_rss_mb_per_node: Math.round(peakRss / 1e5) / 10,
      // RSS without the file-backed lmdb map (page cache that grows with the store).
      peak_anon_rss_mb_per_node: Math.round(peakAnon / 1e5) / 10,
      cpu_ms_per_final_tx: perTx(cpu, finalInWindow),
      cpu_ms_per_final_tx_nodes: perTx(nodeCpu1 - nodeCpu0, finalInWindow),
      cpu_ms_per_final_tx_loadgen: perTx(ownCpu1 - ownCpu0, finalInWindow),
      ref_ed25519_verify_cpu_us: verifyUs,
      cpu_per_final_tx_in_verifies: finalInWindow > 0 ? Math.round((cpu * 1e6 * 10) / finalInWindow / verifyUs) / 10 : null,
      // What the CPU cost alone would allow on this many cores if nothing else ran.
      cpu_bound_tps: finalInWindow > 0 ? Math.round((os.cpus().length * finalInWindow) / cpu) : null,
      loadavg_1m: [Math.round(load0 * 100) / 100, Math.round(load1 * 100) / 100],
    };
  } finally {
    clearInterval(sampler);
    await gen.close();
  }
}

async function loadRun(engine: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(os.tmpdir(), `thermo-bench-${engine}-`));
  const layout = await createDevnetLayout({ dir, nodes: NODES, engine, devAccounts: 256, broadcast: BROADCAST, params: LOAD_PARAMS });
  const sup = new DevnetSupervisor({ layout, nodeCommand: thermoNodeCommand });
  const cleanup = (): void => sup.killAllNow();
  process.once('exit', cleanup);
  try {
    sup.spawnAll();
    await sup.waitReady([0, 1, 2, 3], 90_000, 1);
    const points: Record<string, unknown>[] = [];
    const nonces: number[] = [];
    for (const tps of RATES) points.push(await point(sup, layout, tps, nonces));
    // The best point: the highest finalized rate among those that kept up (>= 90% of offered).
    const kept = points.filter((p) => Number(p['finalized_tps']) >= 0.9 * Number(p['offered_tps']));
    const best = [...(kept.length > 0 ? kept : points)].sort((a, b) => Number(b['finalized_tps']) - Number(a['finalized_tps']))[0];
    return { window_s: SECONDS, best, points };
  } finally {
    await sup.stopAll(5000);
    process.removeListener('exit', cleanup);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Parameters that make an idle engine build empty blocks as fast as its quorum allows (the gap
 * is built in blocks, not transfers). PBFT orders only requests (no empty batches), so its gap
 * is built by a load (RESTART_LOAD) with one transfer per block. Coherence's devnet runs a real
 * proof of work (10,000 blocks take hours) and negentropy syncs from a super-block: neither is
 * in this list.
 */
const RESTART_PARAMS: ReadonlyMap<string, Record<string, unknown>> = new Map([
  ['reference', { blockIntervalMs: 1, retransmitMs: 500, keepFinalBlocks: 64 }],
  // A short view timeout: the killed node leads every fourth view, which would otherwise cost 1 s.
  ['hotstuff', { batchIntervalMs: 0, viewTimeoutMs: 100 }],
  ['thermotruth', { epochIntervalMs: 0, roundTimeoutMs: 100 }],
  // PBFT builds no empty batches: the gap is built by a load of one-transfer blocks (RESTART_LOAD).
  // The killed node 3 is a backup (view 0's primary is node 0), so no view change is needed.
  ['pbft', { batchIntervalMs: 0, maxTxsPerBlock: 1, maxInFlight: 16, viewChangeTimeoutMs: 4000 }],
]);

/** Engines whose gap is built by transfers: the offered rate (through nodes 0-2) while node 3 is down. */
const RESTART_LOAD: ReadonlyMap<string, number> = new Map([['pbft', 400]]);

/** SIGKILL node 3, let the others build `BEHIND` blocks, restart it, time until it is level. */
async function restartRun(engine: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(os.tmpdir(), 'thermo-bench-sync-'));
  const gapLoad = RESTART_LOAD.get(engine);
  const layout = await createDevnetLayout({ dir, nodes: NODES, engine, devAccounts: gapLoad === undefined ? 8 : 64, params, broadcast: BROADCAST });
  const sup = new DevnetSupervisor({ layout, nodeCommand: thermoNodeCommand });
  const cleanup = (): void => sup.killAllNow();
  process.once('exit', cleanup);
  try {
    sup.spawnAll();
    await sup.waitReady([0, 1, 2, 3], 90_000, 1);
    await sleep(2000);
    await sup.kill(3, 'SIGKILL');
    const killedAt = (await sup.clients[0]!.status()).height;
    const buildStart = performance.now();
    const gen =
      gapLoad === undefined
        ? null
        : new LoadGenerator({ nodes: layout.nodes.slice(0, 3).map((n) => n.apiUrl), chainId: layout.chainId, tps: gapLoad, senders: 64, recipients: 64, maxOutstanding: 512 });
    await gen?.start();
    let tip = killedAt;
    try {
      while (tip - killedAt < BEHIND && performance.now() - buildStart < SYNC_CAP_S * 1000) {
        await sleep(1000);
        tip = (await sup.clients[0]!.status()).height;
      }
    } finally {
      await gen?.close();
    }
    // The chain may still grow by the blocks of transfers in flight: level means level with this.
    await sleep(gen === null ? 0 : 2000);
    tip = (await sup.clients[0]!.status()).height;
    const buildS = (performance.now() - buildStart) / 1000;
    const behind = tip - killedAt;
    const t0 = performance.now();
    sup.spawn(3);
    await sup.waitReady([3], 60_000, 1);
    const readyS = (performance.now() - t0) / 1000;
    let h3 = 0;
    while (h3 < tip && performance.now() - t0 < 600_000) {
      await sleep(100);
      h3 = (await sup.status(3))?.height ?? 0;
    }
    const syncedS = (performance.now() - t0) / 1000;
    return {
      blocks_behind: behind,
      blocks_per_s_while_building: Math.round((behind / buildS) * 10) / 10,
      restart_to_api_ready_s: Math.round(readyS * 100) / 100,
      restart_to_synced_s: h3 >= tip ? Math.round(syncedS * 100) / 100 : null,
      synced_blocks_per_s: h3 >= tip ? Math.round(behind / syncedS) : null,
      target_behind: BEHIND,
    };
  } finally {
    await sup.stopAll(5000);
    process.removeListener('exit', cleanup);
    rmSync(dir, { recursive: true, force: true });
  }
}

const requested = process.argv.slice(2);
const engines = requested.length > 0 ? requested : [...ENGINES.keys()].filter((e) => e !== 'reference-broken');
for (const engine of engines) {
  let results: Record<string, unknown>;
  try {
    results = process.env['THERMO_BENCH_SKIP_LOAD'] === undefined ? await loadRun(engine) : {};
    const restartParams = RESTART_PARAMS.get(engine);
    if (restartParams !== undefined && process.env['THERMO_BENCH_SKIP_RESTART'] === undefined) results = { ...results, restart: await restartRun(engine, restartParams) };
  } catch (err) {
    results = { error: err instanceof Error ? err.message : String(err) };
  }
  process.stdout.write(`${JSON.stringify({ bench: 'node-devnet', engine, nodes: NODES, broadcast: BROADCAST, machine: machineInfo(), results })}\n`);
}
