/**
 * The load generator against a fake node (plain node:http): a refusal that every node gives
 * until the chain moves on (NEG_NONCE_TOO_FAR) is waited out and the SAME transfer sent again;
 * a refusal saying another transfer holds the nonce for good (NEG_CONFLICT_DECIDED) skips that
 * nonce and the sender goes on; a refusal about the transfer itself stops its sender (a nonce gap
 * would stall the rest).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/core/index.js';
import { decodeTransfer, transferIdHex } from '../../src/ledger/index.js';
import { LoadGenerator } from '../../src/node/client/index.js';

interface FakeNode {
  readonly url: string;
  readonly accepted: { readonly sender: string; readonly nonce: number }[];
  close(): Promise<void>;
}

/** Refuses the first submission of (sender 0, nonce 2) with `code`, accepts everything else; each accepted batch is final at once. */
async function fakeNode(code: string): Promise<FakeNode> {
  const accepted: { sender: string; nonce: number }[] = [];
  const entries: { seq: number; slot: string; value: string; txIds: string[] }[] = [];
  let refused = false;
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.startsWith('/accounts/')) return send(200, { balance: '1000000', nonce: 0, height: 0, stateRoot: '' });
    if (req.method === 'GET' && url.pathname === '/status') return send(200, { chainId: 'c', engine: 'e', genesisHash: '', peerId: '', height: 0, finalized: 0, peers: 0, validatorPeers: 0 });
    if (req.method === 'GET' && url.pathname === '/blocks') return send(200, { entries: entries.filter((e) => e.seq >= Number(url.searchParams.get('from'))) });
    if (req.method === 'POST' && url.pathname === '/txs/batch') {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const txs = (JSON.parse(raw) as { txs: string[] }).txs.map((h) => decodeTransfer(fromHex(h)));
        const ids: string[] = [];
        const results = txs.map((tx) => {
          const sender = Buffer.from(tx.from).toString('hex');
          if (!refused && tx.nonce === 2) {
            refused = true;
            return { status: 409, body: { error: { code } } };
          }
          accepted.push({ sender, nonce: tx.nonce });
          ids.push(transferIdHex(tx));
          return { status: 202, body: { id: transferIdHex(tx) } };
        });
        if (ids.length > 0) entries.push({ seq: entries.length, slot: `s${entries.length}`, value: '', txIds: ids });
        send(200, { results });
      });
      return;
    }
    send(404, { error: { code: 'NOT_FOUND' } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, accepted, close: () => new Promise((r) => server.close(() => r())) };
}

let node: FakeNode | null = null;
afterEach(async () => {
  await node?.close();
  node = null;
});

async function runLoad(code: string): Promise<{ report: ReturnType<LoadGenerator['report']>; nonces: number[] }> {
  node = await fakeNode(code);
  const load = new LoadGenerator({ nodes: [node.url], chainId: 'c', tps: 40, senders: 1, recipients: 4, pollMs: 20 });
  await load.start();
  await new Promise((r) => setTimeout(r, 400));
  expect(await load.drain(5000)).toBe(true);
  const report = load.report();
  await load.close();
  return { report, nonces: node.accepted.map((a) => a.nonce).sort((a, b) => a - b) };
}

describe('load generator refusals', () => {
  it('NEG_NONCE_TOO_FAR is waited out: the same transfer goes again, the sender goes on, no nonce gap', async () => {
    const { report, nonces } = await runLoad('NEG_NONCE_TOO_FAR');
    expect(report.waits).toBe(1);
    expect(report.rejected).toEqual({});
    expect(report.submitted).toBeGreaterThan(5);
    expect(report.acked).toBe(report.submitted);
    expect(report.finalAcked).toBe(report.submitted);
    expect(nonces).toEqual(Array.from({ length: report.submitted }, (_, i) => i));
  });

  it('NEG_CONFLICT_DECIDED skips the nonce (another transfer holds it) and the sender goes on', async () => {
    const { report, nonces } = await runLoad('NEG_CONFLICT_DECIDED');
    expect(report.skipped).toBe(1);
    expect(report.waits).toBe(0);
    expect(report.rejected).toEqual({});
    expect(report.submitted).toBeGreaterThan(5);
    expect(report.acked).toBe(report.submitted - 1);
    expect(report.finalAcked).toBe(report.acked);
    // Every nonce but the taken one was accepted: the sender was not stopped at 2.
    expect(nonces).toEqual(Array.from({ length: report.submitted }, (_, i) => i).filter((n) => n !== 2));
  });

  it('a refusal about the transfer itself (LEDGER_BAD_SIGNATURE) stops the sender and is counted', async () => {
    const { report, nonces } = await runLoad('LEDGER_BAD_SIGNATURE');
    expect(report.waits).toBe(0);
    expect(report.rejected).toEqual({ LEDGER_BAD_SIGNATURE: 1 });
    expect(nonces.every((n) => n !== 2)).toBe(true);
    expect(report.acked).toBe(report.submitted - 1);
  });
});
