/**
 * src/node/api: the node's HTTP API.
 * Owns: routes and their typebox schemas, input validation (bodies, params, signed transfers),
 * JSON errors with codes, body size and per-IP rate limits, server-sent events, /metrics
 * serving, the dashboard's static files.
 * Does not own: what the answers are (an ApiBackend supplies them: src/node/node.ts), metric
 * definitions (src/node/metrics), the dashboard's code (src/dashboard).
 */
export { buildApi, entryJson, DEFAULT_REPORTS_DIR, DEFAULT_RANGE_LIMIT, MAX_RANGE_LIMIT, MAX_RATE_KEYS } from './server.js';
export { MAX_BATCH, BATCH_BODY_LIMIT, MAX_DAG_LIMIT, DEFAULT_DAG_LIMIT } from './schemas.js';
export { listReportFolders, openReportFile, MAX_REPORTS, MAX_REPORT_ENTRIES, MAX_MANIFEST_BYTES, MAX_REPORT_PATH_SEGMENTS } from './reports.js';
export type { ReportEntry } from './reports.js';
export type { Api, ApiOptions } from './server.js';
export type { ApiBackend, NodeStatusView, AccountView, ProofView, TelemetryView, FinalizedListener, DagVertexView, EpochApiView } from './backend.js';
export { ApiError, apiError, errorBody } from './errors.js';
export type { ApiErrorCode, ApiErrorType, ErrorBody } from './errors.js';
export { SseHub, MAX_CLIENT_BUFFER } from './sse.js';
export { transferFromBody } from './tx-input.js';
export type { SubmitInput } from './tx-input.js';
export { DEFAULT_DASHBOARD_DIR, placeholderPage } from './static.js';
