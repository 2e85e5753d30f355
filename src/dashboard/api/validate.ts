/**
 * Minimal runtime checks of API responses: the fields the page reads have the right types,
 * else the response is treated as missing (a panel shows "no data", never NaN or a crash).
 */
import type { DagVertexJson, EpochJson, FinalizedJson, PeerJson, ReportJson, StatusEventJson, StatusJson, TelemetryJson } from './types.js';

type Obj = Readonly<Record<string, unknown>>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const num = (o: Obj, k: string): boolean => typeof o[k] === 'number' && Number.isFinite(o[k]);
const str = (o: Obj, k: string): boolean => typeof o[k] === 'string';
const numOrNull = (o: Obj, k: string): boolean => o[k] === null || num(o, k);

/** A record of finite numbers (other entries dropped). */
function numberRecord(v: unknown): Record<string, number> | null {
  if (!isObject(v)) return null;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'number' && Number.isFinite(x)) out[k] = x;
  return out;
}

export function asStatus(v: unknown): StatusJson | null {
  if (!isObject(v) || !str(v, 'engine') || !num(v, 'height') || !num(v, 'finalized') || !num(v, 'peers')) return null;
  return {
    chainId: str(v, 'chainId') ? (v['chainId'] as string) : '',
    engine: v['engine'] as string,
    validator: num(v, 'validator') ? (v['validator'] as number) : null,
    peerId: str(v, 'peerId') ? (v['peerId'] as string) : '',
    height: v['height'] as number,
    finalized: v['finalized'] as number,
    stateRoot: str(v, 'stateRoot') ? (v['stateRoot'] as string) : null,
    peers: v['peers'] as number,
    ...(num(v, 'validatorPeers') ? { validatorPeers: v['validatorPeers'] as number } : {}),
    ...(num(v, 'queue') ? { queue: v['queue'] as number } : {}),
    ...(num(v, 'pendingSubmissions') ? { pendingSubmissions: v['pendingSubmissions'] as number } : {}),
    ...(num(v, 'uptimeSeconds') ? { uptimeSeconds: v['uptimeSeconds'] as number } : {}),
    ...(typeof v['ready'] === 'boolean' ? { ready: v['ready'] } : {}),
  };
}

export function asTelemetry(v: unknown): TelemetryJson | null {
  if (!isObject(v) || !str(v, 'engine') || !num(v, 'height') || !num(v, 'finalized')) return null;
  const telemetry = numberRecord(v['telemetry']);
  if (telemetry === null) return null;
  return {
    engine: v['engine'] as string,
    height: v['height'] as number,
    finalized: v['finalized'] as number,
    telemetry,
    gauges: numberRecord(v['gauges']) ?? {},
    lastFinalizedAt: numOrNull(v, 'lastFinalizedAt') ? ((v['lastFinalizedAt'] as number | null) ?? null) : null,
  };
}

export function asPeers(v: unknown): PeerJson[] | null {
  if (!isObject(v) || !Array.isArray(v['peers'])) return null;
  const out: PeerJson[] = [];
  for (const p of v['peers'] as unknown[]) {
    if (!isObject(p) || !str(p, 'peerId')) continue;
    out.push({
      peerId: p['peerId'] as string,
      validator: num(p, 'validator') ? (p['validator'] as number) : null,
      addresses: Array.isArray(p['addresses']) ? (p['addresses'] as unknown[]).filter((a): a is string => typeof a === 'string') : [],
      score: num(p, 'score') ? (p['score'] as number) : 0,
      verified: p['verified'] === true,
    });
  }
  return out;
}

export function asFinalized(v: unknown): FinalizedJson | null {
  if (!isObject(v) || !num(v, 'seq')) return null;
  const txIds = Array.isArray(v['txIds']) ? (v['txIds'] as unknown[]).filter((t): t is string => typeof t === 'string') : [];
  return {
    seq: v['seq'] as number,
    slot: str(v, 'slot') ? (v['slot'] as string) : String(v['slot'] ?? ''),
    value: str(v, 'value') ? (v['value'] as string) : '',
    height: num(v, 'height') ? (v['height'] as number) : null,
    txIds,
  };
}

export function asStatusEvent(v: unknown): StatusEventJson | null {
  if (!isObject(v) || !num(v, 'height') || !num(v, 'finalized') || !num(v, 'peers')) return null;
  return { height: v['height'] as number, finalized: v['finalized'] as number, peers: v['peers'] as number };
}

export function asDag(v: unknown): DagVertexJson[] | null {
  if (!isObject(v) || !Array.isArray(v['vertices'])) return null;
  const out: DagVertexJson[] = [];
  for (const x of v['vertices'] as unknown[]) {
    if (!isObject(x) || !str(x, 'id') || !num(x, 'height')) continue;
    out.push({
      id: x['id'] as string,
      author: num(x, 'author') ? (x['author'] as number) : -1,
      height: x['height'] as number,
      parents: Array.isArray(x['parents']) ? (x['parents'] as unknown[]).filter((p): p is string => typeof p === 'string') : [],
      status: str(x, 'status') ? (x['status'] as string) : 'pending',
      preferred: x['preferred'] === true,
      final: x['final'] === true,
      ...(num(x, 'txs') ? { txs: x['txs'] as number } : {}),
    });
  }
  return out;
}

function numberArray(v: unknown): number[] | null {
  if (!Array.isArray(v)) return null;
  const out: number[] = [];
  for (const x of v) {
    if (typeof x !== 'number' || !Number.isFinite(x)) return null;
    out.push(x);
  }
  return out;
}

export function asEpoch(v: unknown): EpochJson | null {
  if (!isObject(v) || !num(v, 'epoch') || !Array.isArray(v['proposals'])) return null;
  const aggregate = numberArray(v['aggregate']) ?? [];
  const proposals: EpochJson['proposals'][number][] = [];
  for (const p of v['proposals'] as unknown[]) {
    if (!isObject(p) || !num(p, 'proposer')) continue;
    const vector = numberArray(p['vector']);
    if (vector === null) continue;
    proposals.push({
      proposer: p['proposer'] as number,
      vector,
      ...(num(p, 'weight') ? { weight: p['weight'] as number } : {}),
      ...(num(p, 'distance') ? { distance: p['distance'] as number } : {}),
      flagged: p['flagged'] === true,
    });
  }
  return {
    epoch: v['epoch'] as number,
    leader: num(v, 'leader') ? (v['leader'] as number) : null,
    ...(num(v, 'temperature') ? { temperature: v['temperature'] as number } : {}),
    ...(num(v, 'difficulty') ? { difficulty: v['difficulty'] as number } : {}),
    aggregate,
    proposals,
  };
}

export function asReports(v: unknown): ReportJson[] | null {
  const list = Array.isArray(v) ? v : isObject(v) && Array.isArray(v['reports']) ? (v['reports'] as unknown[]) : null;
  if (list === null) return null;
  const out: ReportJson[] = [];
  for (const r of list) {
    if (!isObject(r) || !str(r, 'name') || !str(r, 'title')) continue;
    out.push({
      name: r['name'] as string,
      kind: str(r, 'kind') ? (r['kind'] as string) : '',
      title: r['title'] as string,
      createdAt: str(r, 'createdAt') ? (r['createdAt'] as string) : '',
      summary: str(r, 'summary') ? (r['summary'] as string) : '',
      ...(str(r, 'href') ? { href: r['href'] as string } : {}),
    });
  }
  return out;
}
