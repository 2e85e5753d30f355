/**
 * Every size bound of the ledger in one place. Decoders check the byte cap before parsing a
 * single byte; the rest bound what a peer can make us allocate or hash.
 */

/** Chain ids are 1..64 printable ASCII characters (no spaces), so bytes === characters. */
export const MAX_CHAIN_ID_LENGTH = 64;
/** Largest signed transfer encoding: the worst case (64-char chain id, u64 amount, 2^53 nonce) is 219 bytes. */
export const MAX_TX_BYTES = 256;
/** The engine-specific `consensus` map of a header, encoded. Room for ~100 vote signatures. */
export const MAX_CONSENSUS_BYTES = 32 * 1024;
/** Parents of one header (1 for chains, up to this for DAG vertices). */
export const MAX_PARENTS = 64;
/** Whole encoded header: consensus map + parents + fixed fields. */
export const MAX_HEADER_BYTES = MAX_CONSENSUS_BYTES + MAX_PARENTS * 34 + 1024;
/** Transactions in one block. */
export const MAX_TXS_PER_BLOCK = 10_000;
/** Whole encoded block: fits MAX_TXS_PER_BLOCK worst-case transfers plus the largest header. */
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;
/** Depth of the sparse Merkle tree (the key is a SHA-256 output). */
export const SMT_DEPTH = 256;
/** Encoded account proof: at most 256 siblings of 34 bytes each plus the terminal leaf. */
export const MAX_PROOF_BYTES = 9 * 1024;
/**
 * Transfer ids remembered as "signature verified" across objects (see transaction.ts): 65,536
 * ids, about 8 MiB, several blocks' worth of mempool admissions at the largest block size.
 */
export const VERIFIED_TX_CACHE_MAX = 65_536;
/**
 * Verified transfer objects a node keeps by their encoding so that the block carrying them
 * decodes to the objects it already has (see recent-transfers.ts): 16,384 objects of ~0.8 KB,
 * about 13 MB, 16 s of transfers at 1,000/s, longer than a transfer waits between its gossip and
 * its block on a loaded devnet.
 */
export const RECENT_VERIFIED_TX_MAX = 16_384;
