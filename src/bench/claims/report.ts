/**
 * Turns the runner's data into the report's files, in memory: claims.json, the SVG plots and
 * CLAIMS.md. Pure; write.ts puts them on disk.
 */
import { claimsMarkdown } from './markdown.js';
import { plotsOf } from './plots.js';
import type { ClaimsData } from './run.js';
import { claimsOf } from './verdicts.js';
import type { ClaimResult } from './verdicts.js';

export interface ClaimsReport {
  readonly json: string;
  readonly markdown: string;
  /** File name -> SVG. */
  readonly plots: ReadonlyMap<string, string>;
  readonly claims: readonly ClaimResult[];
}

export interface ReportOptions {
  readonly command: string;
  readonly plotsPath: string;
}

export function buildReport(data: ClaimsData, options: ReportOptions): ClaimsReport {
  const claims = claimsOf(data);
  const plots = plotsOf(data);
  const markdown = claimsMarkdown(data, claims, options);
  const json = JSON.stringify({ command: options.command, plan: data.plan, engines: data.engines, fits: data.fits, claims, points: data.points }, null, 1) + '\n';
  return Object.freeze({ json, markdown, plots, claims: Object.freeze(claims) });
}
