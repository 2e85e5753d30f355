/**
 * The light client ("holographic" headers, DESIGN.md section 3): it holds super-block headers
 * only, never blocks or state, and checks an account's balance from a sparse-Merkle proof.
 *
 *   1. The header chain: starting from a header it trusts (the genesis super-block, which it
 *      can build from the chain id and the genesis state root, or a later checkpoint), each
 *      header must name the previous one's hash as its only parent, have the next index, be a
 *      super-block header, and carry its proposer's signature (a validator).
 *   2. The proof: src/ledger verifyAccountProof against the newest header's stateRoot.
 *
 * What it trusts: that the newest header is FINAL. A header chain proves linkage and that a
 * validator proposed each header, not that the network decided it (Snowball decisions leave no
 * certificate). A light client gets that the way a node does: by asking k sampled validators
 * for the header hash at that index and accepting it when at least alpha of them return the same
 * hash (`acceptHeaderBySample`), the same alpha-of-k rule a Snowball poll uses, once.
 */
import { toHex } from '../../core/index.js';
import { decodeAccountProof, decodeHeader, headerHash, verifyAccountProof } from '../../ledger/index.js';
import type { Account, AccountProof, BlockHeader } from '../../ledger/index.js';
import { fromHex } from '../../core/index.js';
import { NegentropyError } from './errors.js';
import { KIND_SUPERBLOCK, consensusUint, verifyHeaderSignature } from './vertex.js';

function rejected(reason: string): NegentropyError {
  return new NegentropyError({ code: 'NEG_PROOF_REJECTED', reason });
}

export interface TrustedHeader {
  readonly index: number;
  readonly hash: string;
}

/** Checks that `headers` extend `trusted` link by link; returns the newest header (or throws). */
export function checkHeaderLinks(
  trusted: TrustedHeader,
  headers: readonly BlockHeader[],
  proposerKey: (address: string) => Uint8Array | undefined,
): BlockHeader | null {
  let index = trusted.index;
  let hash = trusted.hash;
  let last: BlockHeader | null = null;
  for (const h of headers) {
    if (consensusUint(h, 'k') !== KIND_SUPERBLOCK) throw rejected(`header ${h.height} is not a super-block header`);
    if (h.height !== index + 1) throw rejected(`header ${h.height} follows ${index}`);
    if (h.parents.length !== 1 || toHex(h.parents[0]!) !== hash) throw rejected(`header ${h.height} does not link to ${index}`);
    const key = proposerKey(toHex(h.proposer));
    if (key === undefined || !verifyHeaderSignature(h, key)) throw rejected(`header ${h.height}: proposer signature`);
    index = h.height;
    hash = toHex(headerHash(h));
    last = h;
  }
  return last;
}

export interface VerifiedBalance {
  readonly index: number;
  readonly root: string;
  /** The account, or null when the proof shows it does not exist. */
  readonly account: Account | null;
}

/**
 * Verifies `proof` for `address` against the newest of `headers` (or against the trusted
 * header itself when `headers` is empty and `trustedRoot` is given).
 */
export function verifyBalance(
  trusted: TrustedHeader & { readonly root?: string },
  headers: readonly BlockHeader[],
  address: Uint8Array,
  proof: AccountProof,
  proposerKey: (address: string) => Uint8Array | undefined,
): VerifiedBalance {
  const last = checkHeaderLinks(trusted, headers, proposerKey);
  const root = last !== null ? toHex(last.stateRoot) : trusted.root;
  if (root === undefined) throw rejected('no header to check the proof against');
  try {
    const account = verifyAccountProof(fromHex(root), address, proof);
    return Object.freeze({ index: last?.height ?? trusted.index, root, account });
  } catch (err) {
    throw rejected(err instanceof Error ? err.message : String(err));
  }
}

/**
 * The sampling rule for the newest header: `answers` are the header hashes k sampled
 * validators returned for one index (null: no answer). Accepted when at least alpha agree.
 */
export function acceptHeaderBySample(answers: readonly (string | null)[], alpha: number): string | null {
  const counts = new Map<string, number>();
  for (const a of answers) if (a !== null) counts.set(a, (counts.get(a) ?? 0) + 1);
  for (const [hash, n] of counts) if (n >= alpha) return hash;
  return null;
}

/** A proof bundle as `thermo proof` prints and reads it (hex strings; JSON-safe). */
export interface ProofBundle {
  readonly chainId: string;
  readonly address: string;
  readonly trusted: TrustedHeader & { readonly root: string };
  readonly headers: readonly string[];
  readonly proof: string;
}

export function verifyBundle(b: ProofBundle, proposerKey: (address: string) => Uint8Array | undefined): VerifiedBalance {
  let headers: BlockHeader[];
  let proof: AccountProof;
  try {
    headers = b.headers.map((h) => decodeHeader(fromHex(h)));
    proof = decodeAccountProof(fromHex(b.proof));
  } catch (err) {
    throw rejected(err instanceof Error ? err.message : String(err));
  }
  for (const h of headers) if (h.chainId !== b.chainId) throw rejected(`header ${h.height} is for chain ${h.chainId}`);
  return verifyBalance(b.trusted, headers, fromHex(b.address), proof, proposerKey);
}
