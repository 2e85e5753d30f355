/**
 * HTTP API fuzzing beyond test/node/api.test.ts (which throws random bodies at POST /txs): random
 * bodies and content types at POST /txs/batch, random path parameters and query strings on every
 * read route, and random methods on random paths built from the API's own path segments plus
 * traversal and encoding tricks. Property: every answer is a 2xx/3xx or a 4xx carrying a JSON
 * error code, never a 5xx. Any failing request is kept under regressions/api/ (a JSON file:
 * method, url, content type, body) and replayed by regressions.test.ts.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/index.js';
import { devAddress, devKeyPair, encodeTransfer, signTransfer } from '../../src/ledger/index.js';
import { buildApi } from '../../src/node/api/index.js';
import type { Api, ApiOptions } from '../../src/node/api/index.js';
import { CHAIN, FakeBackend } from '../node/fake-backend.js';
import { apiRequestVerdict } from './support/api-check.js';
import type { ApiRequest } from './support/api-check.js';
import { recordFailure } from './support/fuzz.js';

const RUNS = Number(process.env['THERMO_FUZZ_API_RUNS'] ?? 300);
const opts: ApiOptions = { bodyLimit: 4096, rateLimit: { perSecond: 1e9, burst: 1e9 }, maxSseClients: 2, statusEventMs: 0, dashboardDir: '/nonexistent', reportsDir: '/nonexistent-reports' };
const api: Api = buildApi(new FakeBackend(), opts);
afterAll(async () => api.close());

const goodHex = toHex(encodeTransfer(signTransfer(devKeyPair(0), { chainId: CHAIN, to: devAddress(1), amount: 5n, nonce: 0 })));
const hex = (n: number): fc.Arbitrary<string> => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => toHex(b));

async function check(req: ApiRequest): Promise<void> {
  const v = await apiRequestVerdict(api, req);
  if (v !== null) {
    recordFailure('api', new TextEncoder().encode(JSON.stringify(req)));
    throw new Error(`${req.method} ${req.url}: ${v}`);
  }
}

const segment = fc.oneof(
  fc.constantFrom('blocks', 'txs', 'batch', 'accounts', 'proof', 'vertices', 'status', 'peers', 'telemetry', 'metrics', 'events', 'reports', '..', '%2e%2e', '%2F', '%00', '.', '', 'latest', '-1', '0', '1', '9007199254740993', '1e3', '0x10'),
  hex(32),
  hex(8),
  fc.string({ maxLength: 40 }).map((s) => encodeURIComponent(s)),
  fc.string({ maxLength: 20 }),
);

describe('HTTP API: random requests never get a 5xx', () => {
  it('POST /txs/batch with random bodies and content types', async () => {
    const body = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.string({ maxLength: 400 }),
      fc.array(fc.oneof(fc.constant(goodHex), hex(20), fc.string({ maxLength: 80 }), fc.integer()), { maxLength: 300 }).map((txs) => JSON.stringify({ txs })),
      fc.record({ txs: fc.oneof(fc.constant(null), fc.string(), fc.dictionary(fc.string(), fc.string())) }).map((o) => JSON.stringify(o)),
    );
    const type = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded', '');
    await fc.assert(
      fc.asyncProperty(body, type, async (b, t) => check({ method: 'POST', url: '/txs/batch', contentType: t, body: b })),
      { numRuns: RUNS, seed: 88 },
    );
  });

  it('GET every read route with random parameters and query strings', async () => {
    const route = fc.oneof(
      segment.map((s) => `/blocks/${s}`),
      segment.map((s) => `/vertices/${s}`),
      segment.map((s) => `/txs/${s}`),
      segment.map((s) => `/accounts/${s}`),
      segment.map((s) => `/accounts/${s}/proof`),
      fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })).map(([a, b]) => `/blocks?from=${encodeURIComponent(a)}&limit=${encodeURIComponent(b)}`),
      fc.tuple(fc.integer({ min: -5, max: 1e6 }), fc.integer({ min: -5, max: 1e6 })).map(([a, b]) => `/blocks?from=${a}&limit=${b}`),
      fc.string({ maxLength: 30 }).map((q) => `/status?${encodeURIComponent(q)}=1`),
    );
    await fc.assert(
      fc.asyncProperty(route, async (url) => check({ method: 'GET', url })),
      { numRuns: RUNS, seed: 89 },
    );
  });

  it('random methods on random paths', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`);
    const body = fc.oneof(fc.constant(undefined), fc.json({ maxDepth: 2 }), fc.string({ maxLength: 100 }));
    await fc.assert(
      fc.asyncProperty(method, path, body, async (m, url, b) => {
        // Server-sent events never end by themselves: the stream route is covered by api.test.ts.
        if (m === 'GET' && /^\/events\/?($|\?)/.test(url)) return;
        await check({ method: m, url, ...(b === undefined || m === 'GET' || m === 'HEAD' ? {} : { contentType: 'application/json', body: b }) });
      }),
      { numRuns: RUNS, seed: 90 },
    );
  });
});

describe('HTTP API: sanity of the property', () => {
  it('a 5xx is reported (the check can fail)', async () => {
    const broken = new FakeBackend();
    broken.status = () => {
      throw new Error('boom');
    };
    const a = buildApi(broken, opts);
    try {
      expect(await apiRequestVerdict(a, { method: 'GET', url: '/status' })).toMatch(/^5\d\d/);
    } finally {
      await a.close();
    }
  });
});
