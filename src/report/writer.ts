/**
 * Writes a report folder: `index.html` (the self-contained page), `result.json` (the data it was
 * drawn from; bigints as decimal strings) and `report.json` (a small manifest a node or the
 * dashboard can list: kind, title, time, summary line). `listReports(root)` reads the manifests
 * of the report folders directly under `root`, newest first.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPORT_MANIFEST = 'report.json';
export const REPORT_PAGE = 'index.html';
export const REPORT_DATA = 'result.json';

export interface ReportManifest {
  /** "sim", "bench-claims", ... */
  readonly kind: string;
  readonly title: string;
  /** ISO-8601 time the report was written. */
  readonly createdAt: string;
  /** One line for lists. */
  readonly summary: string;
}

export interface ListedReport extends ReportManifest {
  /** The folder's name under the listed root. */
  readonly name: string;
}

/** JSON with bigints as decimal strings, two-space indented. */
export function reportJson(data: unknown): string {
  return `${JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Creates `dir` if needed and writes the page, the data and the manifest; returns the page's path. */
export function writeReport(dir: string, html: string, data: unknown, manifest: ReportManifest): string {
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, REPORT_DATA), reportJson(data));
  writeAtomic(join(dir, REPORT_MANIFEST), reportJson(manifest));
  const page = join(dir, REPORT_PAGE);
  writeAtomic(page, html);
  return page;
}

function isManifest(v: unknown): v is ReportManifest {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Readonly<Record<string, unknown>>;
  return typeof o['kind'] === 'string' && typeof o['title'] === 'string' && typeof o['createdAt'] === 'string' && typeof o['summary'] === 'string';
}

/** Report folders directly under `root` that have a valid manifest and a page, newest first. */
export function listReports(root: string, max = 200): ListedReport[] {
  let names: string[];
  try {
    names = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
  const out: ListedReport[] = [];
  for (const name of names) {
    try {
      const m: unknown = JSON.parse(readFileSync(join(root, name, REPORT_MANIFEST), 'utf8'));
      readFileSync(join(root, name, REPORT_PAGE), { flag: 'r' });
      if (isManifest(m)) out.push({ name, kind: m.kind, title: m.title, createdAt: m.createdAt, summary: m.summary });
    } catch {
      // not a report folder
    }
  }
  out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.name.localeCompare(b.name)));
  return out.slice(0, max);
}
