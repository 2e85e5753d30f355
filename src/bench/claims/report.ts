/**
 * Turns the runner's data into the report's files, in memory: claims.json, the SVG plots,
 * CLAIMS.md and the HTML page with its manifest. Pure; write.ts puts them on disk.
 */
import type { ReportManifest } from '../../report/index.js';
import { claimsHtml, claimsManifest } from './html.js';
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
  /** The self-contained page (index.html) and its manifest for report listings. */
  readonly html: string;
  readonly manifest: Omit<ReportManifest, 'createdAt'>;
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
  const html = claimsHtml(data, claims, plots, options.command);
  const manifest = Object.freeze(claimsManifest(data, claims));
  return Object.freeze({ json, markdown, plots, claims: Object.freeze(claims), html, manifest });
}
