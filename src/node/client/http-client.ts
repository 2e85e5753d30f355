/**
 * A small typed client of the node's HTTP API (fetch, keep-alive), used by `thermo tx`,
 * `thermo status`, the devnet's load generator, the e2e test and the benchmark. Responses are
 * narrowed from `unknown` field by field; an HTTP error comes back as a value
 * ({ok: false, status, code}), a transport error (node down) as ClientError.
 */
import http from 'node:http';
import { toHex } from '../../core/index.js';
import { encodeTransfer } from '../../ledger/index.js';
import type { Transfer } from '../../ledger/index.js';
import { ThermoError } from '../../core/index.js';

export type ClientErrorType = { code: 'CLIENT_UNREACHABLE'; url: string; reason: string } | { code: 'CLIENT_BAD_RESPONSE'; url: string; reason: string };

export class ClientError extends ThermoError<ClientErrorType> {}

export type ApiResult<T> = { readonly ok: true; readonly status: number; readonly body: T } | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export interface FinalEntryJson {
  readonly seq: number;
  readonly slot: string;
  readonly value: string;
  readonly height: number | null;
  readonly stateRoot: string | null;
  readonly txIds: readonly string[];
}

export interface StatusJson {
  readonly chainId: string;
  readonly engine: string;
  readonly genesisHash: string;
  readonly validator: number | null;
  readonly peerId: string;
  readonly height: number;
  readonly finalized: number;
  readonly stateRoot: string | null;
  readonly peers: number;
  readonly validatorPeers: number;
  readonly ready: boolean;
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

export function parseEntry(v: unknown): FinalEntryJson {
  const o = obj(v);
  return {
    seq: num(o.seq, -1),
    slot: str(o.slot),
    value: str(o.value),
    height: typeof o.height === 'number' ? o.height : null,
    stateRoot: typeof o.stateRoot === 'string' ? o.stateRoot : null,
    txIds: Array.isArray(o.txIds) ? o.txIds.filter((t): t is string => typeof t === 'string') : [],
  };
}

export function parseStatus(v: unknown): StatusJson {
  const o = obj(v);
  return {
    chainId: str(o.chainId),
    engine: str(o.engine),
    genesisHash: str(o.genesisHash),
    validator: typeof o.validator === 'number' ? o.validator : null,
    peerId: str(o.peerId),
    height: num(o.height),
    finalized: num(o.finalized),
    stateRoot: typeof o.stateRoot === 'string' ? o.stateRoot : null,
    peers: num(o.peers),
    validatorPeers: num(o.validatorPeers),
    ready: o.ready === true,
  };
}

/** Largest response body the client reads (a full /blocks page of big blocks fits). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export type BatchItem = { readonly ok: true; readonly status: number; readonly id: string } | { readonly ok: false; readonly status: number; readonly code: string };

export class NodeClient {
  private readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  private async request(method: string, path: string, body?: unknown): Promise<ApiResult<unknown>> {
    const url = `${this.baseUrl}${path}`;
    let res: { status: number; text: string };
    try {
      res = await this.send(method, url, body === undefined ? undefined : JSON.stringify(body));
    } catch (err) {
      throw new ClientError({ code: 'CLIENT_UNREACHABLE', url, reason: err instanceof Error ? err.message : String(err) });
    }
    let parsed: unknown;
    try {
      parsed = res.text === '' ? null : JSON.parse(res.text);
    } catch {
      if (res.status < 400) throw new ClientError({ code: 'CLIENT_BAD_RESPONSE', url, reason: 'not JSON' });
      parsed = null;
    }
    if (res.status < 400) return { ok: true, status: res.status, body: parsed };
    const e = obj(obj(parsed).error);
    return { ok: false, status: res.status, code: str(e.code, `HTTP_${res.status}`), message: str(e.message) };
  }

  /** node:http with a keep-alive agent: several times cheaper per request than fetch. */
  private send(method: string, url: string, body: string | undefined): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new Error('response too large'));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  async status(): Promise<StatusJson> {
    const r = await this.request('GET', '/status');
    if (!r.ok) throw new ClientError({ code: 'CLIENT_BAD_RESPONSE', url: this.baseUrl, reason: `${r.status} ${r.code}` });
    return parseStatus(r.body);
  }

  /** POST /txs with the hex of the signed encoding. */
  async submit(tx: Transfer): Promise<ApiResult<{ id: string; status: string }>> {
    const r = await this.request('POST', '/txs', { tx: toHex(encodeTransfer(tx)) });
    if (!r.ok) return r;
    const o = obj(r.body);
    return { ok: true, status: r.status, body: { id: str(o.id), status: str(o.status) } };
  }

  /** POST /txs/batch: one answer per transfer, in order. */
  async submitBatch(txs: readonly Transfer[]): Promise<ApiResult<BatchItem[]>> {
    const r = await this.request('POST', '/txs/batch', { txs: txs.map((t) => toHex(encodeTransfer(t))) });
    if (!r.ok) return r;
    const results = obj(r.body).results;
    if (!Array.isArray(results) || results.length !== txs.length) throw new ClientError({ code: 'CLIENT_BAD_RESPONSE', url: this.baseUrl, reason: 'batch answer of the wrong length' });
    return {
      ok: true,
      status: r.status,
      body: results.map((x): BatchItem => {
        const o = obj(x);
        const status = num(o.status);
        const body = obj(o.body);
        return status < 400 ? { ok: true, status, id: str(body.id) } : { ok: false, status, code: str(obj(body.error).code, `HTTP_${status}`) };
      }),
    };
  }

  async txStatus(id: string): Promise<ApiResult<{ status: string; height: number | null; seq: number | null }>> {
    const r = await this.request('GET', `/txs/${id}`);
    if (!r.ok) return r;
    const o = obj(r.body);
    return { ok: true, status: r.status, body: { status: str(o.status), height: typeof o.height === 'number' ? o.height : null, seq: typeof o.seq === 'number' ? o.seq : null } };
  }

  async account(address: string): Promise<{ balance: bigint; nonce: number; height: number; stateRoot: string }> {
    const r = await this.request('GET', `/accounts/${address}`);
    if (!r.ok) throw new ClientError({ code: 'CLIENT_BAD_RESPONSE', url: this.baseUrl, reason: `${r.status} ${r.code}` });
    const o = obj(r.body);
    return { balance: BigInt(str(o.balance, '0')), nonce: num(o.nonce), height: num(o.height), stateRoot: str(o.stateRoot) };
  }

  /** Finalized entries with seq >= from (at most `limit`). */
  async blocks(from: number, limit: number): Promise<FinalEntryJson[]> {
    const r = await this.request('GET', `/blocks?from=${from}&limit=${limit}`);
    if (!r.ok) throw new ClientError({ code: 'CLIENT_BAD_RESPONSE', url: this.baseUrl, reason: `${r.status} ${r.code}` });
    const entries = obj(r.body).entries;
    return Array.isArray(entries) ? entries.map(parseEntry) : [];
  }

  async get(path: string): Promise<ApiResult<unknown>> {
    return this.request('GET', path);
  }
}
