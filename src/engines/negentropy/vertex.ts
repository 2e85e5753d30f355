/**
 * Vertices and super-block headers are ledger headers (src/ledger BlockHeader) whose engine-owned
 * `consensus` map says which they are and carries the proposer's signature:
 *   vertex:       { k: 0, sb: latest super-block the proposer had finalized, sig }
 *                 header.stateRoot = that super-block's state root ("holographic" header: every
 *                 vertex commits to a finalized state a light client can check balances against)
 *   super-block:  { k: 1, n: transfers executed since genesis through this super-block, sig }
 *                 header.parents = [previous super-block header hash], height = its index
 * The signature covers taggedHash('thermo/neg/sign', headerHash(header without `sig`)), so the
 * id (the header hash, with `sig`) commits to the signature, and nobody but the proposer can
 * produce a header with its address. Genesis objects have no signature (everyone builds them).
 */
import { sign, taggedHash, toHex, verify } from '../../core/index.js';
import type { KeyPair } from '../../core/index.js';
import { EMPTY_TX_ROOT, headerHash, makeBlock, makeHeader, txRoot } from '../../ledger/index.js';
import type { Block, BlockHeader, ConsensusFields, Hash, LedgerState, Transfer } from '../../ledger/index.js';

export const KIND_VERTEX = 0;
export const KIND_SUPERBLOCK = 1;
const ZERO_ADDRESS = new Uint8Array(32);

function signingPayload(header: BlockHeader): Uint8Array {
  const rest: Record<string, ConsensusFields[string]> = {};
  for (const [k, v] of Object.entries(header.consensus)) if (k !== 'sig') rest[k] = v;
  return taggedHash('thermo/neg/sign', headerHash(makeHeader({ ...header, consensus: rest })));
}

/** Signs `fields` (whose consensus has no `sig` yet) and returns the frozen signed header. */
export function signHeader(keyPair: KeyPair, fields: BlockHeader): BlockHeader {
  const unsigned = makeHeader(fields);
  const sig = sign(keyPair, signingPayload(unsigned));
  return makeHeader({ ...unsigned, consensus: { ...unsigned.consensus, sig } });
}

/**
 * Verdicts for frozen headers, by the key they were checked against: a vertex gossiped to every
 * node is one decoded object in the simulator, and a node may see a header twice (relay,
 * fetch), so the ~60 us check runs once per (header, key), like the ledger's transfer verdicts.
 */
const verdicts = new WeakMap<BlockHeader, { readonly key: string; readonly ok: boolean }>();

/** True when `header` carries a valid signature of `publicKey` (its claimed proposer). */
export function verifyHeaderSignature(header: BlockHeader, publicKey: Uint8Array): boolean {
  const key = toHex(publicKey);
  const hit = verdicts.get(header);
  if (hit !== undefined && hit.key === key) return hit.ok;
  const sig = header.consensus['sig'];
  const ok = sig instanceof Uint8Array && verify(publicKey, signingPayload(header), sig);
  if (Object.isFrozen(header)) verdicts.set(header, { key, ok });
  return ok;
}

export function idHex(header: BlockHeader): string {
  return toHex(headerHash(header));
}

/** The DAG's root vertex: the same on every node of a chain. */
export function genesisVertex(chainId: string, genesis: LedgerState): Block {
  const header = makeHeader({
    chainId,
    height: 0,
    parents: [],
    timestamp: 0,
    proposer: ZERO_ADDRESS,
    stateRoot: genesis.root,
    txRoot: EMPTY_TX_ROOT,
    consensus: { k: KIND_VERTEX, sb: 0 },
  });
  return makeBlock(header, []);
}

/** Super-block 0: the genesis state, the first link of the header chain. */
export function genesisSuperBlock(chainId: string, genesis: LedgerState): BlockHeader {
  return makeHeader({
    chainId,
    height: 0,
    parents: [],
    timestamp: 0,
    proposer: ZERO_ADDRESS,
    stateRoot: genesis.root,
    txRoot: EMPTY_TX_ROOT,
    consensus: { k: KIND_SUPERBLOCK, n: 0 },
  });
}

export interface VertexFields {
  readonly chainId: string;
  readonly parents: readonly Hash[];
  /** 1 + the largest parent height. */
  readonly height: number;
  readonly timestamp: number;
  readonly superBlock: number;
  readonly superBlockRoot: Hash;
  readonly txs: readonly Transfer[];
}

export function buildVertex(keyPair: KeyPair, f: VertexFields): Block {
  const header = signHeader(keyPair, {
    chainId: f.chainId,
    height: f.height,
    parents: f.parents,
    timestamp: f.timestamp,
    proposer: keyPair.publicKey,
    stateRoot: f.superBlockRoot,
    txRoot: txRoot(f.txs),
    consensus: { k: KIND_VERTEX, sb: f.superBlock },
  });
  return makeBlock(header, f.txs);
}

/** A consensus field as a safe uint, or null. */
export function consensusUint(header: BlockHeader, key: string): number | null {
  const v = header.consensus[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
}
