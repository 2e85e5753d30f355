/**
 * One whole node in-process (a single-validator chain: the reference engine finalizes alone):
 * a transfer through the HTTP API becomes final and moves balances; the node stops and starts
 * again from its store with the same chain and state; a second node on a taken API port, a
 * foreign key or a foreign genesis is refused with a typed error.
 */
import '../../src/node/polyfill.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/index.js';
import { devAddress, devKeyPair, signTransfer } from '../../src/ledger/index.js';
import { NodeClient, ThermoNode, createLogger, resolveConfig, writeGenesis, writeKeyFile } from '../../src/node/index.js';
import type { NodeConfig } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'thermo-node-'));
const running: ThermoNode[] = [];
afterAll(async () => {
  for (const n of running) await n.stop();
  rmSync(dir, { recursive: true, force: true });
});

const key = writeKeyFile(join(dir, 'key.json'));
const other = writeKeyFile(join(dir, 'other.json'));
writeGenesis(join(dir, 'genesis.json'), {
  chainId: 'solo-chain',
  engine: 'reference',
  params: { blockIntervalMs: 20 },
  epochMs: Date.now(),
  validators: [key.publicKeyHex],
  devAccounts: { count: 4, balance: '1000' },
});
writeGenesis(join(dir, 'foreign.json'), {
  chainId: 'other-chain',
  engine: 'reference',
  epochMs: 0,
  validators: [key.publicKeyHex],
});

function config(over: Partial<NodeConfig> & { port?: number } = {}): NodeConfig {
  const base = resolveConfig(
    {},
    {
      genesis: join(dir, 'genesis.json'),
      key: join(dir, 'key.json'),
      dataDir: join(dir, 'data'),
      api: { port: over.port ?? 0 },
      store: { deepCheck: true },
      log: { level: 'silent', console: false },
    },
  );
  return { ...base, ...over };
}

const quiet = createLogger({ name: 'test', level: 'silent', console: false });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(50);
  }
}

describe('a single-validator node', () => {
  let url = '';
  let heightBefore = 0;
  let rootBefore = '';

  it('finalizes a transfer submitted through its API', async () => {
    const node = await ThermoNode.start(config(), { logger: quiet });
    running.push(node);
    url = node.apiUrl;
    const client = new NodeClient(url);
    const tx = signTransfer(devKeyPair(0), { chainId: 'solo-chain', to: devAddress(1), amount: 7n, nonce: 0 });
    const r = await client.submit(tx);
    expect(r.ok && r.status).toBe(202);
    await until(async () => {
      const s = await client.txStatus(tx.id);
      return s.ok && s.body.status === 'final';
    });
    const acc = await client.account(toHex(devAddress(1)));
    expect(acc.balance).toBe(1007n);
    // Telemetry: this node's submit-to-final time is one positive sample; nothing is pending.
    const tel = (await (await fetch(`${url}/telemetry`)).json()) as { telemetry: Record<string, number> };
    expect(tel.telemetry['finalityLatencyMs']).toBeGreaterThan(0);
    expect(tel.telemetry['mempool']).toBe(0);
    // The reference engine has neither a DAG nor epochs of proposals.
    expect((await fetch(`${url}/dag`)).status).toBe(404);
    expect((await fetch(`${url}/epoch`)).status).toBe(404);
    const again = await client.submit(tx);
    expect(again.ok && again.status).toBe(200); // already final: answered from the store
    // One status read: two could straddle a new block (a single node keeps making them).
    const st = await client.status();
    heightBefore = st.height;
    rootBefore = st.stateRoot ?? '';
    await node.stop();
    running.pop();
    client.close();
  });

  it('restarts from its store with the same chain, height and state', async () => {
    const node = await ThermoNode.start(config(), { logger: quiet });
    running.push(node);
    const client = new NodeClient(node.apiUrl);
    const s = await client.status();
    expect(s.height).toBeGreaterThanOrEqual(heightBefore);
    const entry = await client.get(`/blocks/${heightBefore}`);
    expect(entry.ok && (entry.body as { stateRoot: string }).stateRoot).toBe(rootBefore);
    expect((await client.account(toHex(devAddress(1)))).balance).toBe(1007n);
    client.close();
  });

  it('refuses a taken API port, another key, and another genesis, with typed errors', async () => {
    const port = Number(new URL(running[0]!.apiUrl).port);
    await expect(ThermoNode.start(config({ port, dataDir: join(dir, 'data2') }), { logger: quiet })).rejects.toMatchObject({ code: 'NODE_LISTEN_FAILED' });
    await running[0]!.stop();
    running.pop();
    await expect(ThermoNode.start({ ...config(), key: join(dir, 'other.json') }, { logger: quiet })).rejects.toMatchObject({ code: 'STORE_KEY_MISMATCH' });
    await expect(ThermoNode.start({ ...config(), genesis: join(dir, 'foreign.json') }, { logger: quiet })).rejects.toMatchObject({ code: 'STORE_GENESIS_MISMATCH' });
    await expect(ThermoNode.start({ ...config(), dataDir: join(dir, 'fresh'), key: join(dir, 'other.json') }, { logger: quiet })).rejects.toMatchObject({
      code: 'NODE_NOT_A_VALIDATOR',
    });
    expect(other.publicKeyHex).not.toBe(key.publicKeyHex);
  });
});
