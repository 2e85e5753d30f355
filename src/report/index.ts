/**
 * src/report: self-contained HTML reports (one file, inline CSS and SVG plots, no scripts, no
 * external URLs) for `thermo sim --report DIR` and `thermo bench claims`.
 * Owns: escaping and number formatting (escape.ts), the SVG line and bar charts (svg-chart.ts,
 * svg-bars.ts), the page frame and tables (page.ts), the simulation report (sim-report.ts over
 * the structural input of sim-input.ts; written by sim-writer.ts), writing and listing report folders (writer.ts).
 * Does not own: running simulations or benchmarks (src/sim, src/bench), the command line
 * (src/cli), serving reports (src/node), the live dashboard (src/dashboard).
 * Layering: imports nothing from the project but (at most) src/core; src/cli and src/bench
 * import it.
 */
export { escapeXml, formatNumber } from './escape.js';
export { svgLineChart, niceTicks } from './svg-chart.js';
export type { ChartSeries, ChartOptions, ReferenceLine } from './svg-chart.js';
export { svgBarChart } from './svg-bars.js';
export type { BarGroup, BarChartOptions } from './svg-bars.js';
export { htmlPage, table, keyValueTable, preformatted, paragraph } from './page.js';
export type { Cell, PageOptions, PageSection } from './page.js';
export { renderSimReport, summaryRows, Z_C } from './sim-report.js';
export type { SimReportOptions } from './sim-report.js';
export { writeSimReport } from './sim-writer.js';
export type { SimReportInput, SimSummaryInput, SimGaugeSample, SimNodeRow, SimViolationRow, SimEngineErrorRow } from './sim-input.js';
export { writeReport, listReports, reportJson, REPORT_MANIFEST, REPORT_PAGE, REPORT_DATA } from './writer.js';
export type { ReportManifest, ListedReport } from './writer.js';
