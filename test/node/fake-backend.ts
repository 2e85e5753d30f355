/**
 * An in-memory ApiBackend for API and CLI tests: one finalized entry, a transaction index, the
 * genesis state of four dev accounts, and a configurable answer to submissions.
 */
import { toHex } from '../../src/core/index.js';
import { devAllocations, encodeAccountProof, genesisState, proveAccount, transferIdHex } from '../../src/ledger/index.js';
import type { Transfer } from '../../src/ledger/index.js';
import type { FinalizedEntry } from '../../src/protocol/index.js';
import type { ApiBackend, DagVertexView, EpochApiView, FinalizedListener } from '../../src/node/api/index.js';
import type { SubmitOutcome } from '../../src/node/runtime/index.js';
import type { TxRecord } from '../../src/node/store/index.js';

export const CHAIN = 'test-chain';
export const state = genesisState(devAllocations(4, 1000n));

export class FakeBackend implements ApiBackend {
  readonly chainId = CHAIN;
  entries: FinalizedEntry[] = [{ seq: 0, slot: 'h:1', value: 'ab'.repeat(32), txIds: ['cd'.repeat(32)], height: 1, stateRoot: 'ef'.repeat(32), supply: 5n }];
  txs = new Map<string, TxRecord>([['cd'.repeat(32), { status: 'final', seq: 0 }]]);
  submitted: Transfer[] = [];
  answer: (tx: Transfer) => SubmitOutcome = (tx) => ({ kind: 'accepted', txId: transferIdHex(tx) });
  listeners = new Set<FinalizedListener>();
  status() {
    return {
      chainId: CHAIN,
      engine: 'reference',
      genesisHash: '00'.repeat(32),
      validator: 0,
      publicKey: '11'.repeat(32),
      peerId: 'peer',
      addresses: [],
      height: 1,
      finalized: this.entries.length,
      stateRoot: 'ef'.repeat(32),
      peers: 0,
      validatorPeers: 0,
      queue: 0,
      pendingSubmissions: 0,
      uptimeSeconds: 1,
      ready: true,
    };
  }
  peers() {
    return [];
  }
  finalizedByHeight(h: number) {
    return this.entries.find((e) => e.height === h);
  }
  finalizedByValue(v: string) {
    return this.entries.find((e) => e.value === v);
  }
  finalizedRange(from: number, limit: number) {
    return this.entries.filter((e) => e.seq >= from).slice(0, limit);
  }
  txStatus(id: string) {
    return this.txs.get(id);
  }
  account(address: Uint8Array) {
    const a = state.account(address);
    return { balance: a?.balance ?? 0n, nonce: a?.nonce ?? 0, stateRoot: toHex(state.root), height: 1 };
  }
  proof(address: Uint8Array) {
    const a = state.account(address);
    return { ...this.account(address), exists: a !== null, proof: toHex(encodeAccountProof(proveAccount(state, address))) };
  }
  telemetry() {
    return { engine: 'reference', height: 1, finalized: 1, telemetry: { temperature: 0.5 }, gauges: {}, lastFinalizedAt: null };
  }
  /** What GET /dag answers: null = the engine has no DAG. */
  dagVertices: DagVertexView[] | null = null;
  /** What GET /epoch answers: null = no epochs, undefined = none finalized yet. */
  epochView: EpochApiView | null | undefined = null;
  dag(limit: number) {
    return this.dagVertices === null ? null : this.dagVertices.slice(0, limit);
  }
  epoch() {
    return this.epochView;
  }
  async submit(tx: Transfer): Promise<SubmitOutcome> {
    this.submitted.push(tx);
    return this.answer(tx);
  }
  metrics() {
    return '# HELP x y\n# TYPE x counter\nx 1\n';
  }
  onFinalized(l: FinalizedListener) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

