/**
 * The HTTP API against a fake backend, through fastify inject(): input validation (malformed
 * JSON, wrong types, extra fields, bad hex), body limit at N and N+1 bytes, rate limit at N and
 * N+1 requests, bad signatures, wrong chain, engine rejections, SSE client bound at N and N+1,
 * JSON errors with codes, never a 5xx for bad input (a fast-check property).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/core/index.js';
import { decodeAccountProof, devAddress, devKeyPair, encodeTransfer, signTransfer, transferIdHex, verifyAccountProof } from '../../src/ledger/index.js';
import type { Transfer } from '../../src/ledger/index.js';
import {
  DEFAULT_DAG_LIMIT,
  MAX_BATCH,
  MAX_DAG_LIMIT,
  MAX_MANIFEST_BYTES,
  MAX_REPORTS,
  MAX_REPORT_PATH_SEGMENTS,
  buildApi,
  errorBody,
  listReportFolders,
} from '../../src/node/api/index.js';
import type { Api, ApiOptions } from '../../src/node/api/index.js';
import { CHAIN, FakeBackend } from './fake-backend.js';

const BODY_LIMIT = 1024;
const opts: ApiOptions = { bodyLimit: BODY_LIMIT, rateLimit: { perSecond: 1e6, burst: 1e6 }, maxSseClients: 2, statusEventMs: 0, dashboardDir: '/nonexistent' };

let api: Api | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

function make(o: Partial<ApiOptions> = {}, backend = new FakeBackend()): { api: Api; backend: FakeBackend } {
  api = buildApi(backend, { ...opts, ...o });
  return { api, backend };
}

function tx(nonce = 0, chainId = CHAIN): Transfer {
  return signTransfer(devKeyPair(0), { chainId, to: devAddress(1), amount: 5n, nonce });
}

function jsonTx(t: Transfer): Record<string, unknown> {
  return { chainId: t.chainId, from: toHex(t.from), to: toHex(t.to), amount: t.amount.toString(), nonce: t.nonce, signature: toHex(t.signature) };
}

async function post(a: Api, body: string, contentType = 'application/json') {
  return a.app.inject({ method: 'POST', url: '/txs', payload: body, headers: { 'content-type': contentType } });
}

describe('POST /txs', () => {
  it('accepts a signed transfer as hex and as JSON fields (202 with the id)', async () => {
    const { api: a, backend } = make();
    const t = tx();
    const r1 = await post(a, JSON.stringify({ tx: toHex(encodeTransfer(t)) }));
    expect(r1.statusCode).toBe(202);
    expect(r1.json()).toEqual({ id: transferIdHex(t), status: 'accepted' });
    const r2 = await post(a, JSON.stringify(jsonTx(tx(1))));
    expect(r2.statusCode).toBe(202);
    expect(backend.submitted).toHaveLength(2);
  });

  it('malformed JSON is 400 MALFORMED_JSON', async () => {
    const { api: a } = make();
    for (const body of ['{', '{"tx": }', 'nul', '{"tx":"00"']) {
      const r = await post(a, body);
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('MALFORMED_JSON');
    }
  });

  it('a URL with a bad percent-escape is 400 BAD_REQUEST in the API error shape (the router refuses it before any route)', async () => {
    const { api: a } = make();
    for (const url of ['/%', '/accounts/%/proof', '/txs/%zz']) {
      const r = await a.app.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('BAD_REQUEST');
      expect(typeof r.json().error.message).toBe('string');
    }
  });

  it('wrong types, missing and extra fields are 400 BAD_REQUEST', async () => {
    const { api: a } = make();
    const good = jsonTx(tx());
    const bodies = [
      { ...good, nonce: '0' },
      { ...good, amount: 5 },
      { ...good, chainId: 7 },
      { ...good, from: 'zz' },
      { ...good, extra: 1 },
      { tx: 12 },
      { tx: 'xyz' },
      [],
      'string',
      42,
      null,
    ];
    for (const b of bodies) {
      const r = await post(a, JSON.stringify(b));
      expect(r.statusCode, JSON.stringify(b)).toBe(400);
      expect(r.json().error.code).toBe('BAD_REQUEST');
    }
  });

  it('an undecodable or out-of-range transfer is 400 MALFORMED_TX', async () => {
    const { api: a } = make();
    const r1 = await post(a, JSON.stringify({ tx: '00ff' }));
    expect(r1.json().error.code).toBe('MALFORMED_TX');
    const r2 = await post(a, JSON.stringify({ ...jsonTx(tx()), amount: '99999999999999999999' }));
    expect(r2.statusCode).toBe(400);
    expect(r2.json().error.code).toBe('MALFORMED_TX');
  });

  it('a bad signature is 400 BAD_SIGNATURE and never reaches the engine', async () => {
    const { api: a, backend } = make();
    const body = jsonTx(tx());
    const sig = fromHex(body.signature as string);
    sig[0]! ^= 1;
    const r = await post(a, JSON.stringify({ ...body, signature: toHex(sig) }));
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('BAD_SIGNATURE');
    expect(backend.submitted).toHaveLength(0);
  });

  it('another chain is 400 WRONG_CHAIN; zero amount and self-transfer are 400 INVALID_TX', async () => {
    const { api: a } = make();
    expect((await post(a, JSON.stringify(jsonTx(tx(0, 'other'))))).json().error.code).toBe('WRONG_CHAIN');
    const zero = signTransfer(devKeyPair(0), { chainId: CHAIN, to: devAddress(1), amount: 0n, nonce: 0 });
    expect((await post(a, JSON.stringify(jsonTx(zero)))).json().error.code).toBe('INVALID_TX');
    const self = signTransfer(devKeyPair(0), { chainId: CHAIN, to: devAddress(0), amount: 1n, nonce: 0 });
    expect((await post(a, JSON.stringify(jsonTx(self)))).json().error.code).toBe('INVALID_TX');
  });

  it('maps engine answers: rejection 409 with the engine code, busy 429, timeout 503', async () => {
    const { api: a, backend } = make();
    backend.answer = (t) => ({ kind: 'rejected', txId: transferIdHex(t), code: 'MEMPOOL_NONCE_STALE' });
    const r1 = await post(a, JSON.stringify(jsonTx(tx())));
    expect(r1.statusCode).toBe(409);
    expect(r1.json().error.code).toBe('MEMPOOL_NONCE_STALE');
    backend.answer = (t) => ({ kind: 'busy', txId: transferIdHex(t), code: 'RUNTIME_QUEUE_FULL' });
    const r2 = await post(a, JSON.stringify(jsonTx(tx())));
    expect(r2.statusCode).toBe(429);
    expect(r2.json().error.code).toBe('BUSY');
    backend.answer = (t) => ({ kind: 'timeout', txId: transferIdHex(t) });
    expect((await post(a, JSON.stringify(jsonTx(tx())))).statusCode).toBe(503);
  });

  it('answers 200 final for a transaction that is already final, without resubmitting', async () => {
    const { api: a, backend } = make();
    const t = tx();
    backend.txs.set(transferIdHex(t), { status: 'final', seq: 0 });
    const r = await post(a, JSON.stringify(jsonTx(t)));
    expect(r.statusCode).toBe(200);
    expect(r.json().status).toBe('final');
    expect(backend.submitted).toHaveLength(0);
  });

  it('body limit: N bytes is read, N+1 bytes is 413 BODY_TOO_LARGE', async () => {
    const { api: a } = make();
    const base = JSON.stringify(jsonTx(tx()));
    const atLimit = base + ' '.repeat(BODY_LIMIT - Buffer.byteLength(base));
    expect(Buffer.byteLength(atLimit)).toBe(BODY_LIMIT);
    expect((await post(a, atLimit)).statusCode).toBe(202);
    const over = `${atLimit} `;
    const r = await post(a, over);
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('BODY_TOO_LARGE');
  });

  it('an unsupported content type is a 4xx with a code', async () => {
    const { api: a } = make();
    const r = await post(a, 'hello', 'application/x-whatever');
    expect(r.statusCode).toBe(415);
    expect(r.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const r2 = await post(a, JSON.stringify(jsonTx(tx())), 'text/plain');
    expect(r2.statusCode).toBeGreaterThanOrEqual(400);
    expect(r2.statusCode).toBeLessThan(500);
  });

  it('property: any body gets a 2xx or a 4xx with an error code, never a 5xx', async () => {
    const { api: a } = make();
    const good = jsonTx(tx());
    const bodies = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.json({ maxDepth: 4 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.record({ tx: fc.oneof(fc.string(), fc.integer(), fc.constant("00"), fc.constant(good.signature)) }).map((o) => JSON.stringify(o)),
      fc
        .record({
          chainId: fc.oneof(fc.constant(CHAIN), fc.string()),
          from: fc.oneof(fc.constant(good.from), fc.string()),
          to: fc.oneof(fc.constant(good.to), fc.string()),
          amount: fc.oneof(fc.constant(good.amount), fc.string(), fc.bigInt().map(String)),
          nonce: fc.oneof(fc.integer(), fc.double(), fc.string()),
          signature: fc.oneof(fc.constant(good.signature), fc.string()),
        })
        .map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const r = await post(a, body);
        if (r.statusCode >= 200 && r.statusCode < 300) return;
        expect(r.statusCode).toBeGreaterThanOrEqual(400);
        expect(r.statusCode).toBeLessThan(500);
        expect(typeof r.json().error.code).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});

describe('rate limit', () => {
  it('allows N requests and refuses request N+1 with 429 RATE_LIMITED', async () => {
    const N = 5;
    const { api: a } = make({ rateLimit: { perSecond: 0.001, burst: N } });
    for (let i = 0; i < N; i++) expect((await a.app.inject({ method: 'GET', url: '/status' })).statusCode).toBe(200);
    const r = await a.app.inject({ method: 'GET', url: '/status' });
    expect(r.statusCode).toBe(429);
    expect(r.json().error.code).toBe('RATE_LIMITED');
    expect(r.headers['retry-after']).toBeDefined();
  });

  it('limits each client address separately', async () => {
    const { api: a } = make({ rateLimit: { perSecond: 0.001, burst: 1 } });
    expect((await a.app.inject({ method: 'GET', url: '/status', remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
    expect((await a.app.inject({ method: 'GET', url: '/status', remoteAddress: '10.0.0.1' })).statusCode).toBe(429);
    expect((await a.app.inject({ method: 'GET', url: '/status', remoteAddress: '10.0.0.2' })).statusCode).toBe(200);
  });
});

describe('GET routes', () => {
  it('blocks by height, by hash, and as a range; 404 for unknown; 400 for a bad id', async () => {
    const { api: a } = make();
    const byH = await a.app.inject({ url: '/blocks/1' });
    expect(byH.statusCode).toBe(200);
    expect(byH.json()).toMatchObject({ seq: 0, height: 1, value: 'ab'.repeat(32), supply: '5' });
    expect((await a.app.inject({ url: `/blocks/0x${'AB'.repeat(32)}` })).json().seq).toBe(0);
    expect((await a.app.inject({ url: `/vertices/${'ab'.repeat(32)}` })).statusCode).toBe(200);
    const missing = await a.app.inject({ url: '/blocks/99' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect((await a.app.inject({ url: '/blocks/xyz' })).statusCode).toBe(400);
    const range = await a.app.inject({ url: '/blocks?from=0&limit=10' });
    expect(range.json().entries).toHaveLength(1);
    expect((await a.app.inject({ url: '/blocks?from=-1' })).statusCode).toBe(400);
    expect((await a.app.inject({ url: '/blocks?limit=abc' })).statusCode).toBe(400);
  });

  it('transaction status: final, unknown (404 TX_UNKNOWN), bad id (400)', async () => {
    const { api: a } = make();
    const r = await a.app.inject({ url: `/txs/${'cd'.repeat(32)}` });
    expect(r.json()).toMatchObject({ status: 'final', seq: 0, height: 1 });
    const u = await a.app.inject({ url: `/txs/${'ee'.repeat(32)}` });
    expect(u.statusCode).toBe(404);
    expect(u.json().error.code).toBe('TX_UNKNOWN');
    expect((await a.app.inject({ url: '/txs/123' })).statusCode).toBe(400);
  });

  it('an account and a proof that verifies against the returned state root', async () => {
    const { api: a } = make();
    const addr = toHex(devAddress(2));
    const acc = await a.app.inject({ url: `/accounts/${addr}` });
    expect(acc.json()).toMatchObject({ balance: '1000', nonce: 0 });
    const pr = (await a.app.inject({ url: `/accounts/${addr}/proof` })).json();
    const proof = decodeAccountProof(fromHex(pr.proof));
    expect(verifyAccountProof(fromHex(pr.stateRoot), devAddress(2), proof)).toEqual({ balance: 1000n, nonce: 0 });
    expect((await a.app.inject({ url: '/accounts/nothex' })).statusCode).toBe(400);
  });

  it('telemetry, metrics (Prometheus content type), status, unknown routes, dashboard placeholder', async () => {
    const { api: a } = make();
    expect((await a.app.inject({ url: '/telemetry' })).json().telemetry.temperature).toBe(0.5);
    const m = await a.app.inject({ url: '/metrics' });
    expect(m.headers['content-type']).toContain('text/plain; version=0.0.4');
    expect((await a.app.inject({ url: '/status' })).json().chainId).toBe(CHAIN);
    const nf = await a.app.inject({ url: '/nope' });
    expect(nf.statusCode).toBe(404);
    expect(nf.json()).toEqual(errorBody('NOT_FOUND', 'no route GET /nope'));
    const root = await a.app.inject({ url: '/' });
    expect(root.headers['content-type']).toContain('text/html');
    expect(root.body).toContain('dashboard is not built');
    expect((await a.app.inject({ method: 'DELETE', url: '/status' })).statusCode).toBe(404);
  });
});

describe('server-sent events', () => {
  function open(port: number): Promise<{ status: number; res: http.IncomingMessage; req: http.ClientRequest }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/events' }, (res) => resolve({ status: res.statusCode ?? 0, res, req }));
      req.on('error', reject);
    });
  }

  it('serves N streams, refuses stream N+1 with 429, and delivers finalized events', async () => {
    const backend = new FakeBackend();
    const { api: a } = make({ maxSseClients: 2 }, backend);
    await a.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (a.app.server.address() as AddressInfo).port;
    const s1 = await open(port);
    const s2 = await open(port);
    expect([s1.status, s2.status]).toEqual([200, 200]);
    const s3 = await open(port);
    expect(s3.status).toBe(429);
    s3.res.resume();
    let text = '';
    s1.res.on('data', (d: Buffer) => (text += d.toString()));
    for (const l of backend.listeners) l(backend.entries[0]!);
    await new Promise((r) => setTimeout(r, 100));
    expect(text).toContain('event: finalized');
    expect(text).toContain('"height":1');
    s1.req.destroy();
    s2.req.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(a.sse.size).toBe(0);
  });
});

describe('POST /txs/batch', () => {
  it('answers each transfer on its own, in order', async () => {
    const { api: a } = make();
    const good = toHex(encodeTransfer(tx(0)));
    const bad = JSON.parse(JSON.stringify(jsonTx(tx(1)))) as Record<string, string>;
    const sig = fromHex(bad.signature!);
    sig[5]! ^= 1;
    const forged = toHex(encodeTransfer({ ...tx(1), signature: sig }));
    const r = await a.app.inject({ method: 'POST', url: '/txs/batch', payload: { txs: [good, forged, '00'] } });
    expect(r.statusCode).toBe(200);
    const results = r.json().results as { status: number; body: { id?: string; status?: string; error?: { code: string } } }[];
    expect(results.map((x) => x.status)).toEqual([202, 400, 400]);
    expect(results[0]!.body).toEqual({ id: transferIdHex(tx(0)), status: 'accepted' });
    expect(results[1]!.body.error!.code).toBe('BAD_SIGNATURE');
    expect(results[2]!.body.error!.code).toBe('MALFORMED_TX');
  });

  it('takes MAX_BATCH transfers and refuses MAX_BATCH + 1 and an empty batch (400)', async () => {
    const { api: a } = make({ bodyLimit: 1024 });
    const hex = toHex(encodeTransfer(tx(0)));
    const at = await a.app.inject({ method: 'POST', url: '/txs/batch', payload: { txs: Array(MAX_BATCH).fill(hex) } });
    expect(at.statusCode).toBe(200);
    expect(at.json().results).toHaveLength(MAX_BATCH);
    const over = await a.app.inject({ method: 'POST', url: '/txs/batch', payload: { txs: Array(MAX_BATCH + 1).fill(hex) } });
    expect(over.statusCode).toBe(400);
    expect((await a.app.inject({ method: 'POST', url: '/txs/batch', payload: { txs: [] } })).statusCode).toBe(400);
  });

  it('costs one rate-limit token per transfer', async () => {
    const { api: a } = make({ rateLimit: { perSecond: 0.001, burst: 4 } });
    const hex = toHex(encodeTransfer(tx(0)));
    expect((await a.app.inject({ method: 'POST', url: '/txs/batch', payload: { txs: [hex, hex, hex, hex] } })).statusCode).toBe(200);
    const r = await a.app.inject({ method: 'POST', url: '/txs/batch', payload: { txs: [hex] } });
    expect(r.statusCode).toBe(429);
    expect(r.json().error.code).toBe('RATE_LIMITED');
  });
});

describe('GET /dag, /epoch (engine views)', () => {
  const vertex = (i: number) => ({ id: i.toString(16).padStart(64, '0'), author: i % 4, height: 1000 - i, parents: [], status: 'unknown', txs: i });

  it('/dag: default 48, limit N = MAX_DAG_LIMIT accepted, N + 1 and 0 refused with 400 BAD_REQUEST; wrong types 400', async () => {
    const backend = new FakeBackend();
    backend.dagVertices = Array.from({ length: MAX_DAG_LIMIT + 10 }, (_, i) => vertex(i));
    const { api: a } = make({}, backend);
    const d = await a.app.inject({ url: '/dag' });
    expect(d.statusCode).toBe(200);
    expect(d.json().vertices).toHaveLength(DEFAULT_DAG_LIMIT);
    expect(d.json().vertices[0]).toEqual(vertex(0));
    const n = await a.app.inject({ url: `/dag?limit=${MAX_DAG_LIMIT}` });
    expect(n.statusCode).toBe(200);
    expect(n.json().vertices).toHaveLength(MAX_DAG_LIMIT);
    for (const bad of [`${MAX_DAG_LIMIT + 1}`, '0', '-1', 'abc', '1.5', '9999999']) {
      const r = await a.app.inject({ url: `/dag?limit=${bad}` });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().error.code, bad).toBe('BAD_REQUEST');
    }
    expect((await a.app.inject({ url: '/dag?limit=1&extra=1' })).statusCode).toBe(400);
    expect((await a.app.inject({ url: '/dag?limit=1' })).json().vertices).toHaveLength(1);
  });

  it('/dag on an engine without a DAG: 404 NOT_SUPPORTED', async () => {
    const { api: a } = make();
    const r = await a.app.inject({ url: '/dag' });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('NOT_SUPPORTED');
  });

  it('/epoch: the view; 404 NOT_FOUND before the first epoch; 404 NOT_SUPPORTED without epochs', async () => {
    const backend = new FakeBackend();
    const { api: a } = make({}, backend);
    expect((await a.app.inject({ url: '/epoch' })).json().error.code).toBe('NOT_SUPPORTED');
    backend.epochView = undefined;
    const none = await a.app.inject({ url: '/epoch' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('NOT_FOUND');
    const view = {
      epoch: 7,
      round: 0,
      leader: 3,
      temperature: 0.01,
      entropy: 1.5,
      difficulty: 4,
      aggregate: [0.5, 0.25],
      proposals: [{ proposer: 0, vector: [0.5, 0.25], distance: 0, flagged: false }],
    };
    backend.epochView = view;
    const r = await a.app.inject({ url: '/epoch' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(view);
  });
});

describe('GET /reports', () => {
  function reportsRoot(count: number): string {
    const root = mkdtempSync(join(tmpdir(), 'thermo-reports-'));
    for (let i = 0; i < count; i++) {
      const d = join(root, `run-${i}`);
      mkdirSync(d);
      writeFileSync(join(d, 'index.html'), `<html>report ${i}</html>`);
      writeFileSync(join(d, 'report.json'), JSON.stringify({ kind: 'sim', title: `run ${i}`, createdAt: `2026-11-23T10:${String(i % 60).padStart(2, '0')}:00.000Z`, summary: `s${i}` }));
    }
    return root;
  }

  it('lists report folders newest first, skips folders without a valid manifest, an oversized manifest or a page', async () => {
    const root = reportsRoot(3);
    mkdirSync(join(root, 'no-manifest'));
    writeFileSync(join(root, 'no-manifest', 'index.html'), 'x');
    mkdirSync(join(root, 'bad-manifest'));
    writeFileSync(join(root, 'bad-manifest', 'index.html'), 'x');
    writeFileSync(join(root, 'bad-manifest', 'report.json'), '{"kind": 1}');
    mkdirSync(join(root, 'big-manifest'));
    writeFileSync(join(root, 'big-manifest', 'index.html'), 'x');
    writeFileSync(join(root, 'big-manifest', 'report.json'), JSON.stringify({ kind: 'sim', title: 't', createdAt: '2027', summary: ' '.repeat(MAX_MANIFEST_BYTES) }));
    mkdirSync(join(root, 'no-page'));
    writeFileSync(join(root, 'no-page', 'report.json'), JSON.stringify({ kind: 'sim', title: 't', createdAt: '2027', summary: '' }));
    const { api: a } = make({ reportsDir: root });
    const r = await a.app.inject({ url: '/reports' });
    expect(r.statusCode).toBe(200);
    expect(r.json().reports.map((x: { name: string }) => x.name)).toEqual(['run-2', 'run-1', 'run-0']);
    expect(r.json().reports[0]).toEqual({ name: 'run-2', kind: 'sim', title: 'run 2', createdAt: '2026-11-23T10:02:00.000Z', summary: 's2', href: '/reports/run-2/' });
    rmSync(root, { recursive: true, force: true });
  });

  it(`lists at most MAX_REPORTS (${MAX_REPORTS}): N listed of N, N of N + 1`, () => {
    const n = reportsRoot(MAX_REPORTS);
    expect(listReportFolders(n)).toHaveLength(MAX_REPORTS);
    const n1 = reportsRoot(MAX_REPORTS + 1);
    expect(listReportFolders(n1)).toHaveLength(MAX_REPORTS);
    rmSync(n, { recursive: true, force: true });
    rmSync(n1, { recursive: true, force: true });
  });

  it('a missing reports directory lists nothing', async () => {
    const { api: a } = make({ reportsDir: '/nonexistent/reports' });
    expect((await a.app.inject({ url: '/reports' })).json()).toEqual({ reports: [] });
  });

  it('serves a report file, the folder index for /NAME and /NAME/; 404 for a missing file', async () => {
    const root = reportsRoot(1);
    const { api: a } = make({ reportsDir: root });
    for (const url of ['/reports/run-0', '/reports/run-0/', '/reports/run-0/index.html']) {
      const r = await a.app.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type'], url).toContain('text/html');
      expect(r.body, url).toBe('<html>report 0</html>');
    }
    const j = await a.app.inject({ url: '/reports/run-0/report.json' });
    expect(j.headers['content-type']).toContain('application/json');
    const missing = await a.app.inject({ url: '/reports/run-0/nope.html' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect((await a.app.inject({ url: '/reports/nope/' })).json().error.code).toBe('NOT_FOUND');
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses path traversal with 400 BAD_PATH (raw, encoded, backslash, NUL, symlink out of the folder), never a file outside', async () => {
    const root = reportsRoot(1);
    const outside = mkdtempSync(join(tmpdir(), 'thermo-secret-'));
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'run-0', 'link.txt'));
    const { api: a } = make({ reportsDir: root });
    const urls = [
      '/reports/run-0/../../etc/passwd',
      '/reports/run-0/%2e%2e/%2e%2e/etc/passwd',
      '/reports/run-0/..%2f..%2fetc%2fpasswd',
      '/reports/..%2f..%2fetc/passwd',
      '/reports/run-0/a%5c..%5c..%5csecret.txt',
      '/reports/run-0/a%00b',
      '/reports/run-0//index.html',
      '/reports/run-0/link.txt',
      `/reports/run-0/${Array.from({ length: MAX_REPORT_PATH_SEGMENTS + 1 }, () => 'a').join('/')}`,
    ];
    for (const url of urls) {
      const r = await a.app.inject({ url });
      expect([400, 404], url).toContain(r.statusCode);
      expect(r.body, url).not.toContain('secret');
      expect(r.body, url).not.toContain('root:');
      expect(r.json().error.code, url).toMatch(/^(BAD_PATH|NOT_FOUND|BAD_REQUEST)$/);
    }
    // inject() resolves raw and %2e dot segments like a browser; an encoded slash keeps them in
    // one segment, which the route refuses precisely.
    expect((await a.app.inject({ url: '/reports/run-0/..%2fx' })).json().error.code).toBe('BAD_PATH');
    expect((await a.app.inject({ url: '/reports/run-0/a%2f..%2f..%2fsecret.txt' })).json().error.code).toBe('BAD_PATH');
    // A raw client (no path resolution) sending dot segments over a real socket.
    await a.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (a.app.server.address() as AddressInfo).port;
    for (const path of ['/reports/run-0/../../etc/passwd', '/reports/run-0/../run-0/index.html', '/reports/../reports/run-0/index.html']) {
      const raw = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
      expect([400, 404], path).toContain(raw.status);
      expect(raw.body, path).not.toContain('report 0');
      expect(raw.body, path).not.toContain('root:');
    }
    expect((await a.app.inject({ url: '/reports/run-0/link.txt' })).json().error.code).toBe('BAD_PATH');
    // N segments (a missing file: 404), N + 1 segments: 400 BAD_PATH.
    const segs = (k: number) => Array.from({ length: k }, () => 'a').join('/');
    expect((await a.app.inject({ url: `/reports/run-0/${segs(MAX_REPORT_PATH_SEGMENTS)}` })).json().error.code).toBe('NOT_FOUND');
    expect((await a.app.inject({ url: `/reports/run-0/${segs(MAX_REPORT_PATH_SEGMENTS + 1)}` })).json().error.code).toBe('BAD_PATH');
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
});
