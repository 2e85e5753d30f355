/** Shared fixtures for the negentropy tests: validators, genesis, contexts, transfers, vertices. */
import { Prng, toHex } from '../../../src/core/index.js';
import type { KeyPair } from '../../../src/core/index.js';
import { devAddress, devAllocations, devKeyPair, genesisState, signTransfer } from '../../../src/ledger/index.js';
import type { Block, LedgerState, Transfer } from '../../../src/ledger/index.js';
import type { EngineContext } from '../../../src/protocol/index.js';
import { DEFAULT_NEGENTROPY_PARAMS, buildVertex, checkParams, genesisVertex, idHex } from '../../../src/engines/negentropy/index.js';
import type { NegentropyParams, VertexEnv } from '../../../src/engines/negentropy/index.js';

export const CHAIN = 'neg-test';
export const VALIDATOR_BASE = 5000;
export const ACCOUNTS = 8;

export function validatorKeys(n: number): KeyPair[] {
  return Array.from({ length: n }, (_, i) => devKeyPair(VALIDATOR_BASE + i));
}

let cachedGenesis: LedgerState | null = null;
export function genesis(): LedgerState {
  cachedGenesis ??= genesisState(devAllocations(ACCOUNTS, 1_000_000n));
  return cachedGenesis;
}

export function params(over: Partial<NegentropyParams> = {}): NegentropyParams {
  return Object.freeze(checkParams({ ...DEFAULT_NEGENTROPY_PARAMS, ...over }));
}

export function context(n: number, self: number, over: Partial<NegentropyParams> = {}, restored = new Map<string, Uint8Array>()): EngineContext<NegentropyParams> {
  const keys = validatorKeys(n);
  return Object.freeze({
    chainId: CHAIN,
    validators: keys.map((k) => k.publicKey),
    self,
    keyPair: keys[self]!,
    params: params(over),
    genesis: genesis(),
    rng: Prng.fromSeed(1000 + self),
    restored,
  });
}

/** A transfer from dev account `from` with `nonce`. */
export function transfer(from: number, nonce: number, to = (from + 1) % ACCOUNTS, amount = 1n): Transfer {
  return signTransfer(devKeyPair(from), { chainId: CHAIN, to: devAddress(to), amount, nonce });
}

/** A vertex env over a plain map of known heights (no DAG object). */
export function env(n: number, heights: Map<string, number>, over: Partial<NegentropyParams> = {}, roots = new Map<number, string>()): VertexEnv {
  const keys = validatorKeys(n);
  const p = params(over);
  return {
    chainId: CHAIN,
    validators: keys.map((k) => k.publicKey),
    proposers: new Map(keys.map((k, i) => [toHex(k.publicKey), i])),
    limits: p,
    parentHeight: (id) => heights.get(id),
    superBlockRoot: (i) => roots.get(i),
  };
}

export function genesisBlock(): Block {
  return genesisVertex(CHAIN, genesis());
}

/** A vertex by validator `by` on `parents` (blocks) with `txs`. */
export function vertex(by: number, parents: readonly Block[], txs: readonly Transfer[], superBlock = 0): Block {
  const height = 1 + Math.max(...parents.map((p) => p.header.height));
  return buildVertex(validatorKeys(by + 1)[by]!, {
    chainId: CHAIN,
    parents: parents.map((p) => Uint8Array.from(Buffer.from(idHex(p.header), 'hex'))),
    height,
    timestamp: 1000,
    superBlock,
    superBlockRoot: genesis().root,
    txs,
  });
}
