/**
 * src/node/client: clients of the node's HTTP API.
 * Owns: the typed fetch client (NodeClient) and the transaction load generator.
 * Does not own: the API itself (src/node/api), process management (src/node/devnet).
 */
export { NodeClient, ClientError, parseEntry, parseStatus, MAX_RESPONSE_BYTES } from './http-client.js';
export type { ApiResult, BatchItem, FinalEntryJson, StatusJson, ClientErrorType } from './http-client.js';
export { LoadGenerator, percentile } from './load.js';
export type { LoadOptions, LoadReport, TxRecordLoad } from './load.js';
