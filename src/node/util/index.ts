/**
 * src/node/util: small helpers shared by the node's folders.
 * Owns: token buckets (rate limits for peers and API clients).
 * Does not own: anything with a protocol meaning.
 */
export { TokenBucket, KeyedBuckets } from './token-bucket.js';
export type { RateLimit } from './token-bucket.js';
