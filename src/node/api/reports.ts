/**
 * Report folders the node serves (GET /reports, GET /reports/NAME/FILE): the folders written by
 * `thermo sim --report DIR` (src/report: `index.html`, `result.json` and the manifest
 * `report.json` `{kind, title, createdAt, summary}`) directly under one configured directory.
 *
 * The node may not import src/report (layering rule node-not-sim), so the manifest is read here
 * with its own schema; the file format is src/report/writer.ts's.
 *
 * Bounds: at most MAX_REPORT_ENTRIES directory entries are looked at and MAX_REPORTS listed
 * (newest first); a manifest above MAX_MANIFEST_BYTES is skipped (a list must stay cheap to
 * build on every request); report files are streamed, never read whole into memory.
 *
 * Paths: a report name is one plain path segment (letters, digits, `.`, `_`, `-`; not `.` or
 * `..`), every segment of the file path likewise; anything else (`..`, `%2e%2e`, backslashes,
 * NUL, empty segments, absolute paths) is refused with 400 BAD_PATH before the disk is touched.
 * The resolved real path (symbolic links followed) must still lie inside the report's folder.
 */
import { closeSync, createReadStream, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { Type } from 'typebox';
import { checkJson } from '../json-schema.js';
import { apiError } from './errors.js';
import type { ApiError } from './errors.js';

export const REPORT_MANIFEST = 'report.json';
export const REPORT_PAGE = 'index.html';
/** Most reports one GET /reports lists. */
export const MAX_REPORTS = 200;
/** Most directory entries looked at per listing (a folder of many files stays cheap). */
export const MAX_REPORT_ENTRIES = 10_000;
/** Largest manifest read; a bigger one is not a report written by src/report. */
export const MAX_MANIFEST_BYTES = 64 * 1024;
/** Most path segments under a report folder. */
export const MAX_REPORT_PATH_SEGMENTS = 8;

const SEGMENT = /^[A-Za-z0-9._-]{1,128}$/;

const ManifestSchema = Type.Object({
  kind: Type.String({ maxLength: 64 }),
  title: Type.String({ maxLength: 512 }),
  createdAt: Type.String({ maxLength: 64 }),
  summary: Type.String({ maxLength: 4096 }),
});

export interface ReportEntry {
  readonly name: string;
  readonly kind: string;
  readonly title: string;
  readonly createdAt: string;
  readonly summary: string;
  readonly href: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

function readSmall(path: string, max: number): string | null {
  let fd: number | undefined;
  try {
    if (statSync(path).size > max) return null;
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(max + 1);
    const n = readSync(fd, buf, 0, max + 1, 0);
    return n > max ? null : buf.subarray(0, n).toString('utf8');
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The report folders under `root`, newest first; [] when `root` does not exist. */
export function listReportFolders(root: string): ReportEntry[] {
  let names: string[];
  try {
    names = readdirSync(root, { withFileTypes: true })
      .slice(0, MAX_REPORT_ENTRIES)
      .filter((d) => d.isDirectory() && SEGMENT.test(d.name) && d.name !== '.' && d.name !== '..')
      .map((d) => d.name);
  } catch {
    return [];
  }
  const out: ReportEntry[] = [];
  for (const name of names) {
    const text = readSmall(join(root, name, REPORT_MANIFEST), MAX_MANIFEST_BYTES);
    if (text === null) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      continue;
    }
    const m = checkJson(ManifestSchema, raw);
    if (!m.ok) continue;
    try {
      if (!statSync(join(root, name, REPORT_PAGE)).isFile()) continue;
    } catch {
      continue;
    }
    out.push({ name, kind: m.value.kind, title: m.value.title, createdAt: m.value.createdAt, summary: m.value.summary, href: `/reports/${name}/` });
  }
  out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name.localeCompare(b.name)));
  return out.slice(0, MAX_REPORTS);
}

export interface ReportFile {
  readonly stream: ReadStream;
  readonly type: string;
  readonly size: number;
}

function badPath(what: string): ApiError {
  return apiError(400, 'BAD_PATH', `refused report path: ${what}`);
}

/**
 * Checks a report name and a file path inside it (as the router decoded them) and opens the
 * file. Throws 400 BAD_PATH for a path that is not plain segments or leaves the folder, 404
 * NOT_FOUND for one that does not exist.
 */
export function openReportFile(root: string, name: string, rest: string): ReportFile {
  if (!SEGMENT.test(name) || name === '.' || name === '..') throw badPath('the report name must be one plain path segment');
  const segments = rest === '' ? [REPORT_PAGE] : rest.split('/');
  if (segments[segments.length - 1] === '') segments[segments.length - 1] = REPORT_PAGE;
  if (segments.length > MAX_REPORT_PATH_SEGMENTS) throw badPath(`more than ${MAX_REPORT_PATH_SEGMENTS} segments`);
  for (const s of segments) {
    if (!SEGMENT.test(s) || s === '.' || s === '..') throw badPath('segments are letters, digits, ".", "_" and "-", never "." or ".."');
  }
  const notFound = (): ApiError => apiError(404, 'NOT_FOUND', `no report file ${name}/${segments.join('/')}`);
  let folder: string;
  let path: string;
  try {
    folder = realpathSync(resolve(root, name));
    path = realpathSync(resolve(folder, ...segments));
  } catch {
    throw notFound();
  }
  // A symbolic link inside the folder must not lead out of it.
  if (!path.startsWith(folder + sep)) throw badPath('the file lies outside the report folder');
  let isFile = false;
  let size = 0;
  try {
    const st = statSync(path);
    isFile = st.isFile();
    size = st.size;
  } catch {
    // vanished since realpath: not found below
  }
  if (!isFile) throw notFound();
  return { stream: createReadStream(path), type: TYPES[extname(path)] ?? 'application/octet-stream', size };
}
