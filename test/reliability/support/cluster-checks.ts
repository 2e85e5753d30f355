/**
 * Checks shared by the real-cluster fault tests (test/reliability/cluster.test.ts: loopback and
 * the node's fault gate; cluster-netns.test.ts: one network namespace per node). Issue 8 item 3:
 * afterwards every acknowledged transaction is final exactly once everywhere, heights never go
 * back, and state roots agree (docs/reliability-cluster.md section 1).
 */
import { expect } from 'vitest';
import { LoadGenerator } from '../../../src/node/index.js';
import type { DevnetLayout, DevnetSupervisor, FinalEntryJson, NodeClient, TxRecordLoad } from '../../../src/node/index.js';
import { allEntries, sleep, waitFor } from '../../support/devnet-polling.js';

/**
 * The cluster tests' load: 40 signed transfers/s from 16 senders to 64 recipients, spread over
 * every node's API, finality watched on node `track` (one never faulted). Not started: the
 * caller keeps it where its afterAll can close it, then starts it.
 */
export function clusterLoad(layout: DevnetLayout, track: number): LoadGenerator {
  return new LoadGenerator({ nodes: layout.nodes.map((n) => n.apiUrl), chainId: layout.chainId, tps: 40, senders: 16, recipients: 64, trackNode: track });
}

/**
 * SIGKILLs node `index`, restarts it from its store 1.5 s later (the load generator counts it as
 * down meanwhile), waits until it serves its API with at least one peer, checks it is a new
 * process, then waits 2 s.
 */
export async function killAndRestart(sup: DevnetSupervisor, gen: LoadGenerator, index: number): Promise<void> {
  const pidBefore = sup.pid(index);
  await sup.kill(index, 'SIGKILL');
  gen.markDown(index, 3000);
  await sleep(1500);
  sup.spawn(index);
  await sup.waitReady([index], 45_000, 1);
  expect(sup.pid(index)).not.toBe(pidBefore);
  await sleep(2000);
}

/**
 * SIGSTOPs node `index` for `ms`, SIGCONTs it, then waits 2 s; the load generator counts it as
 * down meanwhile. The pid sits in `frozen` while stopped, so the test's afterAll can SIGCONT it
 * if the test fails in between.
 */
export async function freezeFor(sup: DevnetSupervisor, gen: LoadGenerator, index: number, ms: number, frozen: number[]): Promise<void> {
  const pid = sup.pid(index)!;
  gen.markDown(index, ms + 1000);
  process.kill(pid, 'SIGSTOP');
  frozen.push(pid);
  await sleep(ms);
  process.kill(pid, 'SIGCONT');
  frozen.pop();
  await sleep(2000);
}

/** Polls every node's height; records every decrease (the invariant: none, ever). */
export class HeightWatch {
  readonly max: number[];
  readonly maxFinalized: number[];
  readonly regressions: string[] = [];
  readonly minValidatorPeers: number[];
  samples = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  /** Node whose peer count is being sampled into minValidatorPeers (the partitioned one). */
  watchPeersOf: number | null = null;

  constructor(private readonly clients: readonly NodeClient[]) {
    this.max = clients.map(() => -1);
    this.maxFinalized = clients.map(() => -1);
    this.minValidatorPeers = clients.map(() => Number.POSITIVE_INFINITY);
  }

  start(): void {
    this.timer = setInterval(() => void this.sample(), 300);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await Promise.all(
        this.clients.map(async (c, i) => {
          const s = await c.status().catch(() => null);
          if (s === null) return; // stopped, killed, restarting or cut off
          this.samples++;
          if (s.height < this.max[i]!) this.regressions.push(`node ${i}: height ${s.height} after ${this.max[i]}`);
          if (s.finalized < this.maxFinalized[i]!) this.regressions.push(`node ${i}: finalized ${s.finalized} after ${this.maxFinalized[i]}`);
          this.max[i] = Math.max(this.max[i]!, s.height);
          this.maxFinalized[i] = Math.max(this.maxFinalized[i]!, s.finalized);
          if (this.watchPeersOf === i) this.minValidatorPeers[i] = Math.min(this.minValidatorPeers[i]!, s.validatorPeers);
        }),
      );
    } finally {
      this.busy = false;
    }
  }
}

/**
 * Waits until every acknowledged transfer is final on the generator's tracked node; when that
 * times out, writes the first stuck transfers as every node sees them, and every node's
 * telemetry, to stderr (the cluster's files are kept in `dir`). Returns whether it drained.
 */
export async function drainOrDump(gen: LoadGenerator, clients: readonly NodeClient[], dir: string, timeoutMs: number): Promise<boolean> {
  const drained = await gen.drain(timeoutMs);
  if (!drained) {
    const stuck = gen.acknowledged().filter((r) => r.finalAt === undefined);
    for (const r of stuck.slice(0, 5)) {
      const views = await Promise.all(clients.map((c) => c.txStatus(r.id).catch(() => null)));
      process.stderr.write(`stuck ${r.id} sender ${r.sender} nonce ${r.nonce} acked by node ${r.ackNode}: ${JSON.stringify(views)}\n`);
    }
    for (const c of clients) process.stderr.write(`${JSON.stringify(await c.get('/telemetry').catch(() => null))}\n`);
    process.stderr.write(`cluster files kept in ${dir}\n`);
  }
  return drained;
}

/** Waits until every node reaches node `track`'s current height; returns that height. */
export async function waitAllReach(clients: readonly NodeClient[], track: number, timeoutMs: number): Promise<number> {
  const target = (await clients[track]!.status()).height;
  for (let i = 0; i < clients.length; i++) {
    await waitFor(`node ${i} to reach height ${target}`, async () => (await clients[i]!.status()).height >= target, timeoutMs);
  }
  return target;
}

/**
 * Reads every node's finalized log and asserts: every acknowledged transfer is in it exactly
 * once, heights increase along it, state roots agree at every height two nodes share, and the
 * logs are identical entry by entry (value and transaction ids) up to the shortest. Returns
 * the logs.
 */
export async function checkFinalLogs(clients: readonly NodeClient[], acked: readonly TxRecordLoad[]): Promise<FinalEntryJson[][]> {
  const logs = await Promise.all(clients.map((c) => allEntries(c)));
  const rootsByHeight = new Map<number, string>();
  for (const [i, log] of logs.entries()) {
    const counts = new Map<string, number>();
    for (const e of log) for (const id of e.txIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    const missing = acked.filter((r) => !counts.has(r.id)).map((r) => r.id);
    expect(missing, `node ${i} misses acknowledged transfers`).toEqual([]);
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice, `node ${i} finalized a transfer twice`).toEqual([]);
    let lastHeight = -1;
    for (const e of log) {
      if (e.height === null || e.stateRoot === null) continue;
      expect(e.height, `node ${i}: log heights increase`).toBeGreaterThan(lastHeight);
      lastHeight = e.height;
      const seen = rootsByHeight.get(e.height);
      if (seen === undefined) rootsByHeight.set(e.height, e.stateRoot);
      else expect(e.stateRoot, `state root at height ${e.height} (node ${i})`).toBe(seen);
    }
  }
  // Same transactions in the same order everywhere (the logs agree up to the shortest).
  const shortest = Math.min(...logs.map((l) => l.length));
  for (let s = 0; s < shortest; s++) {
    const ids = new Set(logs.map((l) => `${l[s]!.value}:${l[s]!.txIds.join(',')}`));
    expect(ids.size, `finalized entry ${s} differs between nodes`).toBe(1);
  }
  return logs;
}
