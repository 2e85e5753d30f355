/**
 * src/bench/claims: the experiments behind docs/CLAIMS.md (`thermo bench claims`).
 * Owns: the experiment plans per size (config.ts), the runner over engines, points and seeds
 * (run.ts) with per-run measurements (measure.ts), statistics (stats.ts), the verdict rules
 * (verdicts.ts), the SVG plots (svg.ts, plots.ts), the Markdown, HTML and JSON report
 * (markdown.ts, html.ts over src/report's page frame, report.ts) and writing it (write.ts, the
 * only I/O).
 * Does not own: the simulator (src/sim), the engines (src/engines), the command line (src/cli).
 */
export { planFor, SIZES, LATENCY, BANDWIDTH, BASELINES, DESIGN_ENGINES } from './config.js';
export type { ClaimsPlan, Size } from './config.js';
export { runClaims, jobsOf, tasksOf, runTask, assemble, enginesOf } from './run.js';
export { runClaimsParallel } from './parallel.js';
export type { ClaimsData, Point, Stat, RunnerOptions, Job } from './run.js';
export { measure, countingDefinition, METRIC_NAMES } from './measure.js';
export type { RunMetrics, MetricName, SigCounter } from './measure.js';
export { median, medianInterval, powerFit } from './stats.js';
export type { Interval, PowerFit } from './stats.js';
export { claimsOf, safetyTable, fmt, fmtStat } from './verdicts.js';
export type { ClaimResult, Verdict, Table } from './verdicts.js';
export { lineChart, escapeXml } from './svg.js';
export type { ChartSpec, Series, SeriesPoint } from './svg.js';
export { plotsOf } from './plots.js';
export { claimsMarkdown } from './markdown.js';
export { claimsHtml, claimsManifest, CLAIMS_REPORT_KIND } from './html.js';
export { buildReport } from './report.js';
export type { ClaimsReport, ReportOptions } from './report.js';
export { writeReport } from './write.js';
export { engineLookup } from './engines.js';
