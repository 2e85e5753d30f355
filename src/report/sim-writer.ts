/**
 * `writeSimReport(dir, result)`: what `thermo sim --report DIR` calls: `DIR/index.html` (the
 * page of sim-report.ts), `DIR/result.json` (the whole result) and `DIR/report.json` (manifest).
 */
import type { SimReportInput } from './sim-input.js';
import { renderSimReport } from './sim-report.js';
import { writeReport } from './writer.js';
import type { ReportManifest } from './writer.js';

/** Writes the report; returns the page's path. `now` is the time stamped into the manifest. */
export function writeSimReport(dir: string, result: SimReportInput, now: Date = new Date()): string {
  const s = result.summary;
  const createdAt = now.toISOString();
  const manifest: ReportManifest = {
    kind: 'sim',
    title: `thermo sim: ${s.engine}, ${s.nodes} nodes, seed ${s.seed}`,
    createdAt,
    summary: `${s.duration_s} s simulated, ${s.safety_violations} safety violation(s), trace ${s.trace_hash.slice(0, 16)}`,
  };
  const html = renderSimReport(result, { footer: `written by thermo sim at ${createdAt}` });
  return writeReport(dir, html, result, manifest);
}
