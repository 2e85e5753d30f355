/**
 * A small typed client of the node's HTTP API (fetch, keep-alive), used by `thermo tx`,
 * `thermo status`, the devnet's load generator, the e2e test and the benchmark. Responses are
 * narrowed from `unknown` field by field; an HTTP error comes back as a value
 * ({ok: false, status, code}), a transport error (node down) as ClientError.
 */
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

export class NodeClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async request(method: string, path: string, body?: unknown): Promise<ApiResult<unknown>> {
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ClientError({ code: 'CLIENT_UNREACHABLE', url, reason: err instanceof Error ? err.message : String(err) });
    }
    let parsed: unknown;
    const text = await res.text().catch(() => '');
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      if (res.ok) throw new ClientError({ code: 'CLIENT_BAD_RESPONSE', url, reason: 'not JSON' });
      parsed = null;
    }
    if (res.ok) return { ok: true, status: res.status, body: parsed };
    const e = obj(obj(parsed).error);
    return { ok: false, status: res.status, code: str(e.code, `HTTP_${res.status}`), message: str(e.message) };
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
