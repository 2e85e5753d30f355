/**
 * The node's HTTP API (fastify + typebox). Every input is validated by a schema with type
 * coercion off; every error is `{"error": {"code", "message"}}` with a 4xx for anything the
 * client did; the body size is capped (`bodyLimit`, 413 above it) and each client IP has a
 * token bucket (429 with Retry-After when empty), checked before the body is read. The server
 * binds 127.0.0.1 unless configured otherwise (src/node/config.ts).
 *
 * Routes:
 *   GET  /status                      node, chain and engine status
 *   GET  /peers                       connected peers (validator index, score)
 *   GET  /blocks?from=SEQ&limit=N     the finalized log (newest 20 by default)
 *   GET  /blocks/:id  /vertices/:id   a finalized entry by height (digits) or value hash (hex)
 *   GET  /txs/:id                     accepted | final (with its entry) | 404 TX_UNKNOWN
 *   POST /txs                         {"tx": hex} or {chainId, from, to, amount, nonce, signature}
 *                                     -> 202 {id, status: "accepted"} once durable
 *   POST /txs/batch                   {"txs": [hex, ...]} (at most 256) -> 200 {results: [...]},
 *                                     each result {status, body}: what POST /txs would answer
 *   GET  /accounts/:address           balance and nonce in the latest durable finalized state
 *   GET  /accounts/:address/proof     the same with its sparse-Merkle proof against stateRoot
 *   GET  /telemetry                   engine gauges: temperature, coherence, difficulty, ...,
 *                                     finalityLatencyMs and mempool for every engine
 *   GET  /dag?limit=N                 newest DAG vertices (negentropy; 404 NOT_SUPPORTED otherwise)
 *   GET  /epoch                       the last finalized epoch (thermotruth; 404 NOT_SUPPORTED otherwise)
 *   GET  /reports                     report folders under the configured reports directory
 *   GET  /reports/:name/*             a file of one report (plain path segments only: 400 BAD_PATH)
 *   GET  /events                      server-sent events: finalized, status
 *   GET  /metrics                     Prometheus text format
 *   GET  /                            the dashboard (src/dashboard/dist) or a placeholder page
 */
import { resolve as resolvePath } from 'node:path';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { fromHexExact } from '../../core/index.js';
import { transferIdHex } from '../../ledger/index.js';
import type { Transfer } from '../../ledger/index.js';
import type { FinalizedEntry } from '../../protocol/index.js';
import { KeyedBuckets } from '../util/index.js';
import type { RateLimit } from '../util/index.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/index.js';
import type { ApiBackend } from './backend.js';
import { ApiError, apiError, errorBody } from './errors.js';
import {
  AddressParams,
  BATCH_BODY_LIMIT,
  BatchBody,
  DEFAULT_DAG_LIMIT,
  DagQuery,
  IdParams,
  MAX_DAG_LIMIT,
  RangeQuery,
  ReportParams,
  SubmitBody,
  TxIdParams,
} from './schemas.js';
import { listReportFolders, openReportFile } from './reports.js';
import { SseHub } from './sse.js';
import { DEFAULT_DASHBOARD_DIR, dashboardFile, placeholderPage } from './static.js';
import { transferFromBody } from './tx-input.js';
import type { SubmitInput } from './tx-input.js';

export interface ApiOptions {
  readonly bodyLimit: number;
  readonly rateLimit: RateLimit;
  readonly maxSseClients: number;
  readonly dashboardDir?: string;
  /** Folder whose report folders GET /reports lists (default ./reports). */
  readonly reportsDir?: string;
  /** Called once per response (metrics). */
  readonly onResponse?: (route: string, status: number) => void;
  /** Called for 5xx errors (logs). */
  readonly onServerError?: (err: Error) => void;
  /** Period of the SSE `status` event; 0 disables it (tests). */
  readonly statusEventMs?: number;
}

export const DEFAULT_REPORTS_DIR = 'reports';

export const DEFAULT_RANGE_LIMIT = 20;
export const MAX_RANGE_LIMIT = 1000;
/** Distinct client IPs with a rate-limit bucket at once. */
export const MAX_RATE_KEYS = 10_000;

export interface Api {
  readonly app: FastifyInstance;
  readonly sse: SseHub;
  close(): Promise<void>;
}

export function entryJson(e: FinalizedEntry): Record<string, unknown> {
  return {
    seq: e.seq,
    slot: e.slot,
    value: e.value,
    height: e.height ?? null,
    stateRoot: e.stateRoot ?? null,
    supply: e.supply?.toString() ?? null,
    minted: e.minted?.toString() ?? null,
    txIds: e.txIds,
  };
}

function normHex(h: string): string {
  return (h.startsWith('0x') || h.startsWith('0X') ? h.slice(2) : h).toLowerCase();
}

function mapFrameworkError(err: FastifyError): ApiError {
  if (err.validation !== undefined) return apiError(400, 'BAD_REQUEST', err.message);
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiError(413, 'BODY_TOO_LARGE', 'request body is larger than the limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return apiError(400, 'MALFORMED_JSON', err.message);
    default:
      break;
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return apiError(status, status === 404 ? 'NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : status === 413 ? 'BODY_TOO_LARGE' : 'BAD_REQUEST', err.message);
  }
  return apiError(500, 'INTERNAL', 'internal error');
}

export function buildApi(backend: ApiBackend, options: ApiOptions): Api {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    routerOptions: { maxParamLength: 128, ignoreTrailingSlash: true },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    requestTimeout: 60_000,
    return503OnClosing: true,
    // The router refuses a URL it cannot decode (a bad percent-escape: FST_ERR_BAD_URL) before any
    // route or error handler runs; without this it would answer in fastify's own error shape.
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      const e = mapFrameworkError(err);
      void reply.status(e.status).send(errorBody(e.code, e.message, e.type.detail));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const sse = new SseHub(options.maxSseClients);
  const buckets = new KeyedBuckets(options.rateLimit, MAX_RATE_KEYS);
  const dashboardDir = options.dashboardDir ?? DEFAULT_DASHBOARD_DIR;
  const reportsDir = resolvePath(options.reportsDir ?? DEFAULT_REPORTS_DIR);

  const unsubscribe = backend.onFinalized((e) => sse.send('finalized', entryJson(e)));
  const statusTimer =
    (options.statusEventMs ?? 1000) > 0
      ? setInterval(() => {
          if (sse.size === 0) return;
          const s = backend.status();
          sse.send('status', { height: s.height, finalized: s.finalized, peers: s.peers, stateRoot: s.stateRoot });
        }, options.statusEventMs ?? 1000)
      : null;
  statusTimer?.unref();

  app.addHook('onRequest', async (request, reply) => {
    if (!buckets.take(request.ip, Date.now())) {
      const retry = Math.max(1, Math.ceil(1 / options.rateLimit.perSecond));
      void reply.header('retry-after', String(retry));
      throw apiError(429, 'RATE_LIMITED', 'too many requests from this address; slow down');
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    options.onResponse?.(request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });

  app.setErrorHandler((err: FastifyError, _request, reply) => {
    const e = err instanceof ApiError ? err : mapFrameworkError(err);
    if (e.status >= 500) options.onServerError?.(err);
    void reply.status(e.status).send(errorBody(e.code, e.message, e.type.detail));
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') {
      const file = dashboardFile(dashboardDir, request.url);
      if (file !== null) {
        void reply.type(file.type).send(file.body);
        return;
      }
    }
    void reply.status(404).send(errorBody('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  app.get('/', async (_request, reply) => {
    const file = dashboardFile(dashboardDir, '/');
    if (file !== null) return reply.type(file.type).send(file.body);
    return reply.type('text/html; charset=utf-8').send(placeholderPage(backend.chainId));
  });

  app.get('/status', async () => backend.status());

  app.get('/peers', async () => ({ peers: backend.peers() }));

  app.get('/blocks', { schema: { querystring: RangeQuery } }, async (request) => {
    const limit = Math.min(MAX_RANGE_LIMIT, request.query.limit === undefined ? DEFAULT_RANGE_LIMIT : Number(request.query.limit));
    const last = backend.status().finalized - 1;
    const from = request.query.from === undefined ? Math.max(0, last - limit + 1) : Number(request.query.from);
    return { entries: backend.finalizedRange(from, limit).map(entryJson), lastSeq: last };
  });

  const byId = async (request: { params: { id: string } }) => {
    const id = request.params.id;
    const entry = /^[0-9]+$/.test(id) ? backend.finalizedByHeight(Number(id)) : backend.finalizedByValue(normHex(id));
    if (entry === undefined) throw apiError(404, 'NOT_FOUND', `no finalized entry ${id}`);
    return entryJson(entry);
  };
  app.get('/blocks/:id', { schema: { params: IdParams } }, byId);
  app.get('/vertices/:id', { schema: { params: IdParams } }, byId);

  app.get('/txs/:id', { schema: { params: TxIdParams } }, async (request) => {
    const id = normHex(request.params.id);
    const r = backend.txStatus(id);
    if (r === undefined) throw apiError(404, 'TX_UNKNOWN', `transaction ${id} is not known to this node`);
    if (r.status === 'accepted') return { id, status: 'accepted' };
    const e = backend.finalizedRange(r.seq, 1)[0];
    return { id, status: 'final', seq: r.seq, height: e?.height ?? null, slot: e?.slot ?? null, value: e?.value ?? null };
  });

  /** One transfer's answer: the HTTP status and body a single POST /txs would return. */
  const submitOne = async (tx: Transfer): Promise<{ status: number; body: Record<string, unknown> }> => {
    const id = transferIdHex(tx);
    if (backend.txStatus(id)?.status === 'final') return { status: 200, body: { id, status: 'final' } };
    const outcome = await backend.submit(tx);
    switch (outcome.kind) {
      case 'accepted':
        return { status: 202, body: { id: outcome.txId, status: 'accepted' } };
      case 'rejected': {
        const status = outcome.code === 'MEMPOOL_FULL' || outcome.code === 'MEMPOOL_SENDER_CAP' ? 429 : 409;
        return { status, body: { id, ...errorBody(outcome.code, `the engine refused the transaction (${outcome.code})`) } };
      }
      case 'busy':
        return { status: 429, body: { id, ...errorBody('BUSY', 'the node is busy; retry shortly', outcome.code) } };
      case 'timeout':
        return { status: 503, body: { id, ...errorBody('ACK_TIMEOUT', 'no acknowledgement in time; the transaction may still be accepted (query /txs/:id)') } };
    }
  };

  app.post('/txs', { schema: { body: SubmitBody } }, async (request, reply) => {
    const tx = transferFromBody(request.body as SubmitInput, backend.chainId);
    if (tx instanceof ApiError) throw tx;
    const r = await submitOne(tx);
    if (r.status === 429) void reply.header('retry-after', '1');
    return reply.status(r.status).send(r.body);
  });

  // Many transfers in one request (load generators, wallets flushing a queue): each is checked
  // and answered on its own, exactly as POST /txs would; the request costs one rate-limit
  // token per transfer.
  app.post('/txs/batch', { schema: { body: BatchBody }, bodyLimit: Math.max(options.bodyLimit, BATCH_BODY_LIMIT) }, async (request, reply) => {
    const { txs } = request.body as { txs: readonly string[] };
    if (txs.length > 1 && !buckets.take(request.ip, Date.now(), txs.length - 1)) {
      void reply.header('retry-after', '1');
      throw apiError(429, 'RATE_LIMITED', 'too many transfers from this address; slow down');
    }
    const results = await Promise.all(
      txs.map(async (hex) => {
        const tx = transferFromBody({ tx: hex }, backend.chainId);
        if (tx instanceof ApiError) return { status: tx.status, body: errorBody(tx.code, tx.message, tx.type.detail) };
        return submitOne(tx);
      }),
    );
    return reply.status(200).send({ results });
  });

  const accountOf = (hex: string) => fromHexExact(normHex(hex), 32);

  app.get('/accounts/:address', { schema: { params: AddressParams } }, async (request) => {
    const a = backend.account(accountOf(request.params.address));
    return { address: normHex(request.params.address), balance: a.balance.toString(), nonce: a.nonce, stateRoot: a.stateRoot, height: a.height };
  });

  app.get('/accounts/:address/proof', { schema: { params: AddressParams } }, async (request) => {
    const p = backend.proof(accountOf(request.params.address));
    return {
      address: normHex(request.params.address),
      exists: p.exists,
      balance: p.balance.toString(),
      nonce: p.nonce,
      stateRoot: p.stateRoot,
      height: p.height,
      proof: p.proof,
    };
  });

  app.get('/telemetry', async () => backend.telemetry());

  app.get('/dag', { schema: { querystring: DagQuery } }, async (request) => {
    const limit = request.query.limit === undefined ? DEFAULT_DAG_LIMIT : Number(request.query.limit);
    if (limit < 1 || limit > MAX_DAG_LIMIT) throw apiError(400, 'BAD_REQUEST', `limit must be in [1, ${MAX_DAG_LIMIT}]`);
    const vertices = backend.dag(limit);
    if (vertices === null) throw apiError(404, 'NOT_SUPPORTED', `engine ${backend.status().engine} has no DAG`);
    return { vertices };
  });

  app.get('/epoch', async () => {
    const e = backend.epoch();
    if (e === null) throw apiError(404, 'NOT_SUPPORTED', `engine ${backend.status().engine} has no epochs of proposals`);
    if (e === undefined) throw apiError(404, 'NOT_FOUND', 'no epoch finalized yet');
    return e;
  });

  app.get('/reports', async () => ({ reports: listReportFolders(reportsDir) }));

  const reportFile = async (request: { params: { name: string; '*'?: string } }, reply: FastifyReply) => {
    const f = openReportFile(reportsDir, request.params.name, request.params['*'] ?? '');
    return reply.type(f.type).header('content-length', String(f.size)).send(f.stream);
  };
  // /reports/NAME (no slash) answers like /reports/NAME/ : the folder's index.html.
  app.get('/reports/:name', { schema: { params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }) } }, reportFile);
  app.get('/reports/:name/*', { schema: { params: ReportParams } }, reportFile);

  app.get('/metrics', async (_request, reply) => reply.type(PROMETHEUS_CONTENT_TYPE).send(backend.metrics()));

  app.get('/events', async (_request, reply) => {
    if (sse.full) throw apiError(429, 'TOO_MANY_STREAMS', `at most ${sse.maxClients} event streams at once`);
    reply.hijack();
    sse.add(reply.raw);
  });

  return {
    app,
    sse,
    async close() {
      unsubscribe();
      if (statusTimer !== null) clearInterval(statusTimer);
      sse.close();
      await app.close();
    },
  };
}
