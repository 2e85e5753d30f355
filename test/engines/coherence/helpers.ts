/** Shared fixtures for the coherence tests: parameters, a genesis, and a one-call block miner. */
import { Prng, toHex } from '../../../src/core/index.js';
import { devAllocations, devKeyPair, genesisState, makeBlock, proposeBlock, signTransfer } from '../../../src/ledger/index.js';
import type { Block, ChainRules, LedgerState, Transfer } from '../../../src/ledger/index.js';
import {
  childEntry,
  genesisEntry,
  hashThreshold,
  mine,
  nextTarget,
  parseCoherenceParams,
  readSeal,
  targetBytes,
} from '../../../src/engines/coherence/index.js';
import type { ChainEntry, CoherenceParams } from '../../../src/engines/coherence/index.js';
import type { EngineContext } from '../../../src/protocol/index.js';

export const CHAIN_ID = 'thermo-test';
/** Validators are dev keys 1000 + i; client accounts dev keys 0 .. 15. */
export const VALIDATOR_BASE = 1000;

export function testParams(overrides: Record<string, unknown> = {}): CoherenceParams {
  return parseCoherenceParams({ targetIntervalMs: 10_000, networkHashPower: 4, confirmations: 3, ...overrides });
}

export const GENESIS: LedgerState = genesisState(devAllocations(16, 1_000_000n));

export function rulesOf(p: CoherenceParams): ChainRules {
  return { chainId: CHAIN_ID, blockReward: p.blockReward, maxTxsPerBlock: p.maxTxsPerBlock };
}

export function genesisOf(p: CoherenceParams): ChainEntry {
  return genesisEntry(CHAIN_ID, GENESIS, p);
}

export function transfer(from: number, to: number, nonce: number, amount = 1n): Transfer {
  return signTransfer(devKeyPair(from), { chainId: CHAIN_ID, to: devKeyPair(to).publicKey, amount, nonce });
}

export interface Mined {
  readonly block: Block;
  readonly entry: ChainEntry;
}

/** Mines a valid block on `parent` (a real search; hashScaleLog2 of `p` keeps it cheap). */
export function mineOn(
  parent: ChainEntry,
  p: CoherenceParams,
  opts: { readonly txs?: readonly Transfer[]; readonly timestamp?: number; readonly proposer?: number; readonly startNonce?: number } = {},
): Mined {
  const target = nextTarget(parent, p);
  const proposal = proposeBlock(
    parent.state,
    {
      height: parent.height + 1,
      parents: [parent.hash],
      timestamp: opts.timestamp ?? parent.timestamp + p.targetIntervalMs,
      proposer: devKeyPair(VALIDATOR_BASE + (opts.proposer ?? 0)).publicKey,
      txs: opts.txs ?? [],
      consensus: { target: targetBytes(target) },
    },
    rulesOf(p),
  );
  const result = mine({
    template: proposal.block.header,
    target,
    threshold: hashThreshold(target, p.hashScaleLog2),
    preset: p.preset,
    maxSteps: p.maxSteps,
    startNonce: opts.startNonce ?? 0,
    stride: 1,
    maxAttempts: 100_000,
    simAttemptsPerSecond: p.simAttemptsPerSecond,
    simSuccessRate: p.simSuccessRate,
  });
  if (result.header === null) throw new Error('no block found');
  const block = makeBlock(result.header, proposal.block.txs);
  const entry = childEntry(parent, block, hashOf(block), readSeal(block.header.consensus), proposal.state, p);
  return { block, entry };
}

import { blockHash } from '../../../src/ledger/index.js';
export function hashOf(block: Block): Uint8Array {
  return blockHash(block);
}

export function hexOf(block: Block): string {
  return toHex(blockHash(block));
}

export function contextFor(self: number, n: number, p: CoherenceParams, restored: ReadonlyMap<string, Uint8Array> = new Map()): EngineContext<CoherenceParams> {
  return {
    chainId: CHAIN_ID,
    validators: Array.from({ length: n }, (_, i) => devKeyPair(VALIDATOR_BASE + i).publicKey),
    self,
    keyPair: devKeyPair(VALIDATOR_BASE + self),
    params: p,
    genesis: GENESIS,
    rng: Prng.fromSeed(self + 1),
    restored,
  };
}
