/** Fixtures for the PBFT tests: contexts, crafted blocks, signed votes and certificates. */
import { Prng } from '../../../src/core/index.js';
import { blockHash, devKeyPair, headerHash, proposeBlock, signTransfer } from '../../../src/ledger/index.js';
import type { Block, BlockHeader, LedgerState, Transfer } from '../../../src/ledger/index.js';
import type { Effect, EngineContext, EngineInput } from '../../../src/protocol/index.js';
import { SIM_CHAIN_ID, simGenesis, validatorKeyPair } from '../../../src/sim/index.js';
import { genesisHeader, parsePbftParams, signViewChange, signVote } from '../../../src/engines/pbft/index.js';
import type { CertVote, CheckpointCert, PbftMessage, PbftParams, PreparedCert, ViewChange, VoteKind } from '../../../src/engines/pbft/index.js';

export const CHAIN = SIM_CHAIN_ID;
export const GENESIS: LedgerState = simGenesis(8);
export const G_HEADER: BlockHeader = genesisHeader(CHAIN, GENESIS);
export const GENESIS_CKPT: CheckpointCert = Object.freeze({ seq: 0, header: G_HEADER, votes: [] });

export type Out = Effect<PbftMessage>;

export function validators(n: number): readonly Uint8Array[] {
  return Array.from({ length: n }, (_, i) => validatorKeyPair(i).publicKey);
}

export function ctxFor(self: number, n = 4, params: Record<string, unknown> = {}, restored: ReadonlyMap<string, Uint8Array> = new Map()): EngineContext<PbftParams> {
  return {
    chainId: CHAIN,
    validators: validators(n),
    self,
    keyPair: validatorKeyPair(self),
    params: parsePbftParams(params),
    genesis: GENESIS,
    rng: Prng.fromSeed(self),
    restored,
  };
}

export function transfer(from: number, nonce: number, to = from + 1): Transfer {
  return signTransfer(devKeyPair(from), { chainId: CHAIN, to: devKeyPair(to).publicKey, amount: 1n, nonce });
}

/** The block at `seq` proposed by `proposer` on `parent` (header) with state `parentState`. */
export function craftBlock(seq: number, parent: BlockHeader, parentState: LedgerState, proposer = 0, txs: readonly Transfer[] = [], timestamp = 1000 + seq): { block: Block; state: LedgerState } {
  const p = proposeBlock(
    parentState,
    { height: seq, parents: [headerHash(parent)], timestamp, proposer: validatorKeyPair(proposer).publicKey, txs, consensus: {} },
    { chainId: CHAIN, blockReward: 0n, maxTxsPerBlock: 10_000 },
  );
  return { block: p.block, state: p.state };
}

export function vote(kind: VoteKind, signer: number, view: number, seq: number, digest: Uint8Array): Uint8Array {
  return signVote(validatorKeyPair(signer), kind, CHAIN, view, seq, digest);
}

export function votes(kind: VoteKind, signers: readonly number[], view: number, seq: number, digest: Uint8Array): readonly CertVote[] {
  return signers.map((voter) => ({ voter, signature: vote(kind, voter, view, seq, digest) }));
}

export function prePrepare(view: number, seq: number, block: Block, primary = view % 4): PbftMessage {
  return { t: 'pre-prepare', view, seq, block, signature: vote('pre-prepare', primary, view, seq, blockHash(block)) };
}

export function prepared(view: number, seq: number, header: BlockHeader, backups: readonly number[], n = 4): PreparedCert {
  const digest = headerHash(header);
  return Object.freeze({ view, seq, header, ppSignature: vote('pre-prepare', view % n, view, seq, digest), prepares: votes('prepare', backups, view, seq, digest) });
}

export function checkpointCert(seq: number, header: BlockHeader, signers: readonly number[]): CheckpointCert {
  return Object.freeze({ seq, header, votes: votes('checkpoint', signers, 0, seq, headerHash(header)) });
}

export function viewChange(newView: number, replica: number, checkpoint: CheckpointCert, p: readonly PreparedCert[]): ViewChange {
  return signViewChange(validatorKeyPair(replica), CHAIN, { newView, replica, checkpoint, prepared: p });
}

export function msg(from: number, message: PbftMessage, now = 0): EngineInput<PbftMessage> {
  return { kind: 'message', now, from, message };
}

export function penalties(effects: readonly Out[]): readonly string[] {
  return effects.flatMap((e) => (e.kind === 'penalize' ? [e.code] : []));
}

export function broadcasts(effects: readonly Out[], t: PbftMessage['t']): readonly PbftMessage[] {
  return effects.flatMap((e) => (e.kind === 'broadcast' && e.message.t === t ? [e.message] : []));
}
