/**
 * The HTTP API against a fake backend, through fastify inject(): input validation (malformed
 * JSON, wrong types, extra fields, bad hex), body limit at N and N+1 bytes, rate limit at N and
 * N+1 requests, bad signatures, wrong chain, engine rejections, SSE client bound at N and N+1,
 * JSON errors with codes, never a 5xx for bad input (a fast-check property).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/core/index.js';
import { decodeAccountProof, devAddress, devKeyPair, encodeTransfer, signTransfer, transferIdHex, verifyAccountProof } from '../../src/ledger/index.js';
import type { Transfer } from '../../src/ledger/index.js';
import { MAX_BATCH, buildApi, errorBody } from '../../src/node/api/index.js';
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
