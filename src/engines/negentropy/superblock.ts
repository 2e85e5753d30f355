/**
 * Super-blocks: the design's "renormalization". A super-block is a ledger block whose header
 * (consensus.k = 1) links to the previous super-block header and whose body is a CUT: decided
 * transfers that have not been executed yet, in the canonical order (sender address, nonce).
 * Executing cut i on the state of super-block i - 1 gives state i; its root is in header i.
 *
 * Why super-blocks execute, not conflict-set decisions: Snowball decides each conflict set on
 * its own, and two honest nodes finalize sets in different orders. The state after "the first h
 * decisions" would then differ between honest nodes at the same h, and a transfer whose
 * balance check depends on earlier credits could succeed at one node and fail at another. The
 * super-block chain is a sequence every honest node agrees on (each index is itself a Snowball
 * slot, sb:<i>, decided over candidate header hashes), so state i is the same everywhere. This
 * is where FinalizedEntry.height / stateRoot come from: height = super-block index.
 *
 * Snapshot: the accounts of a state in key order, [[address, balance, nonce], ...]. A snapshot
 * is valid for a header if and only if the state rebuilt from it has the header's root (the root
 * commits to every account), so a syncing node needs no other hash.
 */
import { bigToCbor, decode, encode, readArray, readBigUint, readBytes, readUint, toHex } from '../../core/index.js';
import type { KeyPair } from '../../core/index.js';
import {
  LedgerError,
  applyBlock,
  filterTransactions,
  genesisState,
  headerHash,
  makeBlock,
  merkleRoot,
  transferIdHex,
} from '../../ledger/index.js';
import type { BlockHeader, ChainRules, GenesisAllocation, LedgerState, Transfer } from '../../ledger/index.js';
import { fromHex } from '../../core/index.js';
import { NegentropyError } from './errors.js';
import { MAX_CUT, MAX_MESSAGE_BYTES } from './messages.js';
import { KIND_SUPERBLOCK, consensusUint, signHeader, verifyHeaderSignature } from './vertex.js';

/** Cuts (transfer ids) a node keeps, for the newest super-blocks; older headers are kept bare. */
export const KEEP_CUTS = 64;

/** A finalized super-block as a node holds it. */
export interface SuperBlock {
  readonly index: number;
  readonly header: BlockHeader;
  readonly hash: string;
  /** Transfer ids of its cut, in execution order (empty once trimmed: KEEP_CUTS). */
  readonly ids: readonly string[];
  /** Transfers executed from genesis through this super-block. */
  readonly count: number;
}

export function superBlockOf(header: BlockHeader, ids: readonly string[]): SuperBlock {
  return Object.freeze({
    index: header.height,
    header,
    hash: toHex(headerHash(header)),
    ids: Object.freeze([...ids]),
    count: consensusUint(header, 'n') ?? 0,
  });
}

/** Canonical execution order: sender address (hex), then nonce. */
export function compareExecution(a: Transfer, b: Transfer): number {
  const sa = toHex(a.from);
  const sb = toHex(b.from);
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.nonce - b.nonce;
}

export interface BuiltSuperBlock {
  readonly superBlock: SuperBlock;
  readonly state: LedgerState;
  readonly txs: readonly Transfer[];
}

/**
 * A proposer's candidate: the decided transfers that execute cleanly on `state` in canonical
 * order, at most `maxTxs` of them (those that do not execute yet, e.g. a nonce gap, wait for a
 * later super-block). Null when none executes.
 */
export function buildSuperBlock(
  keyPair: KeyPair,
  rules: ChainRules,
  prev: SuperBlock,
  state: LedgerState,
  decided: readonly Transfer[],
  maxTxs: number,
  timestamp: number,
): BuiltSuperBlock | null {
  const sorted = [...decided].sort(compareExecution);
  const filtered = filterTransactions(state, sorted, rules.chainId, Math.min(maxTxs, MAX_CUT));
  if (filtered.included.length === 0) return null;
  const txs = filtered.included;
  const ids = txs.map(transferIdHex);
  const header = signHeader(keyPair, {
    chainId: rules.chainId,
    height: prev.index + 1,
    parents: [fromHex(prev.hash)],
    timestamp,
    proposer: keyPair.publicKey,
    stateRoot: filtered.state.root,
    txRoot: merkleRoot(ids.map((id) => fromHex(id))),
    consensus: { k: KIND_SUPERBLOCK, n: prev.count + txs.length },
  });
  return Object.freeze({ superBlock: superBlockOf(header, ids), state: filtered.state, txs });
}

function bad(index: number, reason: string): NegentropyError {
  return new NegentropyError({ code: 'NEG_BAD_SUPERBLOCK', index, reason });
}

/**
 * Checks a header's own fields and its link to `prev`: kind, chain, height, parent hash,
 * proposer signature, cut root, executed count. Does not execute the cut. An empty `ids` means
 * the cut was omitted (nodes keep only the newest KEEP_CUTS cuts; a real cut is never empty):
 * then only the count's monotonicity can be checked. Candidates must carry their cut
 * (`requireCut`).
 */
export function checkSuperBlockHeader(
  header: BlockHeader,
  ids: readonly Uint8Array[],
  prev: SuperBlock,
  chainId: string,
  proposerKey: (address: string) => Uint8Array | undefined,
  requireCut = true,
): SuperBlock {
  const index = header.height;
  if (consensusUint(header, 'k') !== KIND_SUPERBLOCK) throw bad(index, 'not a super-block header');
  if (header.chainId !== chainId) throw bad(index, `chain ${header.chainId}`);
  if (index !== prev.index + 1) throw bad(index, `expected index ${prev.index + 1}`);
  if (header.parents.length !== 1 || toHex(header.parents[0]!) !== prev.hash) throw bad(index, 'does not link to the previous super-block');
  const key = proposerKey(toHex(header.proposer));
  if (key === undefined) throw bad(index, 'proposer is not a validator');
  if (!verifyHeaderSignature(header, key)) throw bad(index, 'bad signature');
  if ((requireCut && ids.length === 0) || ids.length > MAX_CUT) throw bad(index, `cut of ${ids.length} transfers`);
  const n = consensusUint(header, 'n');
  if (ids.length === 0) {
    if (n === null || n <= prev.count) throw bad(index, 'wrong executed count');
  } else {
    if (toHex(merkleRoot(ids)) !== toHex(header.txRoot)) throw bad(index, 'cut does not match txRoot');
    if (n !== prev.count + ids.length) throw bad(index, 'wrong executed count');
  }
  return superBlockOf(header, ids.map(toHex));
}

/** Executes a checked candidate's transfers (given in cut order) on `state`; checks order and root. */
export function executeSuperBlock(sb: SuperBlock, txs: readonly Transfer[], state: LedgerState, rules: ChainRules): LedgerState {
  for (let i = 1; i < txs.length; i++) if (compareExecution(txs[i - 1]!, txs[i]!) >= 0) throw bad(sb.index, 'cut is not in canonical order');
  try {
    return applyBlock(state, makeBlock(sb.header, txs, { maxBlockBytes: MAX_MESSAGE_BYTES, maxTxsPerBlock: MAX_CUT }), rules);
  } catch (err) {
    if (err instanceof LedgerError) throw bad(sb.index, err.code);
    throw err;
  }
}

/**
 * Checks a run of headers (with their cuts; an empty cut = omitted) extending `from`, as a
 * syncing node does: every link, signature, cut root and count. Returns the super-blocks.
 */
export function checkHeaderChain(
  from: SuperBlock,
  headers: readonly BlockHeader[],
  cuts: readonly (readonly Uint8Array[])[],
  chainId: string,
  proposerKey: (address: string) => Uint8Array | undefined,
): SuperBlock[] {
  const out: SuperBlock[] = [];
  let prev = from;
  headers.forEach((h, i) => {
    try {
      prev = checkSuperBlockHeader(h, cuts[i] ?? [], prev, chainId, proposerKey, false);
    } catch (err) {
      if (err instanceof NegentropyError && err.type.code === 'NEG_BAD_SUPERBLOCK') {
        throw new NegentropyError({ code: 'NEG_BAD_HEADER_CHAIN', index: h.height, reason: err.type.reason });
      }
      throw err;
    }
    out.push(prev);
  });
  return out;
}

// ---- snapshots -----------------------------------------------------------------------------

export function encodeSnapshot(state: LedgerState): Uint8Array {
  const rows = [];
  for (const { address, account } of state.accounts()) rows.push([address, bigToCbor(account.balance), account.nonce]);
  return encode(rows);
}

/** Rebuilds a state from a snapshot and checks it against `root` (hex). */
export function stateFromSnapshot(bytes: Uint8Array, root: string): LedgerState {
  let state: LedgerState;
  try {
    const rows = readArray(decode(bytes, MAX_MESSAGE_BYTES), 'snapshot', 10_000_000);
    const allocations: GenesisAllocation[] = rows.map((r, i) => {
      const row = readArray(r, `snapshot[${i}]`, 3);
      if (row.length !== 3) throw new NegentropyError({ code: 'NEG_BAD_SNAPSHOT', reason: `row ${i}: expected 3 fields` });
      return { address: readBytes(row[0], 'snapshot.address', 32), balance: readBigUint(row[1], 'snapshot.balance'), nonce: readUint(row[2], 'snapshot.nonce') };
    });
    state = genesisState(allocations);
  } catch (err) {
    if (err instanceof NegentropyError) throw err;
    throw new NegentropyError({ code: 'NEG_BAD_SNAPSHOT', reason: err instanceof Error ? err.message : String(err) });
  }
  if (toHex(state.root) !== root) throw new NegentropyError({ code: 'NEG_BAD_SNAPSHOT', reason: 'snapshot does not rebuild the header state root' });
  return state;
}
