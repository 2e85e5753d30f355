/**
 * src/protocol: what every engine shares.
 * Owns: the sans-I/O Engine contract (inputs, effects, context, definition), and the helpers
 * engines reuse instead of rewriting: block tree with most-work fork choice, quorum counting,
 * the finalized log.
 * Does not own: any one protocol's rules (src/engines/*), executing effects (src/sim, src/node),
 * ledger rules (src/ledger).
 */
export * from './engine.js';
export * from './errors.js';
export * from './quorum.js';
export * from './vote-set.js';
export * from './finalized-log.js';
export * from './block-tree.js';
export * from './batching.js';
