/** The API fuzz property for one request: null, or why the answer is wrong. */
import type { Api } from '../../../src/node/api/index.js';

export interface ApiRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType?: string;
  readonly body?: string;
}

export async function apiRequestVerdict(api: Api, req: ApiRequest): Promise<string | null> {
  const r = await api.app.inject({
    method: req.method as 'GET',
    url: req.url,
    ...(req.body === undefined ? {} : { payload: req.body }),
    headers: req.contentType === undefined || req.contentType === '' ? {} : { 'content-type': req.contentType },
  });
  if (r.statusCode >= 500) return `${r.statusCode} ${r.body.slice(0, 300)}`;
  if (r.statusCode >= 400 && req.method !== 'HEAD') {
    let code: unknown;
    try {
      code = (r.json() as { error?: { code?: unknown } }).error?.code;
    } catch {
      return `${r.statusCode} without a JSON error body: ${r.body.slice(0, 200)}`;
    }
    if (typeof code !== 'string') return `${r.statusCode} without an error code: ${r.body.slice(0, 200)}`;
  }
  return null;
}
