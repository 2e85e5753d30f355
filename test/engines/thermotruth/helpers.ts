/** Shared builders for the ThermoTruth tests: keys, contexts, valid and broken proposals. */
import { Prng } from '../../../src/core/index.js';
import { merkleRoot } from '../../../src/ledger/index.js';
import type { EngineContext } from '../../../src/protocol/index.js';
import { SIM_CHAIN_ID, simGenesis, validatorKeyPair } from '../../../src/sim/index.js';
import {
  DEFAULT_THERMOTRUTH_PARAMS,
  checkPow,
  powBits,
  powDigest,
  searchPow,
  signProposal,
  vectorToBytes,
} from '../../../src/engines/thermotruth/index.js';
import type { Proposal, ThermoTruthParams, UnsignedProposal } from '../../../src/engines/thermotruth/index.js';

export const N = 4;
export const CHAIN = SIM_CHAIN_ID;
export const VALIDATORS: readonly Uint8Array[] = Object.freeze(Array.from({ length: N }, (_, i) => validatorKeyPair(i).publicKey));
export const GENESIS = simGenesis(16);
export const PARAMS: ThermoTruthParams = DEFAULT_THERMOTRUTH_PARAMS;
export const BITS = powBits(PARAMS.difficulty);

export function context(self: number, params: ThermoTruthParams = PARAMS): EngineContext<ThermoTruthParams> {
  return Object.freeze({
    chainId: CHAIN,
    validators: VALIDATORS,
    self,
    keyPair: validatorKeyPair(self),
    params,
    genesis: GENESIS,
    rng: Prng.fromSeed(1000 + self),
    restored: new Map<string, Uint8Array>(),
  });
}

/** An honest-looking body for validator `i` at epoch 1 (vector clock: only its own entry set). */
export function body(i: number, vector: readonly number[], epoch = 1): UnsignedProposal {
  return Object.freeze({
    epoch,
    proposer: i,
    key: new Uint8Array(0),
    vector: vectorToBytes(vector),
    vclock: Object.freeze(VALIDATORS.map((_, j) => (j === i ? epoch : 0))),
    txDigest: merkleRoot([]),
  });
}

/** Mines and signs: a valid proposal at `bits`. */
export function mined(b: UnsignedProposal, bits = BITS, signer = b.proposer): Proposal {
  const { nonce } = searchPow({ digest: powDigest(CHAIN, b), bits });
  return signProposal(CHAIN, b, nonce, validatorKeyPair(signer));
}

/** Signed with a nonce that misses the target. */
export function badPow(b: UnsignedProposal, bits = BITS): Proposal {
  const digest = powDigest(CHAIN, b);
  let nonce = 0;
  while (checkPow(digest, nonce, bits)) nonce++;
  return signProposal(CHAIN, b, nonce, validatorKeyPair(b.proposer));
}

export function badSignature(p: Proposal): Proposal {
  const signature = Uint8Array.from(p.signature);
  signature[10] = signature[10]! ^ 0x01;
  return Object.freeze({ ...p, signature });
}

export const GOOD = [0.25, 0.5, 0.75, 0.125, 0.375, 0.625, 0.875, 0.5];
