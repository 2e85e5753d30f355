/**
 * The node's transport for one engine on one chain.
 *
 *  - `send(to, bytes)`: a direct stream `/thermo/<chain>/<engine>/msg/1` to that validator
 *    (length-prefixed frames, size-capped before allocation).
 *  - `broadcast(bytes)`: the gossipsub topic `/thermo/<chain>/<engine>/<tag>` (StrictSign, the
 *    author is the validator), or direct fan-out with `broadcast: 'direct'`.
 *  - `publishTransaction(bytes)` (with `txGossip`): client transactions on their own topic
 *    `/thermo/<chain>/tx/<tag>`, from any peer; receivers decode and chain-check them.
 *  - Both coalesce everything queued within one event-loop turn into one envelope per
 *    destination (envelope.ts).
 *  - Inbound: every frame or gossip message passes a size cap, a per-peer token bucket, the
 *    envelope decoder (chain tag) and the engine codec; any failure penalises the peer (our
 *    score, scores.ts) and is dropped; past the ban threshold the peer is disconnected and
 *    refused for a while. Only validators may send engine messages; the sender index comes
 *    from the Noise-authenticated peer id (= validator key) or the gossip author signature.
 *  - Handshake `/thermo/hello/1` on every new connection: each end sends its genesis hash,
 *    chain id and engine on its own stream and checks the other's; another chain is
 *    disconnected and refused.
 *  - A reconnect loop redials bootstrap addresses and known validators, so a restarted node
 *    (or a restarted peer) rejoins without operator action.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub';
import type { Message } from '@libp2p/gossipsub';
import type { Connection, PeerId, Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import type { Multiaddr } from '@multiformats/multiaddr';
import { decode, encode, readArray, readBytes, readString, readUint, toHex, equalBytes } from '../../core/index.js';
import type { MessageCodec, NodeIndex } from '../../protocol/index.js';
import { decodeTransfer } from '../../ledger/index.js';
import type { Transfer } from '../../ledger/index.js';
import { KeyedBuckets } from '../util/index.js';
import type { RateLimit } from '../util/index.js';
import { CHAIN_TAG_BYTES, ENVELOPE_TYPE, decodeEnvelope, encodeEnvelope } from './envelope.js';
import type { Envelope, EnvelopeType } from './envelope.js';
import { NetError } from './errors.js';
import { FaultGate } from './fault-gate.js';
import { FrameReader, frame } from './framing.js';
import { createHost } from './p2p.js';
import type { Host } from './p2p.js';
import { PeerScores } from './scores.js';

export const HELLO_PROTOCOL = '/thermo/hello/1';
export const HELLO_VERSION = 1;
const MAX_HELLO_BYTES = 4096;
/** Bytes queued on one outbound stream before further frames to that peer are dropped. */
export const MAX_OUTBOUND_BUFFER = 16 * 1024 * 1024;
export const RECONNECT_MS = 2000;

/** Penalty weights (the ban threshold is 100 by default). */
export const PENALTY = Object.freeze({
  frameTooLarge: 100,
  wrongChain: 100,
  badHello: 100,
  badEnvelope: 20,
  undecodable: 10,
  notValidator: 5,
  rateLimited: 1,
});

export interface NetworkOptions {
  readonly seed: Uint8Array;
  readonly chainId: string;
  readonly engine: string;
  readonly genesisHash: Uint8Array;
  readonly validators: readonly Uint8Array[];
  readonly codec: MessageCodec<unknown>;
  readonly listen: readonly string[];
  readonly announce: readonly string[];
  readonly bootstrap: readonly string[];
  readonly maxPeers: number;
  readonly maxFrameBytes: number;
  readonly peerRate: RateLimit;
  readonly banThreshold: number;
  readonly banMs: number;
  readonly broadcast: 'gossip' | 'direct';
  /** Delivers a decoded engine message from an authenticated validator (`bytes`: its encoded size). */
  readonly onMessage: (from: NodeIndex, message: unknown, bytes: number) => void;
  /**
   * Gossips client transactions on their own topic (`publishTransaction`), and hands the ones
   * peers gossip to `onTransaction` (decoded and chain-checked; the engine still validates).
   */
  readonly txGossip?: boolean;
  readonly onTransaction?: (tx: Transfer) => void;
  readonly log?: (level: 'info' | 'warn' | 'debug', msg: string, fields?: Record<string, unknown>) => void;
}

export interface NetStats {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
  droppedOut: number;
  rateLimited: number;
  penalties: Record<string, number>;
  bans: number;
  helloRejected: number;
}

export interface PeerInfo {
  readonly peerId: string;
  readonly validator: number | null;
  readonly addresses: readonly string[];
  readonly score: number;
  readonly verified: boolean;
}

interface Decoded {
  readonly message: unknown;
  readonly bytes: number;
}

function bytesOf(data: Uint8Array | { subarray(): Uint8Array }): Uint8Array {
  return data instanceof Uint8Array ? data : data.subarray();
}

export class Network {
  private host: Host | null = null;
  readonly chainTag: Uint8Array;
  readonly engineTopic: string;
  readonly txTopic: string;
  readonly msgProtocol: string;
  private readonly byKey = new Map<string, NodeIndex>();
  /** Peer ids of validators seen on a connection, by index (for dialing and sending). */
  private readonly validatorPeers = new Map<NodeIndex, PeerId>();
  private readonly outStreams = new Map<string, Promise<Stream | null>>();
  private readonly pendingSends = new Map<NodeIndex, Uint8Array[]>();
  private pendingBroadcast: Uint8Array[] = [];
  private pendingTxs: Uint8Array[] = [];
  private flushScheduled = false;
  private readonly scores: PeerScores;
  private readonly buckets: KeyedBuckets;
  private readonly verified = new Set<string>();
  private readonly decodedGossip = new WeakMap<Message, Decoded[]>();
  private readonly decodedTxGossip = new WeakMap<Message, Transfer[]>();
  private readonly bootstrapAddrs: Multiaddr[];
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Test-only fault injection (THERMO_FAULT_GATE, fault-gate.ts); null in normal runs. */
  private readonly gate = FaultGate.fromEnv();
  readonly stats: NetStats = {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    messagesIn: 0,
    messagesOut: 0,
    droppedOut: 0,
    rateLimited: 0,
    penalties: {},
    bans: 0,
    helloRejected: 0,
  };

  constructor(private readonly o: NetworkOptions) {
    this.chainTag = o.genesisHash.subarray(0, CHAIN_TAG_BYTES);
    const tagHex = toHex(this.chainTag);
    this.engineTopic = `/thermo/${o.chainId}/${o.engine}/${tagHex}`;
    this.txTopic = `/thermo/${o.chainId}/tx/${tagHex}`;
    this.msgProtocol = `/thermo/${o.chainId}/${o.engine}/msg/1`;
    o.validators.forEach((v, i) => this.byKey.set(toHex(v), i));
    this.scores = new PeerScores({ banThreshold: o.banThreshold, banMs: o.banMs, halfLifeMs: 60_000, maxPeers: Math.max(256, o.maxPeers * 8) });
    this.buckets = new KeyedBuckets(o.peerRate, Math.max(256, o.maxPeers * 8));
    this.bootstrapAddrs = o.bootstrap.map((a) => {
      try {
        return multiaddr(a);
      } catch (err) {
        throw new NetError({ code: 'NET_BAD_ADDRESS', address: a, reason: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  async start(): Promise<void> {
    const host = await createHost({
      seed: this.o.seed,
      listen: this.o.listen,
      announce: this.o.announce,
      bootstrap: this.o.bootstrap,
      maxPeers: this.o.maxPeers,
      maxMessageBytes: this.o.maxFrameBytes,
      topics: this.o.txGossip === true ? [this.engineTopic, this.txTopic] : [this.engineTopic],
      denied: (peer) => this.scores.isBanned(peer.toString(), Date.now()) || this.gated(peer),
    });
    this.host = host;
    this.gate?.start(() => host.getPeers().forEach((p) => this.gated(p) && void host.hangUp(p).catch(() => undefined)));
    await host.handle(this.msgProtocol, (stream, connection) => this.onInboundStream(stream, connection), {
      maxInboundStreams: 8,
      maxOutboundStreams: 8,
    });
    await host.handle(HELLO_PROTOCOL, (stream, connection) => this.onHelloStream(stream, connection), { maxInboundStreams: 4 });
    host.addEventListener('connection:open', (evt) => this.onConnection(evt.detail));
    const pubsub = host.services.pubsub;
    pubsub.topicValidators.set(this.engineTopic, (peer, msg) => this.validateGossip(peer, msg));
    pubsub.addEventListener('message', (evt) => this.onGossip(evt.detail));
    pubsub.subscribe(this.engineTopic);
    if (this.o.txGossip === true) {
      pubsub.topicValidators.set(this.txTopic, (peer, msg) => this.validateTxGossip(peer, msg));
      pubsub.subscribe(this.txTopic);
    }
    this.reconnectTimer = setInterval(() => this.reconnect(), RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.gate?.stop();
    if (this.reconnectTimer !== null) clearInterval(this.reconnectTimer);
    const host = this.host;
    this.host = null;
    if (host !== null) await host.stop();
  }

  get peerId(): string {
    return this.host?.peerId.toString() ?? '';
  }

  /** Listen addresses with the /p2p/ suffix: what another node puts in its bootstrap list. */
  addresses(): string[] {
    return this.host?.getMultiaddrs().map((m) => m.toString()) ?? [];
  }

  peers(): PeerInfo[] {
    const host = this.host;
    if (host === null) return [];
    const now = Date.now();
    const out: PeerInfo[] = [];
    for (const peer of host.getPeers()) {
      const id = peer.toString();
      out.push({
        peerId: id,
        validator: this.indexOf(peer) ?? null,
        addresses: host.getConnections(peer).map((c) => c.remoteAddr.toString()),
        score: -this.scores.score(id, now),
        verified: this.verified.has(id),
      });
    }
    return out;
  }

  get connectedValidators(): number {
    return this.peers().filter((p) => p.validator !== null).length;
  }

  private gated(peer: PeerId): boolean {
    return this.gate !== null && this.gate.blocks(peer.toString());
  }

  private indexOf(peer: PeerId): NodeIndex | undefined {
    const raw = peer.publicKey?.raw;
    return raw === undefined ? undefined : this.byKey.get(toHex(raw));
  }

  // ---- penalties -----------------------------------------------------------------------------

  /** Lowers a peer's standing; disconnects and refuses it past the threshold. */
  penalizePeer(peer: PeerId, code: string, weight: number): void {
    this.stats.penalties[code] = (this.stats.penalties[code] ?? 0) + 1;
    const id = peer.toString();
    if (this.scores.penalize(id, weight, Date.now())) {
      this.stats.bans++;
      this.o.log?.('warn', 'peer banned', { peer: id, code });
      this.validatorPeers.forEach((p, i) => {
        if (p.equals(peer)) this.validatorPeers.delete(i);
      });
      this.outStreams.delete(id);
      void this.host?.hangUp(peer).catch(() => undefined);
    }
  }

  /** The engine's `penalize` effect, by validator index. */
  penalizeValidator(index: NodeIndex, code: string, weight: number): void {
    const peer = this.validatorPeers.get(index);
    if (peer !== undefined) this.penalizePeer(peer, code, weight);
    else this.stats.penalties[code] = (this.stats.penalties[code] ?? 0) + 1;
  }

  isBanned(peer: string): boolean {
    return this.scores.isBanned(peer, Date.now());
  }

  // ---- outbound ------------------------------------------------------------------------------

  send(to: NodeIndex, bytes: Uint8Array): void {
    let q = this.pendingSends.get(to);
    if (q === undefined) {
      q = [];
      this.pendingSends.set(to, q);
    }
    q.push(bytes);
    this.scheduleFlush();
  }

  broadcast(bytes: Uint8Array): void {
    this.pendingBroadcast.push(bytes);
    this.scheduleFlush();
  }

  /** Gossips an accepted client transaction (its signed encoding) on the transaction topic. */
  publishTransaction(bytes: Uint8Array): void {
    if (this.o.txGossip !== true) return;
    this.pendingTxs.push(bytes);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Splits queued messages into envelopes no larger than the frame cap. */
  private batches(items: readonly Uint8Array[]): Uint8Array[][] {
    const out: Uint8Array[][] = [];
    let cur: Uint8Array[] = [];
    let size = 64;
    const cap = this.o.maxFrameBytes - 64;
    for (const it of items) {
      if (it.length + 4 > cap) {
        this.stats.droppedOut++; // the engine made a message larger than any peer accepts
        continue;
      }
      if (cur.length > 0 && (size + it.length + 4 > cap || cur.length >= 4096)) {
        out.push(cur);
        cur = [];
        size = 64;
      }
      cur.push(it);
      size += it.length + 4;
    }
    if (cur.length > 0) out.push(cur);
    return out;
  }

  private flush(): void {
    if (this.stopped || this.host === null) return;
    const sends = [...this.pendingSends];
    this.pendingSends.clear();
    for (const [to, items] of sends) {
      for (const batch of this.batches(items)) this.sendFrame(to, encodeEnvelope(this.chainTag, ENVELOPE_TYPE.engine, batch), batch.length);
    }
    const txs = this.pendingTxs;
    this.pendingTxs = [];
    for (const batch of this.batches(txs)) {
      const env = encodeEnvelope(this.chainTag, ENVELOPE_TYPE.transactions, batch);
      this.stats.framesOut++;
      this.stats.bytesOut += env.length;
      this.host.services.pubsub.publish(this.txTopic, env).catch(() => {
        this.stats.droppedOut += batch.length;
      });
    }
    const bc = this.pendingBroadcast;
    this.pendingBroadcast = [];
    if (bc.length === 0) return;
    for (const batch of this.batches(bc)) {
      const env = encodeEnvelope(this.chainTag, ENVELOPE_TYPE.engine, batch);
      if (this.o.broadcast === 'gossip') {
        this.stats.framesOut++;
        this.stats.bytesOut += env.length;
        this.stats.messagesOut += batch.length;
        this.host.services.pubsub.publish(this.engineTopic, env).catch(() => {
          this.stats.droppedOut += batch.length;
        });
      } else {
        this.o.validators.forEach((_, i) => {
          if (this.validatorPeers.has(i)) this.sendFrame(i, env, batch.length);
        });
      }
    }
  }

  private sendFrame(to: NodeIndex, envelope: Uint8Array, count: number): void {
    const peer = this.validatorPeers.get(to);
    if (peer === undefined) {
      this.stats.droppedOut += count; // not connected: the engine retransmits what matters
      return;
    }
    const id = peer.toString();
    let sp = this.outStreams.get(id);
    if (sp === undefined) {
      sp = this.openStream(peer);
      this.outStreams.set(id, sp);
    }
    const bytes = frame(envelope);
    void sp.then((stream) => {
      if (stream === null || stream.status !== 'open' || stream.writeStatus !== 'writable') {
        if (this.outStreams.get(id) === sp) this.outStreams.delete(id);
        this.stats.droppedOut += count;
        return;
      }
      if (stream.writeBufferLength > MAX_OUTBOUND_BUFFER) {
        this.stats.droppedOut += count; // a slow peer: drop rather than grow without bound
        return;
      }
      try {
        stream.send(bytes);
        this.stats.framesOut++;
        this.stats.bytesOut += bytes.length;
        this.stats.messagesOut += count;
      } catch {
        this.stats.droppedOut += count;
        if (this.outStreams.get(id) === sp) this.outStreams.delete(id);
      }
    });
  }

  private async openStream(peer: PeerId): Promise<Stream | null> {
    const host = this.host;
    if (host === null) return null;
    try {
      const stream = await host.dialProtocol(peer, this.msgProtocol);
      stream.maxWriteBufferLength = MAX_OUTBOUND_BUFFER * 2;
      stream.addEventListener('close', () => {
        const id = peer.toString();
        // Forget only this stream; a newer one may already be open.
        void this.outStreams.get(id)?.then((s) => {
          if (s === stream) this.outStreams.delete(id);
        });
      });
      return stream;
    } catch {
      return null;
    }
  }

  // ---- inbound -------------------------------------------------------------------------------

  private onInboundStream(stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer;
    const reader = new FrameReader(this.o.maxFrameBytes);
    stream.maxReadBufferLength = this.o.maxFrameBytes + 1024;
    stream.addEventListener('message', (evt) => {
      let frames: Uint8Array[];
      try {
        frames = reader.push(bytesOf(evt.data));
      } catch (err) {
        this.penalizePeer(peer, err instanceof NetError ? err.code : 'NET_BAD_FRAME', PENALTY.frameTooLarge);
        stream.abort(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      for (const f of frames) this.onFrame(peer, f);
    });
  }

  private onFrame(peer: PeerId, bytes: Uint8Array): void {
    if (this.gated(peer)) return;
    this.stats.framesIn++;
    this.stats.bytesIn += bytes.length + 4;
    const env = this.openEnvelope(peer, bytes);
    if (env === null) return;
    if (env.type !== ENVELOPE_TYPE.engine) {
      this.penalizePeer(peer, 'NET_BAD_ENVELOPE', PENALTY.badEnvelope);
      return;
    }
    const from = this.indexOf(peer);
    if (from === undefined) {
      this.penalizePeer(peer, 'NET_NOT_VALIDATOR', PENALTY.notValidator);
      return;
    }
    this.rememberValidator(from, peer);
    this.deliverItems(peer, from, env.items);
  }

  private openEnvelope(peer: PeerId, bytes: Uint8Array): Envelope | null {
    if (!this.buckets.take(peer.toString(), Date.now())) {
      this.stats.rateLimited++;
      this.penalizePeer(peer, 'NET_RATE_LIMITED', PENALTY.rateLimited);
      return null;
    }
    try {
      return decodeEnvelope(bytes, this.chainTag);
    } catch (err) {
      const code = err instanceof NetError ? err.code : 'NET_BAD_ENVELOPE';
      this.penalizePeer(peer, code, code === 'NET_WRONG_CHAIN' ? PENALTY.wrongChain : PENALTY.badEnvelope);
      return null;
    }
  }

  /** Decodes every item first: a batch with one bad message is refused whole. */
  private decodeItems(items: readonly Uint8Array[]): Decoded[] | NetError {
    const out: Decoded[] = [];
    for (const it of items) {
      try {
        out.push({ message: this.o.codec.decode(it), bytes: it.length });
      } catch (err) {
        return new NetError({ code: 'NET_UNDECODABLE', reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return out;
  }

  private deliverItems(peer: PeerId, from: NodeIndex, items: readonly Uint8Array[]): void {
    const decoded = this.decodeItems(items);
    if (decoded instanceof NetError) {
      this.penalizePeer(peer, decoded.code, PENALTY.undecodable);
      this.o.log?.('debug', 'undecodable message', { peer: peer.toString(), reason: decoded.message });
      return;
    }
    this.stats.messagesIn += decoded.length;
    for (const d of decoded) this.o.onMessage(from, d.message, d.bytes);
  }

  private rememberValidator(index: NodeIndex, peer: PeerId): void {
    const known = this.validatorPeers.get(index);
    if (known === undefined || !known.equals(peer)) this.validatorPeers.set(index, peer);
  }

  // ---- gossip --------------------------------------------------------------------------------

  private validateGossip(propagator: PeerId, msg: Message): TopicValidatorResult {
    if (msg.type !== 'signed') return TopicValidatorResult.Reject;
    if (this.gated(propagator) || this.gated(msg.from)) return TopicValidatorResult.Ignore;
    const bytes = msg.data;
    this.stats.framesIn++;
    this.stats.bytesIn += bytes.length;
    if (bytes.length > this.o.maxFrameBytes) {
      this.penalizePeer(msg.from, 'NET_FRAME_TOO_LARGE', PENALTY.frameTooLarge);
      return TopicValidatorResult.Reject;
    }
    if (!this.buckets.take(`g:${propagator.toString()}`, Date.now())) {
      this.stats.rateLimited++;
      this.penalizePeer(propagator, 'NET_RATE_LIMITED', PENALTY.rateLimited);
      return TopicValidatorResult.Ignore;
    }
    const from = this.indexOf(msg.from);
    if (from === undefined) {
      this.penalizePeer(msg.from, 'NET_NOT_VALIDATOR', PENALTY.notValidator);
      return TopicValidatorResult.Reject;
    }
    let env: Envelope;
    try {
      env = decodeEnvelope(bytes, this.chainTag);
    } catch (err) {
      const code = err instanceof NetError ? err.code : 'NET_BAD_ENVELOPE';
      this.penalizePeer(msg.from, code, code === 'NET_WRONG_CHAIN' ? PENALTY.wrongChain : PENALTY.badEnvelope);
      return TopicValidatorResult.Reject;
    }
    if (env.type !== ENVELOPE_TYPE.engine) {
      this.penalizePeer(msg.from, 'NET_BAD_ENVELOPE', PENALTY.badEnvelope);
      return TopicValidatorResult.Reject;
    }
    const decoded = this.decodeItems(env.items);
    if (decoded instanceof NetError) {
      this.penalizePeer(msg.from, decoded.code, PENALTY.undecodable);
      return TopicValidatorResult.Reject;
    }
    this.decodedGossip.set(msg, decoded);
    return TopicValidatorResult.Accept;
  }

  /** Transactions gossiped by any peer (validators or not): decoded and chain-checked here. */
  private validateTxGossip(propagator: PeerId, msg: Message): TopicValidatorResult {
    if (msg.type !== 'signed') return TopicValidatorResult.Reject;
    this.stats.framesIn++;
    this.stats.bytesIn += msg.data.length;
    if (!this.buckets.take(`t:${propagator.toString()}`, Date.now())) {
      this.stats.rateLimited++;
      this.penalizePeer(propagator, 'NET_RATE_LIMITED', PENALTY.rateLimited);
      return TopicValidatorResult.Ignore;
    }
    const txs: Transfer[] = [];
    try {
      const env = decodeEnvelope(msg.data, this.chainTag);
      if (env.type !== ENVELOPE_TYPE.transactions) throw new NetError({ code: 'NET_BAD_ENVELOPE', reason: 'not transactions' });
      for (const it of env.items) {
        const tx = decodeTransfer(it);
        if (tx.chainId !== this.o.chainId) throw new NetError({ code: 'NET_WRONG_CHAIN' });
        txs.push(tx);
      }
    } catch (err) {
      const code = err instanceof NetError ? err.code : 'NET_UNDECODABLE';
      this.penalizePeer(msg.from, code, code === 'NET_WRONG_CHAIN' ? PENALTY.wrongChain : PENALTY.undecodable);
      return TopicValidatorResult.Reject;
    }
    this.decodedTxGossip.set(msg, txs);
    return TopicValidatorResult.Accept;
  }

  private onGossip(msg: Message): void {
    if (msg.type !== 'signed') return;
    if (msg.topic === this.txTopic) {
      const txs = this.decodedTxGossip.get(msg);
      this.decodedTxGossip.delete(msg);
      if (txs !== undefined && this.o.onTransaction !== undefined) for (const tx of txs) this.o.onTransaction(tx);
      return;
    }
    if (msg.topic !== this.engineTopic) return;
    const from = this.indexOf(msg.from);
    if (from === undefined || from === this.selfIndex()) return;
    let decoded = this.decodedGossip.get(msg);
    if (decoded === undefined) {
      // Not the object the validator saw: decode again (it already passed validation).
      try {
        const env = decodeEnvelope(msg.data, this.chainTag);
        const d = this.decodeItems(env.items);
        if (d instanceof NetError) return;
        decoded = d;
      } catch {
        return;
      }
    }
    this.decodedGossip.delete(msg);
    this.stats.messagesIn += decoded.length;
    for (const d of decoded) this.o.onMessage(from, d.message, d.bytes);
  }

  private selfIndex(): NodeIndex | undefined {
    const host = this.host;
    return host === null ? undefined : this.indexOf(host.peerId);
  }

  // ---- handshake and reconnects --------------------------------------------------------------

  private helloBytes(): Uint8Array {
    const body = encode([HELLO_VERSION, this.o.genesisHash, this.o.chainId, this.o.engine]);
    return frame(encodeEnvelope(this.chainTag, ENVELOPE_TYPE.hello, [body]));
  }

  private onConnection(connection: Connection): void {
    const peer = connection.remotePeer;
    const index = this.indexOf(peer);
    if (index !== undefined) this.rememberValidator(index, peer);
    // Both ends send their hello on their own stream, and each checks the other's.
    void (async () => {
      try {
        const stream = await connection.newStream(HELLO_PROTOCOL);
        stream.send(this.helloBytes());
        await stream.close();
      } catch {
        // The peer may not speak our hello (another program): it will send nothing we accept.
      }
    })();
  }

  private onHelloStream(stream: Stream, connection: Connection): void {
    const peer = connection.remotePeer;
    const reader = new FrameReader(MAX_HELLO_BYTES);
    let done = false;
    stream.addEventListener('message', (evt) => {
      if (done) return;
      let frames: Uint8Array[];
      try {
        frames = reader.push(bytesOf(evt.data));
      } catch {
        done = true;
        this.rejectHello(peer, 'oversized hello');
        stream.abort(new Error('oversized hello'));
        return;
      }
      const f = frames[0];
      if (f === undefined) return;
      done = true;
      const verdict = this.checkHello(f);
      if (verdict === null) {
        this.verified.add(peer.toString());
        void stream.close().catch(() => undefined);
      } else {
        this.rejectHello(peer, verdict);
        stream.abort(new Error(verdict));
      }
    });
  }

  /** Null when the hello names our chain and engine, else the reason. */
  private checkHello(bytes: Uint8Array): string | null {
    let env: Envelope;
    try {
      env = decodeEnvelope(bytes, this.chainTag);
    } catch (err) {
      return err instanceof NetError && err.code === 'NET_WRONG_CHAIN' ? 'another chain (genesis differs)' : 'malformed hello';
    }
    if (env.type !== ENVELOPE_TYPE.hello || env.items.length !== 1) return 'malformed hello';
    try {
      const items = readArray(decode(env.items[0]!, MAX_HELLO_BYTES), 'hello', 4);
      if (readUint(items[0], 'hello.version') !== HELLO_VERSION) return 'another protocol version';
      if (!equalBytes(readBytes(items[1], 'hello.genesis', 32), this.o.genesisHash)) return 'another chain (genesis differs)';
      if (readString(items[2], 'hello.chainId', 64) !== this.o.chainId) return 'another chain id';
      if (readString(items[3], 'hello.engine', 64) !== this.o.engine) return 'another engine';
    } catch {
      return 'malformed hello';
    }
    return null;
  }

  private rejectHello(peer: PeerId, reason: string): void {
    this.stats.helloRejected++;
    this.o.log?.('warn', 'peer refused at handshake', { peer: peer.toString(), reason });
    this.penalizePeer(peer, 'NET_BAD_HELLO', PENALTY.badHello);
    void this.host?.hangUp(peer).catch(() => undefined);
  }

  private reconnect(): void {
    const host = this.host;
    if (host === null || this.stopped) return;
    const connected = new Set(host.getPeers().map((p) => p.toString()));
    for (const addr of this.bootstrapAddrs) {
      const id = addr.getComponents().findLast((c) => c.name === 'p2p')?.value;
      if (id !== undefined && (connected.has(id) || this.scores.isBanned(id, Date.now()))) continue;
      void host.dial(addr).catch(() => undefined);
    }
    for (const peer of this.validatorPeers.values()) {
      if (connected.has(peer.toString())) continue;
      void host.dial(peer).catch(() => undefined);
    }
  }

  /** The envelope type tag, for tests that forge frames. */
  static envelopeType(name: keyof typeof ENVELOPE_TYPE): EnvelopeType {
    return ENVELOPE_TYPE[name];
  }
}
