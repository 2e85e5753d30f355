/**
 * The DAG of vertices this node holds, rooted at the genesis vertex.
 *
 * Acceptance (the rule): a vertex is ACCEPTED when every transfer in it is the decided
 * value of its conflict set and every parent is accepted; it is REJECTED when one of its
 * transfers lost its conflict set or a parent is rejected (so are all its descendants). Honest
 * proposers pick parents among tips that are not rejected. Acceptance is bookkeeping for parent
 * choice, pruning and telemetry: what is final is decided per conflict set, and what is
 * executed is decided per super-block (engine.ts explains why).
 *
 * Bounds: at most maxVertices vertices (NEG_DAG_FULL beyond; pruning keeps it far below);
 * pruned ids are remembered (id -> height, the most recent PRUNED_MEMORY) so a late child of a
 * pruned vertex still validates. Pruning drops a vertex once it is resolved (accepted or
 * rejected), all its transfers are executed or lost, and it is not a recent tip.
 */
import { NegentropyError } from './errors.js';
import type { CheckedVertex } from './dag-check.js';

/** What became of one transfer of a vertex. */
export type TxOutcome = 'win' | 'lose' | 'open';

export const PRUNED_MEMORY = 65_536;
/** Tips this many levels below the highest vertex are no longer offered as parents and may be pruned. */
export const STALE_TIP_DEPTH = 64;

export const VertexStatus = Object.freeze({ Pending: 0, Accepted: 1, Rejected: 2 } as const);
export type VertexStatus = (typeof VertexStatus)[keyof typeof VertexStatus];

interface Node {
  readonly v: CheckedVertex;
  readonly children: string[];
  status: VertexStatus;
  /** Transfers not yet decided as winners. */
  undecided: number;
}

export class Dag {
  private readonly nodes = new Map<string, Node>();
  private readonly tipSet = new Set<string>();
  private readonly byTx = new Map<string, string[]>();
  /** Pruned id -> 2 * height + (1 if it was rejected). */
  private readonly pruned = new Map<string, number>();
  private bytesKept = 0;
  private maxHeight = 0;
  private acceptedCount = 0;
  private rejectedCount = 0;
  private prunedCount = 0;
  readonly genesisId: string;

  constructor(
    genesis: CheckedVertex,
    private readonly maxVertices: number,
  ) {
    this.genesisId = genesis.id;
    this.nodes.set(genesis.id, { v: genesis, children: [], status: VertexStatus.Accepted, undecided: 0 });
    this.tipSet.add(genesis.id);
    this.bytesKept = genesis.bytes;
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Encoded bytes of the vertices held: what a node stores for the DAG. */
  get storedBytes(): number {
    return this.bytesKept;
  }

  get height(): number {
    return this.maxHeight;
  }

  get accepted(): number {
    return this.acceptedCount;
  }

  get rejected(): number {
    return this.rejectedCount;
  }

  get prunedTotal(): number {
    return this.prunedCount;
  }

  has(id: string): boolean {
    return this.nodes.has(id) || this.pruned.has(id);
  }

  get(id: string): CheckedVertex | undefined {
    return this.nodes.get(id)?.v;
  }

  status(id: string): VertexStatus | undefined {
    const p = this.pruned.get(id);
    if (p !== undefined) return p % 2 === 1 ? VertexStatus.Rejected : VertexStatus.Accepted;
    return this.nodes.get(id)?.status;
  }

  /** Height of a held or pruned vertex. */
  heightOf(id: string): number | undefined {
    const node = this.nodes.get(id);
    if (node !== undefined) return node.v.height;
    const p = this.pruned.get(id);
    return p === undefined ? undefined : Math.floor(p / 2);
  }

  /** Vertices holding transfer `txId` (held ones only). */
  verticesWith(txId: string): readonly string[] {
    return this.byTx.get(txId) ?? [];
  }

  /** Every held vertex (genesis included), in insertion order. */
  all(): CheckedVertex[] {
    return [...this.nodes.values()].map((n) => n.v);
  }

  tips(): readonly string[] {
    return [...this.tipSet];
  }

  /**
   * Inserts a checked vertex whose parents are known. `outcome(i)` says whether transfer i of
   * the vertex won its conflict set, lost it, or is still open. Throws NEG_DAG_FULL (and
   * changes nothing) when full. Returns false if it was already present.
   */
  insert(v: CheckedVertex, outcome: (index: number) => TxOutcome): boolean {
    if (this.has(v.id)) return false;
    if (v.missingParents.length > 0) throw new NegentropyError({ code: 'NEG_UNKNOWN_PARENT', id: v.id, parent: v.missingParents[0]! });
    if (this.nodes.size >= this.maxVertices) throw new NegentropyError({ code: 'NEG_DAG_FULL', max: this.maxVertices });
    let undecided = 0;
    let lost = false;
    for (let i = 0; i < v.txIds.length; i++) {
      const o = outcome(i);
      if (o === 'lose') lost = true;
      else if (o === 'open') undecided++;
    }
    const node: Node = { v, children: [], status: VertexStatus.Pending, undecided };
    this.nodes.set(v.id, node);
    this.bytesKept += v.bytes;
    if (v.height > this.maxHeight) this.maxHeight = v.height;
    for (const t of v.txIds) {
      const list = this.byTx.get(t);
      if (list === undefined) this.byTx.set(t, [v.id]);
      else list.push(v.id);
    }
    for (const p of v.parents) {
      const parent = this.nodes.get(p);
      if (parent !== undefined) parent.children.push(v.id);
      this.tipSet.delete(p);
    }
    this.tipSet.add(v.id);
    if (lost || v.parents.some((p) => this.status(p) === VertexStatus.Rejected)) this.reject(v.id);
    else this.tryAccept(v.id);
    return true;
  }

  /** Conflict set decided: `winner` won, `losers` lost. Updates acceptance. */
  onDecided(winner: string, losers: readonly string[]): void {
    for (const id of this.byTx.get(winner) ?? []) {
      const node = this.nodes.get(id);
      if (node === undefined || node.status !== VertexStatus.Pending) continue;
      node.undecided--;
      this.tryAccept(id);
    }
    for (const loser of losers) for (const id of this.byTx.get(loser) ?? []) this.reject(id);
  }

  private tryAccept(id: string): void {
    const stack = [id];
    while (stack.length > 0) {
      const node = this.nodes.get(stack.pop()!);
      if (node === undefined || node.status !== VertexStatus.Pending || node.undecided > 0) continue;
      if (!node.v.parents.every((p) => this.status(p) === VertexStatus.Accepted)) continue;
      node.status = VertexStatus.Accepted;
      this.acceptedCount++;
      for (const c of node.children) stack.push(c);
    }
  }

  private reject(id: string): void {
    const stack = [id];
    while (stack.length > 0) {
      const node = this.nodes.get(stack.pop()!);
      if (node === undefined || node.status === VertexStatus.Rejected) continue;
      if (node.status === VertexStatus.Accepted) this.acceptedCount--;
      node.status = VertexStatus.Rejected;
      this.rejectedCount++;
      for (const c of node.children) stack.push(c);
    }
  }

  /**
   * Up to `count` parents for a new vertex: the highest tips that are not rejected and not
   * stale (ties by id, so the choice is deterministic); the genesis vertex if there is none.
   */
  chooseParents(count: number): readonly string[] {
    const candidates: CheckedVertex[] = [];
    for (const id of this.tipSet) {
      const node = this.nodes.get(id);
      if (node === undefined || node.status === VertexStatus.Rejected) continue;
      if (node.v.height + STALE_TIP_DEPTH < this.maxHeight) continue;
      candidates.push(node.v);
    }
    candidates.sort((a, b) => b.height - a.height || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const out = candidates.slice(0, count).map((v) => v.id);
    if (out.length === 0) out.push(this.bestAccepted());
    return out;
  }

  private bestAccepted(): string {
    let best = this.genesisId;
    let bestHeight = -1;
    for (const [id, node] of this.nodes) {
      if (node.status === VertexStatus.Accepted && node.v.height > bestHeight) {
        best = id;
        bestHeight = node.v.height;
      }
    }
    return best;
  }

  /**
   * Drops resolved vertices whose transfers are all settled (`settled(v)`: each executed in a
   * super-block, or lost) and that are not live tips. Returns the number pruned.
   */
  prune(settled: (v: CheckedVertex) => boolean): number {
    let count = 0;
    for (const [id, node] of this.nodes) {
      if (id === this.genesisId || node.status === VertexStatus.Pending) continue;
      const liveTip = this.tipSet.has(id) && node.v.height + STALE_TIP_DEPTH >= this.maxHeight;
      if (liveTip) continue;
      if (!settled(node.v)) continue;
      this.remove(id, node);
      count++;
    }
    return count;
  }

  private remove(id: string, node: Node): void {
    this.nodes.delete(id);
    this.tipSet.delete(id);
    this.bytesKept -= node.v.bytes;
    if (node.status === VertexStatus.Accepted) this.acceptedCount--;
    else if (node.status === VertexStatus.Rejected) this.rejectedCount--;
    this.prunedCount++;
    for (const t of node.v.txIds) {
      const list = this.byTx.get(t);
      if (list === undefined) continue;
      const rest = list.filter((x) => x !== id);
      if (rest.length === 0) this.byTx.delete(t);
      else this.byTx.set(t, rest);
    }
    this.pruned.set(id, 2 * node.v.height + (node.status === VertexStatus.Rejected ? 1 : 0));
    if (this.pruned.size > PRUNED_MEMORY) {
      const oldest = this.pruned.keys().next().value;
      if (oldest !== undefined) this.pruned.delete(oldest);
    }
  }
}
