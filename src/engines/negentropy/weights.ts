/**
 * Who to ask: weighted sampling of k peers WITHOUT replacement from the known validator set,
 * weights from each peer's record of agreeing with what this node finalized.
 *
 * Reliability ("Fisher") weight. For a peer whose answers disagree with final outcomes with
 * probability p, one answer carries Fisher information I(p) = 1 / (p (1 - p)) about p, which is
 * ~1/p for small p: a reliable peer's answer is worth more. We estimate p with Laplace's rule of
 * succession, p = (D + 1) / (A + D + 2) over A agreements and D disagreements, and use
 *     w = clamp(1 / (2p), weightFloor, weightCap)
 * so a peer with no record (p = 1/2) has weight 1. The cap stops any peer, however long it has
 * agreed, from dominating samples (a Byzantine node that behaves until it matters gains at most
 * weightCap); the floor keeps every peer in the sample space (a node can never silence an honest
 * peer by making it look unreliable). Since p <= 1, 1/(2p) >= 1/2 already: with the default
 * floor of 1/2 a peer that always disagrees tends to the floor; a higher floor binds sooner. Only actual answers count: a timeout is not a
 * disagreement, so a partition or a slow link does not lower anyone's weight. Counts are halved
 * once A + D exceeds 2 * HISTORY, so the record follows recent behaviour.
 *
 * Weights are integers in units of 1/WEIGHT_UNIT (exact sums, identical bits everywhere), kept
 * in a Fenwick tree: drawing k peers costs O(k log n) and an update O(log n), so a poll at
 * n = 1000 does not scan the validator set.
 */
import type { Prng } from '../../core/index.js';

export const WEIGHT_UNIT = 256;
export const HISTORY = 128;

export interface WeightBounds {
  readonly weightFloor: number;
  readonly weightCap: number;
}

/** The reliability weight in units of 1/WEIGHT_UNIT for A agreements and D disagreements. */
export function reliabilityUnits(agree: number, disagree: number, b: WeightBounds): number {
  const p = (disagree + 1) / (agree + disagree + 2);
  let w = 1 / (2 * p);
  if (w > b.weightCap) w = b.weightCap;
  if (w < b.weightFloor) w = b.weightFloor;
  return Math.round(w * WEIGHT_UNIT);
}

/** A Fenwick (binary indexed) tree of non-negative integer weights. */
export class FenwickWeights {
  private readonly tree: Float64Array;
  private readonly values: Float64Array;
  private sum = 0;

  constructor(readonly size: number) {
    this.tree = new Float64Array(size + 1);
    this.values = new Float64Array(size);
  }

  get total(): number {
    return this.sum;
  }

  get(i: number): number {
    return this.values[i]!;
  }

  set(i: number, w: number): void {
    const delta = w - this.values[i]!;
    if (delta === 0) return;
    this.values[i] = w;
    this.sum += delta;
    for (let j = i + 1; j <= this.size; j += j & -j) this.tree[j]! += delta;
  }

  /** The index whose cumulative range contains r, 0 <= r < total. */
  find(r: number): number {
    let pos = 0;
    let rem = r;
    let mask = 1;
    while (mask * 2 <= this.size) mask *= 2;
    for (; mask > 0; mask >>= 1) {
      const next = pos + mask;
      if (next <= this.size && this.tree[next]! <= rem) {
        pos = next;
        rem -= this.tree[next]!;
      }
    }
    return pos;
  }
}

/** Per-peer agreement records and the sampler over them. `self` is never sampled. */
export class PeerWeights {
  private readonly agree: Uint32Array;
  private readonly disagree: Uint32Array;
  private readonly fenwick: FenwickWeights;
  /** Peers left out of samples for now (bench-list.ts decides who and for how long). */
  private readonly benched: Uint8Array;

  constructor(
    readonly n: number,
    readonly self: number,
    private readonly bounds: WeightBounds,
  ) {
    this.agree = new Uint32Array(n);
    this.disagree = new Uint32Array(n);
    this.fenwick = new FenwickWeights(n);
    this.benched = new Uint8Array(n);
    const w0 = reliabilityUnits(0, 0, bounds);
    for (let i = 0; i < n; i++) if (i !== self) this.fenwick.set(i, w0);
  }

  /** Current weight of `peer` in units (0 for self). */
  units(peer: number): number {
    return this.fenwick.get(peer);
  }

  /** Records one answer of `peer` against a final outcome. */
  record(peer: number, agreed: boolean): void {
    if (peer === this.self || peer < 0 || peer >= this.n) return;
    if (agreed) this.agree[peer]!++;
    else this.disagree[peer]!++;
    if (this.agree[peer]! + this.disagree[peer]! > 2 * HISTORY) {
      this.agree[peer] = this.agree[peer]! >>> 1;
      this.disagree[peer] = this.disagree[peer]! >>> 1;
    }
    if (this.benched[peer] === 0) this.fenwick.set(peer, reliabilityUnits(this.agree[peer]!, this.disagree[peer]!, this.bounds));
  }

  /** Leaves `peer` out of samples (weight 0) until unbench; its record is kept. */
  bench(peer: number): void {
    if (peer === this.self || peer < 0 || peer >= this.n) return;
    this.benched[peer] = 1;
    this.fenwick.set(peer, 0);
  }

  /** Samples `peer` again, at the weight of its record. */
  unbench(peer: number): void {
    if (peer === this.self || peer < 0 || peer >= this.n || this.benched[peer] === 0) return;
    this.benched[peer] = 0;
    this.fenwick.set(peer, reliabilityUnits(this.agree[peer]!, this.disagree[peer]!, this.bounds));
  }

  isBenched(peer: number): boolean {
    return this.benched[peer] === 1;
  }

  /** Up to k distinct peers, each draw proportional to weight among those not yet drawn. */
  sample(k: number, rng: Prng): number[] {
    const f = this.fenwick;
    const want = Math.min(k, this.n - 1);
    const out: number[] = [];
    const removed: number[] = [];
    while (out.length < want && f.total > 0) {
      const i = f.find(rng.nextInt(f.total));
      out.push(i);
      removed.push(f.get(i));
      f.set(i, 0);
    }
    for (let j = 0; j < out.length; j++) f.set(out[j]!, removed[j]!);
    return out;
  }
}
