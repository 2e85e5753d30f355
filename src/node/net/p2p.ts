/**
 * The libp2p host: TCP + Noise + Yamux, identify, ping, gossipsub (StrictSign, peer scoring,
 * topic allow-list, inbound size cap), bootstrap from config. Its identity key is the
 * validator's Ed25519 key (same 32-byte seed), so a Noise-authenticated peer id proves a
 * validator key and the transport can hand the engine authenticated sender indices.
 */
import { generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys';
import { bootstrap } from '@libp2p/bootstrap';
import { gossipsub } from '@libp2p/gossipsub';
import type { GossipSub } from '@libp2p/gossipsub';
import { createTopicScoreParams } from '@libp2p/gossipsub/score';
import { identify } from '@libp2p/identify';
import type { Identify } from '@libp2p/identify';
import type { Libp2p, PeerId } from '@libp2p/interface';
import { noise } from '@libp2p/noise';
import { ping } from '@libp2p/ping';
import type { Ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { createLibp2p } from 'libp2p';
import '../polyfill.js';

export type Services = { identify: Identify; ping: Ping; pubsub: GossipSub };
export type Host = Libp2p<Services>;

export interface HostOptions {
  readonly seed: Uint8Array;
  readonly listen: readonly string[];
  readonly announce: readonly string[];
  readonly bootstrap: readonly string[];
  readonly maxPeers: number;
  readonly maxMessageBytes: number;
  readonly topics: readonly string[];
  /** True for peers we refuse (banned): checked on dial and on inbound connections. */
  readonly denied: (peer: PeerId) => boolean;
}

export async function createHost(o: HostOptions): Promise<Host> {
  const privateKey = await generateKeyPairFromSeed('Ed25519', o.seed);
  const topicScores = Object.fromEntries(
    o.topics.map((t) => [
      t,
      createTopicScoreParams({
        topicWeight: 1,
        // P4: a message that fails our validator (undecodable, wrong chain, not a validator).
        invalidMessageDeliveriesWeight: -100,
        invalidMessageDeliveriesDecay: 0.5,
      }),
    ]),
  );
  return createLibp2p({
    privateKey,
    addresses: { listen: [...o.listen], announce: [...o.announce] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: o.bootstrap.length > 0 ? [bootstrap({ list: [...o.bootstrap], timeout: 100 })] : [],
    connectionManager: {
      maxConnections: o.maxPeers,
      // Many nodes on one host dial at once (devnet): the default threshold refuses most.
      inboundConnectionThreshold: Math.max(64, o.maxPeers * 4),
    },
    connectionGater: {
      denyDialPeer: (peer) => o.denied(peer),
      denyInboundEncryptedConnection: (peer) => o.denied(peer),
      denyOutboundEncryptedConnection: (peer) => o.denied(peer),
    },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictSign',
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        floodPublish: true,
        allowedTopics: [...o.topics],
        maxInboundDataLength: o.maxMessageBytes + 64 * 1024,
        scoreParams: { topics: topicScores },
        scoreThresholds: { gossipThreshold: -100, publishThreshold: -500, graylistThreshold: -1000 },
      }),
    },
  });
}

/** The libp2p peer id string of a validator's Ed25519 public key (what /p2p/ addresses carry). */
export function peerIdOf(publicKey: Uint8Array): string {
  return publicKeyFromRaw(publicKey).toString();
}
