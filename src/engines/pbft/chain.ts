/**
 * The chain PBFT orders: sequence number s holds the block at height s, whose parent is the
 * block at s - 1 (seq 0 is the genesis block). Because every block's header commits to its
 * parent and its post-state root, the batches are not independent requests as in the paper:
 * view-change.ts keeps the new view's O set a chain (docs/protocols/pbft.md, "Deviations").
 *
 * A null request (the paper's no-op for a sequence number no prepared certificate covers) is a
 * block with no transfers on the previous O-set block: its state root is its parent's (no
 * transfers, no reward), its timestamp its parent's, its proposer the new primary, and its
 * consensus field { nullView: v }. Every replica builds the same null block from the same
 * parent header, so it is identified by digest like any other block.
 */
import { EMPTY_TX_ROOT, headerHash, makeBlock, makeHeader } from '../../ledger/index.js';
import type { Block, BlockHeader, LedgerState } from '../../ledger/index.js';

export function genesisHeader(chainId: string, genesis: LedgerState): BlockHeader {
  return makeHeader({
    chainId,
    height: 0,
    parents: [],
    timestamp: 0,
    proposer: new Uint8Array(32),
    stateRoot: genesis.root,
    txRoot: EMPTY_TX_ROOT,
    consensus: { engine: 'pbft' },
  });
}

export function nullBlock(prev: BlockHeader, seq: number, view: number, proposer: Uint8Array): Block {
  const header = makeHeader({
    chainId: prev.chainId,
    height: seq,
    parents: [headerHash(prev)],
    timestamp: prev.timestamp,
    proposer,
    stateRoot: prev.stateRoot,
    txRoot: EMPTY_TX_ROOT,
    consensus: { nullView: view },
  });
  return makeBlock(header, []);
}
