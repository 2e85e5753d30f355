/** The only I/O of the claims bench: writes a report's files under a directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPORT_MANIFEST, REPORT_PAGE, reportJson } from '../../report/index.js';
import type { ClaimsReport } from './report.js';

export interface Written {
  readonly files: readonly string[];
}

/**
 * Writes claims.json, the plots, CLAIMS.md, index.html and report.json (the manifest a node lists
 * under GET /reports) into `outDir`, and CLAIMS.md also to `docsPath` when given.
 */
export function writeReport(report: ClaimsReport, outDir: string, docsPath?: string, now: Date = new Date()): Written {
  mkdirSync(join(outDir, 'plots'), { recursive: true });
  const files: string[] = [];
  const put = (path: string, text: string): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    files.push(path);
  };
  put(join(outDir, 'claims.json'), report.json);
  for (const [name, svg] of report.plots) put(join(outDir, 'plots', name), svg);
  put(join(outDir, 'CLAIMS.md'), report.markdown);
  put(join(outDir, REPORT_PAGE), report.html);
  put(join(outDir, REPORT_MANIFEST), reportJson({ ...report.manifest, createdAt: now.toISOString() }));
  if (docsPath !== undefined) put(docsPath, report.markdown);
  return { files };
}
