/**
 * The ledger state: an immutable value. It wraps the root of a persistent sparse Merkle tree
 * plus two totals kept incrementally (supply = sum of balances, number of accounts). Applying
 * a block returns a new LedgerState sharing structure with the old one; the old one stays valid
 * and unchanged, so an engine gets rollback and reorgs by keeping the states it may return to.
 */
import { toHex } from '../core/bytes.js';
import type { Account, Address, Hash } from './account.js';
import { isAddress } from './account.js';
import { SMT_EMPTY, smtGet, smtLeaves } from './smt/tree.js';
import type { SmtNode } from './smt/tree.js';
import { smtKey } from './smt/hashing.js';

/** Read access to accounts: what the mempool and proposers need. LedgerState implements it. */
export interface AccountView {
  /** The account, or null when it does not exist (equivalent to balance 0, nonce 0). */
  account(address: Address): Account | null;
}

export class LedgerState implements AccountView {
  /** The empty ledger; its root is the empty-subtree constant. */
  static readonly EMPTY: LedgerState = new LedgerState(SMT_EMPTY, 0n, 0);

  /** @internal Use the ledger functions; the tree is exposed for apply/proof code only. */
  readonly tree: SmtNode;
  /** Sum of all balances. Transfers conserve it; only block rewards and genesis add to it. */
  readonly supply: bigint;
  readonly accountCount: number;

  /** @internal States are made by genesisState/applyBlock/applyTransactions. */
  constructor(tree: SmtNode, supply: bigint, accountCount: number) {
    this.tree = tree;
    this.supply = supply;
    this.accountCount = accountCount;
    Object.freeze(this);
  }

  /** The 32-byte state root (computed lazily, once per state; a fresh copy each call). */
  get root(): Hash {
    return Uint8Array.from(this.tree.hash());
  }

  /** The state root as lowercase hex (what headers, logs and FinalizedEntry.stateRoot show). */
  get rootHex(): string {
    return toHex(this.tree.hash());
  }

  account(address: Address): Account | null {
    if (!isAddress(address)) return null;
    return smtGet(this.tree, smtKey(address))?.account ?? null;
  }

  balanceOf(address: Address): bigint {
    return this.account(address)?.balance ?? 0n;
  }

  nonceOf(address: Address): number {
    return this.account(address)?.nonce ?? 0;
  }

  /** Every account in key order (SHA-256 of the address): the body of a state snapshot. */
  *accounts(): Generator<{ readonly address: Address; readonly account: Account }> {
    for (const leaf of smtLeaves(this.tree)) yield { address: leaf.address, account: leaf.account };
  }
}
