/**
 * The node's CLI commands run in-process (runCli): keys new/show, status and tx send against an
 * API on a fake backend, and the usage errors of node and devnet (exit 2 with a message).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { toHex } from '../../src/core/index.js';
import { devAddress, transferIdHex } from '../../src/ledger/index.js';
import { buildApi } from '../../src/node/api/index.js';
import type { Api } from '../../src/node/api/index.js';
import { FakeBackend } from './fake-backend.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'thermo-cli-'));
const backend = new FakeBackend();
let api: Api;
let url = '';

beforeAll(async () => {
  backend.answer = (tx) => {
    backend.txs.set(transferIdHex(tx), { status: 'final', seq: 0 });
    return { kind: 'accepted', txId: transferIdHex(tx) };
  };
  api = buildApi(backend, { bodyLimit: 16384, rateLimit: { perSecond: 1e6, burst: 1e6 }, maxSseClients: 4, statusEventMs: 0 });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('thermo keys', () => {
  it('new writes a 0600 key file; show prints its public key and peer id', async () => {
    const path = join(dir, 'k.json');
    const made = await cli(['keys', 'new', '--out', path, '--json']);
    expect(made.code).toBe(0);
    const info = JSON.parse(made.out) as { publicKey: string; peerId: string };
    expect(info.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(info.peerId).toMatch(/^12D3Koo/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const shown = await cli(['keys', 'show', '--key', path]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(info.publicKey);
    const again = await cli(['keys', 'new', '--out', path]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists');
  });
});

describe('thermo status and tx send', () => {
  it('status prints the node view (and JSON with --json)', async () => {
    const r = await cli(['status', '--node', url]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('test-chain');
    expect(r.out).toContain('temperature=0.5');
    const j = await cli(['status', '--node', url, '--json']);
    expect(JSON.parse(j.out).chainId).toBe('test-chain');
  });

  it('tx send signs with a dev key, submits, and waits until final', async () => {
    const r = await cli(['tx', 'send', '--node', url, '--dev-account', '0', '--to', toHex(devAddress(1)), '--amount', '5', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { status: string; nonce: number };
    expect(out.status).toBe('final');
    expect(out.nonce).toBe(0);
    expect(backend.submitted.at(-1)?.amount).toBe(5n);
  });

  it('tx send with a bad address or amount is a usage error; an unreachable node exits 3', async () => {
    expect((await cli(['tx', 'send', '--node', url, '--dev-account', '0', '--to', 'xyz', '--amount', '5'])).code).toBe(2);
    expect((await cli(['tx', 'send', '--node', url, '--dev-account', '0', '--to', toHex(devAddress(1)), '--amount', '-5'])).code).toBe(2);
    const down = await cli(['status', '--node', 'http://127.0.0.1:1']);
    expect(down.code).toBe(3);
  });
});

describe('thermo node and devnet usage errors', () => {
  it('node without a genesis, or with a broken config, exits 2 with the reason', async () => {
    const r = await cli(['node', '--data', join(dir, 'd')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no genesis file');
    const r2 = await cli(['node', '--config', join(dir, 'missing.json')]);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('config');
  });

  it('devnet with an unknown engine or a bad node count exits 2', async () => {
    const r = await cli(['devnet', '--engine', 'nope', '--nodes', '4', '--data', join(dir, 'dn')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown engine');
    expect((await cli(['devnet', '--nodes', '0', '--data', join(dir, 'dn2')])).code).toBe(2);
    const b = await cli(['devnet', '--broadcast', 'flood', '--data', join(dir, 'dn3')]);
    expect(b.code).toBe(2);
    expect(b.err).toContain('--broadcast takes direct or gossip');
  });
});
