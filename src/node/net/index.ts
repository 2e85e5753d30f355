/**
 * src/node/net: the node's libp2p transport.
 * Owns: the libp2p host (TCP, Noise, Yamux, identify, ping, gossipsub, bootstrap), the wire
 * envelope and length-prefixed framing with size caps, per-peer rate limits, our peer scores,
 * bans and disconnects, the genesis handshake, reconnects, message batching.
 * Does not own: what engine messages mean (the engine's codec decodes them), ordering and
 * durability (src/node/runtime), HTTP (src/node/api).
 */
export { Network, HELLO_PROTOCOL, PENALTY, MAX_OUTBOUND_BUFFER } from './network.js';
export type { NetworkOptions, NetStats, PeerInfo } from './network.js';
export { encodeEnvelope, decodeEnvelope, ENVELOPE_TYPE, CHAIN_TAG_BYTES, MAX_ITEMS, HEADER_BYTES } from './envelope.js';
export type { Envelope, EnvelopeType } from './envelope.js';
export { FrameReader, frame } from './framing.js';
export { PeerScores, DEFAULT_SCORE_OPTIONS } from './scores.js';
export type { ScoreOptions } from './scores.js';
export { NetError } from './errors.js';
export type { NetErrorType, NetErrorCode } from './errors.js';
export { createHost, peerIdOf } from './p2p.js';
export type { Host, HostOptions } from './p2p.js';
