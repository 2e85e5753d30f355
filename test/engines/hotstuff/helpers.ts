/** Fixtures for the HotStuff tests: contexts, crafted blocks and QCs, a tiny synchronous network. */
import { Prng, toHex } from '../../../src/core/index.js';
import { blockHash, devKeyPair, proposeBlock, signTransfer } from '../../../src/ledger/index.js';
import type { Block, LedgerState, Transfer } from '../../../src/ledger/index.js';
import type { Effect, EngineContext, EngineInput } from '../../../src/protocol/index.js';
import { SIM_CHAIN_ID, simGenesis, validatorKeyPair } from '../../../src/sim/index.js';
import {
  HotStuffEngine,
  blockConsensus,
  genesisBlock,
  makeQC,
  parseHotStuffParams,
  signVote,
} from '../../../src/engines/hotstuff/index.js';
import type { HotStuffParams, HsMessage, QuorumCert } from '../../../src/engines/hotstuff/index.js';

export const CHAIN = SIM_CHAIN_ID;
export const GENESIS: LedgerState = simGenesis(8);
export const GENESIS_BLOCK: Block = genesisBlock(CHAIN, GENESIS);
export const GENESIS_QC: QuorumCert = makeQC(0, blockHash(GENESIS_BLOCK), []);

export function validators(n: number): readonly Uint8Array[] {
  return Array.from({ length: n }, (_, i) => validatorKeyPair(i).publicKey);
}

export function ctxFor(self: number, n = 4, params: Record<string, unknown> = {}, restored: ReadonlyMap<string, Uint8Array> = new Map()): EngineContext<HotStuffParams> {
  return {
    chainId: CHAIN,
    validators: validators(n),
    self,
    keyPair: validatorKeyPair(self),
    params: parseHotStuffParams(params),
    genesis: GENESIS,
    rng: Prng.fromSeed(self),
    restored,
  };
}

export function transfer(from: number, nonce: number, to = from + 1): Transfer {
  return signTransfer(devKeyPair(from), { chainId: CHAIN, to: devKeyPair(to).publicKey, amount: 1n, nonce });
}

/** A block of `view` proposed by its leader on `parent` (state `parentState`) with `qc`. */
export function craftBlock(
  n: number,
  view: number,
  parent: Block,
  parentState: LedgerState,
  qc: QuorumCert,
  txs: readonly Transfer[] = [],
  timestamp = 1000 + view,
): Block {
  return proposeBlock(
    parentState,
    {
      height: parent.header.height + 1,
      parents: [blockHash(parent)],
      timestamp,
      proposer: validatorKeyPair(view % n).publicKey,
      txs,
      consensus: blockConsensus(view, qc),
    },
    { chainId: CHAIN, blockReward: 0n, maxTxsPerBlock: 10_000 },
  ).block;
}

/** A QC for `block` (of `view`) signed by validators `voters`. */
export function qcFor(view: number, block: Block, voters: readonly number[]): QuorumCert {
  const hash = blockHash(block);
  return makeQC(view, hash, voters.map((v) => ({ voter: v, signature: signVote(validatorKeyPair(v), CHAIN, view, hash) })));
}

export function msg(from: number, message: HsMessage, now = 0): EngineInput<HsMessage> {
  return { kind: 'message', now, from, message };
}

export type Out = Effect<HsMessage>;

export function penalties(effects: readonly Out[]): readonly string[] {
  return effects.flatMap((e) => (e.kind === 'penalize' ? [e.code] : []));
}

export function sentVotes(effects: readonly Out[]): readonly { readonly to: number; readonly view: number; readonly hashHex: string }[] {
  return effects.flatMap((e) => (e.kind === 'send' && e.message.t === 'vote' ? [{ to: e.to, view: e.message.view, hashHex: toHex(e.message.hash) }] : []));
}

/**
 * Delivers messages between engines synchronously (FIFO), with a virtual clock that only moves
 * when the test fires timers. Records every effect per node.
 */
export class Net {
  readonly engines: HotStuffEngine[];
  readonly log: Out[][];
  readonly records: Map<string, Uint8Array>[];
  private queue: { from: number; to: number; message: HsMessage }[] = [];
  now = 0;

  constructor(
    readonly n: number,
    params: Record<string, unknown> = {},
    readonly down: ReadonlySet<number> = new Set(),
  ) {
    this.engines = Array.from({ length: n }, (_, i) => new HotStuffEngine(ctxFor(i, n, params)));
    this.log = Array.from({ length: n }, () => []);
    this.records = Array.from({ length: n }, () => new Map());
  }

  input(node: number, input: EngineInput<HsMessage>): readonly Out[] {
    if (this.down.has(node)) return [];
    const out = this.engines[node]!.handle(input);
    this.log[node]!.push(...out);
    for (const e of out) {
      if (e.kind === 'send') {
        this.queue.push({ from: node, to: e.to, message: e.message });
      } else if (e.kind === 'broadcast') {
        for (let k = 0; k < this.n; k++) if (k !== node) this.queue.push({ from: node, to: k, message: e.message });
      } else if (e.kind === 'persist') {
        if (e.value === null) this.records[node]!.delete(e.key);
        else this.records[node]!.set(e.key, e.value);
      }
    }
    return out;
  }

  start(): void {
    for (let i = 0; i < this.n; i++) this.input(i, { kind: 'start', now: this.now });
  }

  /** Delivers the oldest queued message; returns it (undefined when none is queued). */
  step(): { readonly from: number; readonly to: number; readonly message: HsMessage; readonly out: readonly Out[] } | undefined {
    const m = this.queue.shift();
    if (m === undefined) return undefined;
    const out = this.input(m.to, { kind: 'message', now: this.now, from: m.from, message: m.message });
    return { ...m, out };
  }

  /** Delivers queued messages until none is left (bounded). */
  flush(max = 10_000): void {
    for (let k = 0; k < max && this.queue.length > 0; k++) {
      const m = this.queue.shift()!;
      this.input(m.to, { kind: 'message', now: this.now, from: m.from, message: m.message });
    }
  }

  timer(node: number, timer: string, at: number): void {
    this.now = Math.max(this.now, at);
    this.input(node, { kind: 'timer', now: this.now, timer });
  }

  finalized(node: number): readonly string[] {
    return this.log[node]!.flatMap((e) => (e.kind === 'finalize' ? [`${e.entry.slot}=${e.entry.value.slice(0, 8)}`] : []));
  }
}
