/**
 * src/core: the bottom layer every other module stands on.
 * Owns: bytes helpers, the canonical size-capped codec, SHA-256 and Ed25519 (core/crypto),
 * the seeded PRNG, deterministic math (core/dmath), typed errors and assertions.
 * Does not own: anything with I/O, clocks or ambient randomness (never here), domain objects
 * (src/ledger), protocol logic (src/protocol, src/engines).
 */
export * from './errors.js';
export * from './assert.js';
export * from './bytes.js';
export * from './codec.js';
export * from './crypto/index.js';
export * from './prng.js';
export * as dmath from './dmath/index.js';
