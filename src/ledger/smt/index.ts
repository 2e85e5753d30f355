/**
 * src/ledger/smt: the sparse Merkle tree behind the state root.
 * Owns: node hashing rules, the persistent compact tree (lookup, batch update, iteration),
 * account proofs (build, verify against a bare root, encode/decode).
 * Does not own: what an account means or how it changes (account.ts, apply.ts), the state value
 * wrapping the tree (state.ts).
 */
export { EMPTY_HASH, smtKey, leafHash, branchHash, bitAt } from './hashing.js';
export { SMT_EMPTY, SmtLeaf, SmtBranch, smtGet, smtUpdate, smtPath, smtLeaves } from './tree.js';
export type { SmtNode, SmtEmpty } from './tree.js';
export { proveAccount, verifyAccountProof, proofRoot, encodeAccountProof, decodeAccountProof } from './proof.js';
export type { AccountProof, ProofTerminal } from './proof.js';
