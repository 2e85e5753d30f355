/**
 * src/ledger: the account ledger every consensus engine uses.
 * Owns: accounts (balance + nonce per Ed25519 key), signed transfers and their encoding,
 * the immutable state with its sparse-Merkle root and account proofs, block headers and
 * bodies (tx root), block application with typed errors, genesis and dev keys, the mempool.
 * Does not own: chain linkage, fork choice and finality (src/protocol), the engine-specific
 * `consensus` header field (src/engines), persistence and networking (src/node), time (passed in).
 */
export { LedgerError, asLedgerDecode } from './errors.js';
export type { LedgerErrorType, LedgerErrorCode } from './errors.js';
export * from './limits.js';
export {
  ADDRESS_BYTES,
  HASH_BYTES,
  U64_MAX,
  MAX_NONCE,
  EMPTY_ACCOUNT,
  makeAccount,
  accountBytes,
  isAddress,
  addressHex,
} from './account.js';
export type { Address, Hash, Account } from './account.js';
export {
  makeTransfer,
  asTransfer,
  isBuiltTransfer,
  signTransfer,
  signingPayload,
  encodeTransfer,
  decodeTransfer,
  transferSize,
  transferId,
  transferIdHex,
  verifyTransferSignature,
  clearVerifiedTransferCache,
  checkTransferStateless,
  isValidChainId,
  sameAddress,
} from './transaction.js';
export type { Transfer, UnsignedTransfer, SignedTransferFields } from './transaction.js';
export { LedgerState } from './state.js';
export type { AccountView } from './state.js';
export { EMPTY_HASH, proveAccount, verifyAccountProof, encodeAccountProof, decodeAccountProof } from './smt/index.js';
export type { AccountProof, ProofTerminal } from './smt/index.js';
export { EMPTY_TX_ROOT, merkleRoot, txRoot } from './merkle.js';
export { makeHeader, encodeHeader, decodeHeader, headerHash } from './header.js';
export type { BlockHeader, ConsensusFields } from './header.js';
export { makeBlock, encodeBlock, decodeBlock, blockHash, DEFAULT_BLOCK_LIMITS } from './block.js';
export type { Block, BlockLimits } from './block.js';
export { applyTransactions, filterTransactions, applyBlock, proposeBlock, buildBlock } from './apply.js';
export type {
  ChainRules,
  StrictApplyResult,
  FilterApplyResult,
  RejectedTransfer,
  ProposalInput,
  Proposal,
  BlockTemplate,
} from './apply.js';
export { genesisState, devKeyPair, devAddress, devAllocations, devGenesis } from './genesis.js';
export type { GenesisAllocation } from './genesis.js';
export * from './mempool/index.js';
