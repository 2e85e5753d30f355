/**
 * The network model: how long a message takes from one node to another.
 *
 *   delivered = upload serialization at the sender (FIFO per sender)
 *             + propagation (one-way latency + jitter, optional reorder delay)
 *             + download serialization at the receiver (FIFO per receiver)
 *
 * Latency: either fixed (one-way = rtt / 2, plus uniform jitter in [0, jitterMs]) or the
 * SimBlock 2019 region matrix (regions.ts) with SimBlock's Pareto jitter. Nodes are assigned
 * to regions round-robin (even spread) or by SimBlock's Bitcoin 2019 node distribution.
 *
 * Bandwidth: per-node upload and download caps in bits/s, modelled as serialization queues:
 * a link sends one message after another, so a broadcast of S bytes to n - 1 peers occupies
 * the sender's uplink for (n - 1) * S * 8 / upload seconds. The receiver's downlink is reserved
 * when the first bit arrives (in arrival order). Unlimited when no cap is given.
 *
 * Bytes on the wire = the engine codec's encoding + FRAMING_BYTES per message (see below).
 *
 * Bounds: a sender whose uplink backlog would exceed `maxBacklogMs` drops the message (counted
 * as `upload_overflow`) instead of queueing without limit: a real node's send buffers are finite
 * and a stalled TCP connection is eventually reset. Likewise a receiver's downlink
 * (`download_overflow`).
 *
 * Not modelled: copies still waiting in a crashed sender's uplink queue are delivered anyway
 * (the queue is reset for new sends only); per-link (rather than per-node) bandwidth; TCP slow
 * start, congestion control and ACK traffic.
 */
import { dmath } from '../core/index.js';
import type { Prng } from '../core/index.js';
import { badConfig } from './errors.js';
import {
  REGION_COUNT,
  SIMBLOCK_BITCOIN_2019_DISTRIBUTION,
  SIMBLOCK_DOWNLOAD_BPS_2019,
  SIMBLOCK_LATENCY_2019_MS,
  SIMBLOCK_UPLOAD_BPS_2019,
} from './regions.js';

/**
 * Per-message framing overhead in bytes, added to every encoded message: IPv4 header (20) +
 * TCP header without options (20) + Noise transport framing (2-byte length + 16-byte
 * ChaCha20-Poly1305 tag, Noise Protocol Framework rev. 34, section 7) + yamux frame header (12,
 * hashicorp/yamux spec.md) = 70. It assumes one message per TCP segment, so it undercounts large
 * messages (one 40-byte TCP/IP header per ~1460 bytes) and ignores ACKs and gossip envelopes.
 */
export const FRAMING_BYTES = 70;

/** Largest one-way propagation delay we accept from a jitter draw (a bound, not a model). */
export const MAX_PROPAGATION_MS = 60_000;

export type LatencyModel =
  | { readonly kind: 'fixed'; readonly rttMs: number; readonly jitterMs: number }
  | { readonly kind: 'regions'; readonly assign: 'round-robin' | 'bitcoin-2019'; readonly jitter: 'pareto' | 'none' };

export type BandwidthModel =
  | { readonly kind: 'unlimited' }
  /** Bits per second; null = that direction is unlimited. */
  | { readonly kind: 'fixed'; readonly uploadBps: number | null; readonly downloadBps: number | null }
  /** SimBlock 2019 per-region node bandwidths (requires the regions latency model). */
  | { readonly kind: 'regions' };

export function validateLatency(model: LatencyModel): void {
  if (model.kind === 'fixed') {
    if (!Number.isFinite(model.rttMs) || model.rttMs < 0 || model.rttMs > 2 * MAX_PROPAGATION_MS) throw badConfig('latency.rttMs', 'in [0, 120000]');
    if (!Number.isFinite(model.jitterMs) || model.jitterMs < 0 || model.jitterMs > MAX_PROPAGATION_MS) throw badConfig('latency.jitterMs', 'in [0, 60000]');
  }
}

function checkBps(v: number | null, field: string): void {
  if (v !== null && (!Number.isFinite(v) || v < 1000)) throw badConfig(field, 'at least 1000 bits/s, or unlimited');
}

export class NetworkModel {
  /** Region of each node (all 0 under the fixed model). */
  readonly regionOf: Uint8Array;
  /** Bits/s per node; 0 = unlimited. */
  private readonly upBps: Float64Array;
  private readonly downBps: Float64Array;
  /** When each node's uplink / downlink is free again (global ms). */
  private readonly upFreeAt: Float64Array;
  private readonly downFreeAt: Float64Array;
  private readonly fixedOneWay: number;
  private readonly fixedJitter: number;
  private readonly pareto: boolean;

  constructor(
    readonly n: number,
    readonly latency: LatencyModel,
    readonly bandwidth: BandwidthModel,
    /** The network's own stream; every draw happens in event order, so it is deterministic. */
    private readonly rng: Prng,
    readonly maxBacklogMs: number,
    assignRng: Prng,
  ) {
    validateLatency(latency);
    this.regionOf = new Uint8Array(n);
    if (latency.kind === 'regions') {
      for (let i = 0; i < n; i++) this.regionOf[i] = latency.assign === 'round-robin' ? i % REGION_COUNT : drawRegion(assignRng);
    }
    this.fixedOneWay = latency.kind === 'fixed' ? latency.rttMs / 2 : 0;
    this.fixedJitter = latency.kind === 'fixed' ? latency.jitterMs : 0;
    this.pareto = latency.kind === 'regions' && latency.jitter === 'pareto';
    this.upBps = new Float64Array(n);
    this.downBps = new Float64Array(n);
    if (bandwidth.kind === 'fixed') {
      checkBps(bandwidth.uploadBps, 'bandwidth.uploadBps');
      checkBps(bandwidth.downloadBps, 'bandwidth.downloadBps');
      this.upBps.fill(bandwidth.uploadBps ?? 0);
      this.downBps.fill(bandwidth.downloadBps ?? 0);
    } else if (bandwidth.kind === 'regions') {
      if (latency.kind !== 'regions') throw badConfig('bandwidth', 'per-region bandwidth needs the regions latency model');
      for (let i = 0; i < n; i++) {
        this.upBps[i] = SIMBLOCK_UPLOAD_BPS_2019[this.regionOf[i]!]!;
        this.downBps[i] = SIMBLOCK_DOWNLOAD_BPS_2019[this.regionOf[i]!]!;
      }
    }
    if (!Number.isFinite(maxBacklogMs) || maxBacklogMs <= 0) throw badConfig('network.maxBacklogMs', 'positive');
    this.upFreeAt = new Float64Array(n);
    this.downFreeAt = new Float64Array(n);
  }

  /** True when some node has a download cap (deliveries then need an arrival step). */
  get downloadCapped(): boolean {
    for (let i = 0; i < this.n; i++) if (this.downBps[i]! > 0) return true;
    return false;
  }

  /** One-way propagation delay for one message copy, jitter included. */
  propagation(from: number, to: number): number {
    if (this.latency.kind === 'fixed') {
      return this.fixedJitter > 0 ? this.fixedOneWay + this.rng.nextFloat() * this.fixedJitter : this.fixedOneWay;
    }
    const mean = SIMBLOCK_LATENCY_2019_MS[this.regionOf[from]!]![this.regionOf[to]!]!;
    if (!this.pareto) return mean;
    // Pareto(scale = mean - 5, shape = 0.2 * mean): x = scale * u^(-1/shape), u in (0, 1].
    const u = 1 - this.rng.nextFloat();
    const x = (mean - 5) * dmath.exp(-dmath.log(u) / (0.2 * mean));
    return x < MAX_PROPAGATION_MS ? x : MAX_PROPAGATION_MS;
  }

  /**
   * Reserves the sender's uplink for `wireBytes` starting no earlier than `at`; returns when
   * the last bit has left, or -1 when the backlog bound would be exceeded (message dropped).
   */
  reserveUpload(from: number, at: number, wireBytes: number): number {
    const bps = this.upBps[from]!;
    if (bps === 0) return at;
    const free = this.upFreeAt[from]!;
    const start = free > at ? free : at;
    if (start - at > this.maxBacklogMs) return -1;
    const done = start + (wireBytes * 8000) / bps;
    this.upFreeAt[from] = done;
    return done;
  }

  /**
   * Reserves the receiver's downlink from the arrival of the first bit; returns completion, or
   * -1 when the downlink backlog would exceed `maxBacklogMs` (the copy is dropped: a real
   * receiver's buffers are finite too, and TCP would have throttled the senders).
   */
  reserveDownload(to: number, at: number, wireBytes: number): number {
    const bps = this.downBps[to]!;
    if (bps === 0) return at;
    const free = this.downFreeAt[to]!;
    const start = free > at ? free : at;
    if (start - at > this.maxBacklogMs) return -1;
    const done = start + (wireBytes * 8000) / bps;
    this.downFreeAt[to] = done;
    return done;
  }

  /** A crashed node's queues are gone (its sockets closed). */
  resetNode(node: number, at: number): void {
    if (this.upFreeAt[node]! > at) this.upFreeAt[node] = at;
    if (this.downFreeAt[node]! > at) this.downFreeAt[node] = at;
  }

  uploadBpsOf(node: number): number {
    return this.upBps[node]!;
  }

  downloadBpsOf(node: number): number {
    return this.downBps[node]!;
  }
}

function drawRegion(rng: Prng): number {
  const u = rng.nextFloat();
  let acc = 0;
  for (let r = 0; r < REGION_COUNT; r++) {
    acc += SIMBLOCK_BITCOIN_2019_DISTRIBUTION[r]!;
    if (u < acc) return r;
  }
  return REGION_COUNT - 1;
}
