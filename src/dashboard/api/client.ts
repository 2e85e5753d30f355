/**
 * HTTP GETs to the node with a timeout. Same origin by default (the node serves the page); a
 * `?api=URL` query parameter points the page at another node (that node must allow CORS).
 */
import type { GetJson, GetText } from './ports.js';

export const REQUEST_TIMEOUT_MS = 2500;

async function get(base: string, path: string, accept: string): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(`${base}${path}`, { headers: { accept }, cache: 'no-store', signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

/** GET returning parsed JSON (null body when it is not JSON); rejects on network errors only. */
export function jsonGetter(base: string): GetJson {
  return async (path) => {
    const res = await get(base, path, 'application/json');
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    return { status: res.status, body };
  };
}

export function textGetter(base: string): GetText {
  return async (path) => {
    const res = await get(base, path, 'text/plain');
    return { status: res.status, text: await res.text() };
  };
}

/** The API's base URL: `?api=` when given (trailing slash removed), else this page's origin. */
export function apiBase(location: { readonly search: string; readonly origin: string }): string {
  const given = new URLSearchParams(location.search).get('api');
  if (given !== null && /^https?:\/\//.test(given)) return given.replace(/\/+$/, '');
  return location.origin;
}
