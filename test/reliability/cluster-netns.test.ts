/**
 * Real cluster under kernel-level faults (issue 8 item 3: "disconnection (network namespaces
 * with `ip netns` where root is available ...)"; docs/reliability-cluster.md section 1.1).
 *
 * Four `thermo node` processes (PBFT, as cluster.test.ts), each in its own network namespace
 * joined by a veth pair to a bridge in the root namespace (support/netns.ts: 198.18.<k>.0/24,
 * RFC 2544's benchmarking range; node i at .i+1, the bridge at .254, from where the test and the
 * load generator reach every node's HTTP API). Every node listens, and is dialled, on its
 * namespace address; nothing goes over loopback between nodes. A load generator records every
 * acknowledged transfer while four faults happen in turn, one node at a time (f = 1):
 *
 *   1. SIGKILL node 1 (a backup), restart it from its store;
 *   2. partition node 2 for 20 s: its veth link is set down. Packets vanish, no RST, no FIN:
 *      the open TCP connections go silent, which the fault gate of cluster.test.ts (it hangs
 *      connections up) cannot produce, so this exercises libp2p's dead-connection detection
 *      (its connection monitor pings every 10 s and gives up after >= 5 s: 8 s of partition
 *      were measured to end before it fires), the node's redial and catch-up;
 *   3. degrade node 0's link for 8 s, both directions: netem delay 40 ms +- 10 ms and 10 % loss,
 *      or where the kernel has no sch_netem a tbf rate limit (512 kbit/s, <= 50 ms queueing, the
 *      overflow dropped);
 *   4. SIGSTOP node 0 (the primary of view 0) for 10 s, then SIGCONT.
 *
 * Checked as in cluster.test.ts (support/cluster-checks.ts): every acknowledged transfer final
 * exactly once on every node, no height or finalized count ever goes back, all nodes reach the
 * same height, state roots agree at shared heights, finalized logs identical up to the shortest.
 * And that the faults were real: the node pid the supervisor signals is the node itself inside
 * its namespace (`ip netns exec` execs it), the partitioned node's API is unreachable from the
 * root namespace while its link is down and, read from inside, it lost every validator peer;
 * netem dropped packets (tbf: held packets back).
 *
 * The cluster runs only as root where `ip netns add` works (support/netns.ts netnsSupport);
 * skipped with the reason printed otherwise. The naming, addressing and parsing the topology
 * relies on are tested everywhere (first describe), so the file never runs zero tests.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thermoNodeCommand } from '../../src/cli/commands/devnet.js';
import { DevnetSupervisor, NODE_PROCESS_ENV, createDevnetLayout } from '../../src/node/index.js';
import type { DevnetLayout, LoadGenerator, StatusJson } from '../../src/node/index.js';
import { sleep, waitFor } from '../support/devnet-polling.js';
import { HeightWatch, checkFinalLogs, clusterLoad, drainOrDump, freezeFor, killAndRestart, waitAllReach } from './support/cluster-checks.js';
import {
  MAX_IFNAME,
  MAX_NODES,
  NetnsTopology,
  TBF,
  bridgeName,
  deleteLeftovers,
  netnsSupport,
  nsName,
  ownerPid,
  parseLinkNames,
  parseShapeStats,
  parseUsedSubnets,
  pickSubnet,
  subnetPrefix,
  vethName,
} from './support/netns.js';
import type { ShapeStats, Shaper } from './support/netns.js';

const NODES = 4;
const TRACK = 3; // never faulted: the load generator watches finality here
const KILLED = 1;
const PARTITIONED = 2;
const DEGRADED = 0;
const STOPPED = 0;
const PARTITION_MS = 20_000;
const DEGRADE_MS = 8000;
const STOP_MS = 10_000;
const NETEM = { delay: '40ms', jitter: '10ms', loss: '10%' } as const;

const support = netnsSupport();
if (!support.ok) console.log(`cluster-netns: skipped (${support.reason}); test/reliability/cluster.test.ts covers disconnection with the fault gate`);
else if (support.shaper !== 'netem') console.log(`cluster-netns: ${support.note}`);
const shaper: Shaper = support.ok ? support.shaper : 'none';

let dir = '';
let topo: NetnsTopology | null = null;
let supervisor: DevnetSupervisor | null = null;
let gen: LoadGenerator | null = null;
let failed = true;
const stoppedPids: number[] = [];

beforeAll(() => {
  if (!support.ok) return;
  const leftovers = deleteLeftovers();
  if (leftovers.length > 0) console.log(`cluster-netns: deleted leftovers of an earlier run: ${leftovers.join(', ')}`);
  dir = mkdtempSync(join(tmpdir(), 'thermo-cluster-netns-'));
});

afterAll(async () => {
  for (const pid of stoppedPids) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone
    }
  }
  try {
    await gen?.close();
    await supervisor?.stopAll(3000);
  } finally {
    supervisor?.killAllNow();
    topo?.destroy();
    if (dir !== '' && process.env['THERMO_KEEP_E2E'] === undefined && !failed) rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

/**
 * The devnet layout with every node on its namespace address instead of 127.0.0.1: libp2p
 * listen address, bootstrap multiaddrs, API host, API URL. Ports stay as allocated (each node has
 * its own port space now, so any port is free there).
 */
function onNamespaces(layout: DevnetLayout, t: NetnsTopology): DevnetLayout {
  const nodes = layout.nodes.map((n) => ({
    ...n,
    apiUrl: `http://${t.addr(n.index)}:${n.apiPort}`,
    multiaddr: `/ip4/${t.addr(n.index)}/tcp/${n.p2pPort}/p2p/${n.peerId}`,
  }));
  for (const n of nodes) {
    const config = JSON.parse(readFileSync(n.configPath, 'utf8')) as Record<string, unknown>;
    const api = config['api'] as Record<string, unknown>;
    const next = {
      ...config,
      listen: [`/ip4/${t.addr(n.index)}/tcp/${n.p2pPort}`],
      bootstrap: nodes.filter((m) => m.index !== n.index).map((m) => m.multiaddr),
      api: { ...api, host: t.addr(n.index) },
    };
    writeFileSync(n.configPath, `${JSON.stringify(next, null, 2)}\n`);
  }
  return { ...layout, nodes };
}

/** Node i's /status read from inside its namespace (works while its link is down), or null. */
function statusInside(t: NetnsTopology, i: number, url: string): Promise<StatusJson | null> {
  const script = 'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t), () => process.exit(1))';
  return new Promise((resolve) => {
    const c = t.wrap(i, process.execPath, ['-e', script, `${url}/status`]);
    execFile(c.command, c.args, { encoding: 'utf8', timeout: 5000 }, (err, stdout) => {
      if (err !== null) resolve(null);
      else {
        try {
          resolve(JSON.parse(stdout) as StatusJson);
        } catch {
          resolve(null);
        }
      }
    });
  });
}

describe('network namespace topology helpers (no root needed)', () => {
  it('names fit IFNAMSIZ for the largest pid and index, and name their owner', () => {
    const pid = 4_194_304; // PID_MAX_LIMIT on 64-bit Linux (include/linux/threads.h)
    expect(bridgeName(pid)).toBe('thn4194304b');
    expect(vethName(pid, MAX_NODES - 1)).toBe('thn4194304v199');
    expect(vethName(pid, MAX_NODES - 1).length).toBeLessThanOrEqual(MAX_IFNAME);
    expect(nsName(pid, 3)).toBe('thermo-netns-4194304-3');
    for (const n of [bridgeName(pid), vethName(pid, 0), nsName(pid, 3), nsName(pid, 'probe')]) expect(ownerPid(n)).toBe(pid);
    for (const n of ['eth0', 'lo', 'thnb', 'thn12x0', 'thermo-netns-probe', 'docker0', 'thn12v0x']) expect(ownerPid(n)).toBeNull();
  });

  it('parses link names without the @peer suffix', () => {
    const out = [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00',
      '7: thn812b: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT',
      '9: thn812v0@if8: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master thn812b state UP',
    ].join('\n');
    expect(parseLinkNames(out)).toEqual(['lo', 'thn812b', 'thn812v0']);
  });

  it('derives the /24 from the pid inside 198.18.0.0/15 and moves past used ones', () => {
    expect(subnetPrefix(0)).toBe('198.18.0');
    expect(subnetPrefix(255)).toBe('198.18.255');
    expect(subnetPrefix(256)).toBe('198.19.0');
    expect(subnetPrefix(511)).toBe('198.19.255');
    expect(() => subnetPrefix(512)).toThrow(/out of/);
    expect(pickSubnet(1000, new Set())).toBe(488);
    expect(pickSubnet(1000, new Set([488, 489]))).toBe(490);
    expect(pickSubnet(511, new Set([511]))).toBe(0);
    expect(() => pickSubnet(7, new Set(Array.from({ length: 512 }, (_, k) => k)))).toThrow(/in use/);
    const addrs = '2: eth0    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0\n5: thn9b    inet 198.18.7.254/24 scope global thn9b\n6: x    inet 198.19.3.1/24 scope global x';
    expect([...parseUsedSubnets(addrs)]).toEqual([7, 259]);
  });

  it('reads the netem / tbf counters of both ends of a link', () => {
    const tbf = 'qdisc tbf 800e: root refcnt 2 rate 1Mbit burst 8Kb lat 50ms \n Sent 9000 bytes 120 pkt (dropped 7, overlimits 31 requeues 0) \n backlog 0b 0p requeues 0';
    const netem = 'qdisc netem 8001: root refcnt 2 limit 1000 delay 40ms  10ms loss 10%\n Sent 5000 bytes 80 pkt (dropped 9, overlimits 0 requeues 0)\n backlog 0b 0p requeues 0';
    expect(parseShapeStats([tbf, netem])).toEqual({ sent: 200, dropped: 16, overlimits: 31 });
    expect(() => parseShapeStats(['qdisc noqueue 0: root refcnt 2 \n Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)'])).toThrow(/no netem or tbf/);
  });
});

describe.skipIf(!support.ok)('real cluster in network namespaces: SIGKILL, link down, degraded link, SIGSTOP', () => {
  it('keeps every acknowledged transfer final exactly once everywhere; heights never go back; roots agree', async () => {
    const t0 = Date.now();
    topo = await NetnsTopology.create(NODES);
    const t = topo;
    const layout = onNamespaces(await createDevnetLayout({ dir, nodes: NODES, engine: 'pbft', devAccounts: 64 }), t);
    const exits: { node: number; code: number | null; signal: string | null }[] = [];
    supervisor = new DevnetSupervisor({
      layout,
      onExit: (i, code, signal) => exits.push({ node: i, code, signal }),
      nodeCommand: (configPath) => {
        const i = layout.nodes.findIndex((n) => n.configPath === configPath);
        const base = thermoNodeCommand(configPath);
        return { ...t.wrap(i, base.command, base.args), env: NODE_PROCESS_ENV };
      },
    });
    const sup = supervisor;
    sup.spawnAll();
    await sup.waitReady([0, 1, 2, 3], 60_000, NODES - 1);
    // The pid the supervisor signals is the node process, inside its own namespace: `ip netns
    // exec` enters the namespace and execs the command without forking.
    for (let i = 0; i < NODES; i++) {
      const pid = sup.pid(i)!;
      expect(readlinkSync(`/proc/${pid}/exe`), `node ${i} pid ${pid} runs node`).toBe(readlinkSync('/proc/self/exe'));
      expect(readlinkSync(`/proc/${pid}/ns/net`), `node ${i} in its namespace`).toBe(`net:[${t.nsInode(i)}]`);
    }
    const readyAt = Date.now();
    const watch = new HeightWatch(sup.clients);
    watch.start();

    gen = clusterLoad(layout, TRACK);
    await gen.start();
    await sleep(3000);
    const ackedAtStart = gen.acknowledged().length;

    // 1. SIGKILL a backup and restart it from its store (in the same namespace).
    await killAndRestart(sup, gen, KILLED);
    expect(exits).toEqual([]);
    const ackedAfterKill = gen.acknowledged().length;

    // 2. Partition node 2: link down. Its API is cut off from the root namespace too; its own
    // view is read from inside its namespace.
    const trackedBefore = (await sup.clients[TRACK]!.status()).height;
    const ackedBeforePartition = gen.acknowledged().length;
    gen.markDown(PARTITIONED, PARTITION_MS + 1000);
    await t.linkDown(PARTITIONED);
    const partitionEnd = Date.now() + PARTITION_MS;
    await sleep(500);
    const fromRoot = await sup.clients[PARTITIONED]!.status().then(
      () => 'answered',
      () => 'unreachable',
    );
    const inside: StatusJson[] = [];
    const insideAt: number[] = []; // seconds since the cut
    const trackedDuring: number[] = []; // the tracked node's height at those times
    while (Date.now() < partitionEnd - 500) {
      const s = await statusInside(t, PARTITIONED, layout.nodes[PARTITIONED]!.apiUrl);
      if (s !== null) {
        inside.push(s);
        insideAt.push(Math.round((Date.now() - (partitionEnd - PARTITION_MS)) / 100) / 10);
        trackedDuring.push((await sup.clients[TRACK]!.status()).height);
      }
      await sleep(500);
    }
    await sleep(Math.max(0, partitionEnd - Date.now()));
    const trackedAtHeal = (await sup.clients[TRACK]!.status()).height;
    const ackedAtHeal = gen.acknowledged().length;
    await t.linkUp(PARTITIONED);
    const healedAt = Date.now();
    // Back with its peers and level with the height the others had reached at the heal.
    await waitFor(
      `node ${PARTITIONED} to see its peers and reach height ${trackedAtHeal}`,
      async () => {
        const s = await sup.clients[PARTITIONED]!.status();
        return s.validatorPeers === NODES - 1 && s.height >= trackedAtHeal;
      },
      60_000,
    );
    const partitionRecoveryMs = Date.now() - healedAt;
    const ackedAfterPartition = gen.acknowledged().length;

    // 3. Degraded link on node 0: netem (delay, jitter, loss), or a tbf rate limit where the
    // kernel has no netem (support/netns.ts).
    let shaped: ShapeStats | null = null;
    if (shaper !== 'none') {
      await t.shapeOn(DEGRADED, shaper === 'netem' ? { netem: NETEM } : { tbf: TBF });
      await sleep(DEGRADE_MS);
      shaped = await t.shapeStats(DEGRADED);
      await t.shapeOff(DEGRADED);
      await sleep(2000);
    }
    const ackedAfterDegrade = gen.acknowledged().length;

    // 4. SIGSTOP the primary of view 0 for 10 s (its peers must change view to go on).
    await freezeFor(sup, gen, STOPPED, STOP_MS, stoppedPids);

    const drained = await drainOrDump(gen, sup.clients, dir, 60_000);
    expect(drained).toBe(true);
    const target = await waitAllReach(sup.clients, TRACK, 60_000);
    await sleep(1000);
    watch.stop();

    const acked = gen.acknowledged();
    // The faults were real: the partitioned node's API did not answer from the root namespace;
    // netem dropped packets (10 % of a few hundred: zero would have probability < 1e-9), or tbf
    // held packets back.
    expect(fromRoot).toBe('unreachable');
    // libp2p noticed the silent connections: its connection monitor pings every 10 s and aborts
    // a connection whose ping times out (>= 5 s), so within 20 s the node saw no validator left.
    expect(inside.length).toBeGreaterThan(0);
    expect(Math.min(...inside.map((s) => s.validatorPeers))).toBe(0);
    if (shaper === 'netem') expect(shaped?.dropped).toBeGreaterThan(0);
    if (shaper === 'tbf') expect(shaped?.overlimits).toBeGreaterThan(0);
    expect(exits).toEqual([]);
    expect(ackedAtStart).toBeGreaterThan(0);
    expect(watch.samples).toBeGreaterThan(NODES * 20);
    expect(watch.regressions).toEqual([]);
    await checkFinalLogs(sup.clients, acked);

    failed = false;
    const report = gen.report();
    const insidePeers = inside.map((s) => s.validatorPeers);
    const insideHeights = inside.map((s) => s.height);
    process.stdout.write(
      `cluster-netns: ${acked.length} acknowledged (${ackedAtStart} before the kill, ${ackedAfterKill} after the restart, ${ackedAfterPartition} after the partition, ${ackedAfterDegrade} after the degraded link), all final exactly once on ${NODES} nodes; height ${target}; ` +
        `partition: tracked height ${trackedBefore} -> ${trackedAtHeal}, acknowledged ${ackedBeforePartition} -> ${ackedAtHeal}, node ${PARTITIONED} inside: validatorPeers ${JSON.stringify(insidePeers)}, heights ${JSON.stringify(insideHeights)} at ${JSON.stringify(insideAt)} s (tracked node ${JSON.stringify(trackedDuring)}), level again ${partitionRecoveryMs} ms after the heal; ` +
        `${shaper}: ${shaped === null ? 'skipped' : `${shaped.dropped} of ${shaped.sent + shaped.dropped} packets dropped, ${shaped.overlimits} overlimits`}; ${watch.samples} height samples; p50 ${report.latencyMs.p50} ms; ready after ${readyAt - t0} ms, total ${Date.now() - t0} ms\n`,
    );
  }, 240_000);
});
