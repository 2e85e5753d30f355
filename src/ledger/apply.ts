/**
 * State transitions. Transfers are applied to an overlay (a map of touched accounts over the
 * immutable pre-state); only when a whole list or block has passed is the overlay committed
 * into the tree as one batch, so each touched tree node is copied once and hashed once per
 * block. The pre-state is never modified: a throw simply discards the overlay.
 *
 * Per-transfer checks, in this order (cheap first, the ~60 µs signature check last):
 *   chain id, non-zero amount, not to self       (stateless)
 *   nonce === sender nonce (lower: REPLAYED, higher: GAP), amount <= balance
 *   signature
 *   receiver balance stays within u64
 * Effects: sender balance -= amount, sender nonce += 1, receiver balance += amount (the
 * receiver account is created on first credit). Transfers conserve supply; the block reward,
 * credited to header.proposer after all transfers, is the only way supply grows.
 */
import { toHex } from '../core/bytes.js';
import { EMPTY_ACCOUNT, U64_MAX, makeAccount } from './account.js';
import type { Account, Address, Hash } from './account.js';
import type { Block } from './block.js';
import { makeBlock } from './block.js';
import { LedgerError } from './errors.js';
import type { BlockHeader, ConsensusFields } from './header.js';
import { makeHeader } from './header.js';
import { MAX_BLOCK_BYTES, MAX_TXS_PER_BLOCK } from './limits.js';
import { txRoot } from './merkle.js';
import { smtKey } from './smt/hashing.js';
import { SmtLeaf, smtGet, smtUpdate } from './smt/tree.js';
import { LedgerState } from './state.js';
import type { Transfer } from './transaction.js';
import { asTransfer, checkTransferStateless, transferId, transferIdHex, verifyTransferSignature } from './transaction.js';

export interface ChainRules {
  readonly chainId: string;
  /** Credited to header.proposer by every block; 0n for no issuance. */
  readonly blockReward: bigint;
  /** Defaults to MAX_TXS_PER_BLOCK. */
  readonly maxTxsPerBlock?: number;
}

interface Slot {
  readonly address: Address;
  readonly key: Hash;
  readonly existed: boolean;
  account: Account;
  dirty: boolean;
}

/** Touched accounts over an immutable base state. */
class Overlay {
  private readonly slots = new Map<string, Slot>();
  supply: bigint;
  accountCount: number;

  constructor(private readonly base: LedgerState) {
    this.supply = base.supply;
    this.accountCount = base.accountCount;
  }

  slot(address: Address): Slot {
    const id = toHex(address);
    let s = this.slots.get(id);
    if (s === undefined) {
      const key = smtKey(address);
      const leaf = smtGet(this.base.tree, key);
      s = { address, key, existed: leaf !== undefined, account: leaf?.account ?? EMPTY_ACCOUNT, dirty: false };
      this.slots.set(id, s);
    }
    return s;
  }

  write(s: Slot, account: Account): void {
    if (!s.existed && !s.dirty) this.accountCount++;
    s.account = account;
    s.dirty = true;
  }

  /** Checks and applies one transfer; on a throw nothing in the overlay has changed. */
  transfer(input: Transfer, chainId: string, index: number | undefined): void {
    // Objects the ledger did not build are validated and copied first: a bad field is then a
    // LEDGER_MALFORMED here, never a codec error from deep inside the signature check.
    const tx = asTransfer(input);
    checkTransferStateless(tx, chainId, index);
    const from = this.slot(tx.from);
    const sender = from.account;
    if (tx.nonce !== sender.nonce) {
      const code = tx.nonce < sender.nonce ? 'LEDGER_NONCE_REPLAYED' : 'LEDGER_NONCE_GAP';
      throw new LedgerError({ code, txId: transferIdHex(tx), expected: sender.nonce, actual: tx.nonce, index });
    }
    if (tx.amount > sender.balance) {
      throw new LedgerError({ code: 'LEDGER_INSUFFICIENT_BALANCE', txId: transferIdHex(tx), balance: sender.balance, amount: tx.amount, index });
    }
    if (!verifyTransferSignature(tx)) throw new LedgerError({ code: 'LEDGER_BAD_SIGNATURE', txId: transferIdHex(tx), index });
    const to = this.slot(tx.to);
    const credited = to.account.balance + tx.amount;
    if (credited > U64_MAX) throw new LedgerError({ code: 'LEDGER_BALANCE_OVERFLOW', address: toHex(tx.to), index });
    this.write(from, makeAccount(sender.balance - tx.amount, sender.nonce + 1));
    this.write(to, makeAccount(credited, to.account.nonce));
  }

  /** Mints `amount` to `address` (block reward). */
  mint(address: Address, amount: bigint): void {
    if (amount === 0n) return;
    const s = this.slot(address);
    const credited = s.account.balance + amount;
    if (credited > U64_MAX) throw new LedgerError({ code: 'LEDGER_BALANCE_OVERFLOW', address: toHex(address) });
    this.write(s, makeAccount(credited, s.account.nonce));
    this.supply += amount;
  }

  commit(): LedgerState {
    const leaves: SmtLeaf[] = [];
    for (const s of this.slots.values()) if (s.dirty) leaves.push(new SmtLeaf(s.key, s.address, s.account));
    if (leaves.length === 0) return this.base;
    return new LedgerState(smtUpdate(this.base.tree, leaves), this.supply, this.accountCount);
  }
}

export interface StrictApplyResult {
  readonly state: LedgerState;
  readonly txIds: readonly Hash[];
}

/**
 * Validation mode: applies every transfer in order or throws the first failure's LedgerError
 * (with its `index`). The input state is unchanged either way.
 */
export function applyTransactions(state: LedgerState, txs: readonly Transfer[], chainId: string): StrictApplyResult {
  const overlay = new Overlay(state);
  txs.forEach((tx, i) => overlay.transfer(tx, chainId, i));
  return Object.freeze({ state: overlay.commit(), txIds: Object.freeze(txs.map(transferId)) });
}

export interface RejectedTransfer {
  readonly index: number;
  readonly tx: Transfer;
  readonly error: LedgerError;
}

export interface FilterApplyResult {
  readonly state: LedgerState;
  readonly included: readonly Transfer[];
  readonly rejected: readonly RejectedTransfer[];
}

/**
 * Block-building mode: applies the transfers that are valid in sequence, skips (and reports)
 * the rest. Stops looking once `maxCount` transfers are in (the remainder is neither included
 * nor reported).
 */
export function filterTransactions(
  state: LedgerState,
  txs: readonly Transfer[],
  chainId: string,
  maxCount: number = MAX_TXS_PER_BLOCK,
): FilterApplyResult {
  const overlay = new Overlay(state);
  const { included, rejected } = applyFiltered(overlay, txs, chainId, maxCount);
  return Object.freeze({ state: overlay.commit(), included, rejected });
}

function applyFiltered(
  overlay: Overlay,
  txs: readonly Transfer[],
  chainId: string,
  maxCount: number,
): { included: readonly Transfer[]; rejected: readonly RejectedTransfer[] } {
  const included: Transfer[] = [];
  const rejected: RejectedTransfer[] = [];
  for (let index = 0; index < txs.length && included.length < maxCount; index++) {
    const tx = txs[index]!;
    try {
      overlay.transfer(tx, chainId, index);
      included.push(tx);
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      rejected.push(Object.freeze({ index, tx, error: err }));
    }
  }
  return { included: Object.freeze(included), rejected: Object.freeze(rejected) };
}

/**
 * Validates `block` against `state` and returns the post-state: header chain id, tx count,
 * txRoot, every transfer (strict), the reward to the proposer, and finally
 * header.stateRoot === the resulting root. Throws a LedgerError otherwise; `state` is untouched.
 * Chain linkage and the consensus field are checked by the protocol layer, not here.
 */
export function applyBlock(state: LedgerState, block: Block, rules: ChainRules): LedgerState {
  const { header, txs } = block;
  if (header.chainId !== rules.chainId) throw new LedgerError({ code: 'LEDGER_WRONG_CHAIN', expected: rules.chainId, actual: header.chainId });
  const max = rules.maxTxsPerBlock ?? MAX_TXS_PER_BLOCK;
  if (txs.length > max) throw new LedgerError({ code: 'LEDGER_TOO_MANY_TXS', count: txs.length, max });
  const root = txRoot(txs);
  if (toHex(root) !== toHex(header.txRoot)) {
    throw new LedgerError({ code: 'LEDGER_TX_ROOT_MISMATCH', expected: toHex(header.txRoot), actual: toHex(root) });
  }
  const overlay = new Overlay(state);
  txs.forEach((tx, i) => overlay.transfer(tx, rules.chainId, i));
  overlay.mint(header.proposer, rules.blockReward);
  const next = overlay.commit();
  const stateRoot = next.tree.hash();
  if (toHex(stateRoot) !== toHex(header.stateRoot)) {
    throw new LedgerError({ code: 'LEDGER_STATE_ROOT_MISMATCH', expected: toHex(header.stateRoot), actual: toHex(stateRoot) });
  }
  return next;
}

export interface ProposalInput {
  readonly height: number;
  readonly parents: readonly Hash[];
  readonly timestamp: number;
  readonly proposer: Address;
  /** Candidate transfers in the order to try them (e.g. mempool.select output). */
  readonly txs: readonly Transfer[];
  readonly consensus?: ConsensusFields;
}

export interface Proposal {
  readonly block: Block;
  /** The post-state; applyBlock(pre, block, rules) yields the same root. */
  readonly state: LedgerState;
  readonly rejected: readonly RejectedTransfer[];
}

/**
 * For proposers: keeps the valid transfers, credits the reward, and fills in txRoot and
 * stateRoot. An engine that must set consensus fields depending on the header (a PoW nonce)
 * rebuilds the header with `makeHeader({ ...block.header, consensus })`: the roots do not
 * depend on `consensus`.
 */
export function proposeBlock(state: LedgerState, input: ProposalInput, rules: ChainRules): Proposal {
  const max = rules.maxTxsPerBlock ?? MAX_TXS_PER_BLOCK;
  const overlay = new Overlay(state);
  const { included, rejected } = applyFiltered(overlay, input.txs, rules.chainId, max);
  overlay.mint(input.proposer, rules.blockReward);
  const next = overlay.commit();
  const header: BlockHeader = makeHeader({
    chainId: rules.chainId,
    height: input.height,
    parents: input.parents,
    timestamp: input.timestamp,
    proposer: input.proposer,
    stateRoot: next.tree.hash(),
    txRoot: txRoot(included),
    consensus: input.consensus ?? {},
  });
  const block = makeBlock(header, included, { maxBlockBytes: MAX_BLOCK_BYTES, maxTxsPerBlock: max });
  return Object.freeze({ block, state: next, rejected });
}

/** The header fields a block builder chooses; the ledger fills in chainId and both roots. */
export type BlockTemplate = Omit<ProposalInput, 'txs'>;

/**
 * `proposeBlock` with the header fields and the candidate transfers as separate arguments:
 * returns a block consistent with `state` (valid transfers only, reward credited, both roots
 * filled in), the post-state and the transfers it left out with their typed errors.
 */
export function buildBlock(state: LedgerState, template: BlockTemplate, txs: readonly Transfer[], rules: ChainRules): Proposal {
  return proposeBlock(state, { ...template, txs }, rules);
}
