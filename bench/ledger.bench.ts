/**
 * Ledger benchmark. Run: npx tsx bench/ledger.bench.ts
 * Prints one JSON line: {"bench":"ledger","machine":...,"results":{...}}.
 *
 * (a) Signed transfers applied per second, one core, signatures checked, blocks of 1,000 over a
 *     state of 10,000 accounts. Each block is decoded from bytes first, so nothing is cached on
 *     the transfer objects: every signature is verified inside the timed applyBlock. Two sender
 *     patterns: "cold" (all 10,000 accounts send, more than core/crypto's 4,096-entry verify-key
 *     cache holds) and "hot" (2,000 senders, within the cache). Same-run reference: raw
 *     node:crypto Ed25519 verify of the same block's signatures with prebuilt KeyObjects (the
 *     best case), timed right after each block so both see the same machine load; and once with
 *     a KeyObject built per call (what a key-cache miss costs).
 *     Pipeline: transfers admitted to the mempool from their gossip bytes (verified there), then
 *     the blocks holding them applied from the block bytes (verified-id cache hits): one verify
 *     per transfer per node, as a validator runs.
 * (b) Sparse Merkle tree at 1,000,000 accounts: build and root time once, then proof size and
 *     prove/verify time for present and absent addresses.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { concatBytes, fromHex, toHex, u32be } from '../src/core/bytes.js';
import { sha256 } from '../src/core/crypto/sha256.js';
import {
  Mempool,
  applyBlock,
  clearVerifiedTransferCache,
  decodeBlock,
  devAddress,
  devAllocations,
  devKeyPair,
  encodeAccountProof,
  encodeBlock,
  encodeTransfer,
  genesisState,
  proposeBlock,
  proveAccount,
  signTransfer,
  signingPayload,
  verifyAccountProof,
} from '../src/ledger/index.js';
import type { ChainRules, LedgerState, Transfer } from '../src/ledger/index.js';
import { machineInfo } from './machine.js';

const CHAIN = 'thermo-bench';
const RULES: ChainRules = { chainId: CHAIN, blockReward: 0n };
const ACCOUNTS = 10_000;
const BLOCK_TXS = 1_000;
const BLOCKS = 10;
const SPKI_PREFIX = fromHex('302a300506032b6570032100');

const now = (): number => performance.now();
const round = (x: number, digits = 1): number => Number(x.toFixed(digits));

/** Deterministic receiver choice without Math.random (xorshift on an integer). */
function pick(i: number, n: number): number {
  let x = (i + 1) * 2654435761;
  x ^= x >>> 13;
  x = Math.imul(x, 0x5bd1e995);
  x ^= x >>> 15;
  return (x >>> 0) % n;
}

/** BLOCKS blocks of BLOCK_TXS transfers; senders cycle through `senders` accounts. */
function makeChain(genesis: LedgerState, senders: number): Uint8Array[] {
  const nonces = new Array<number>(ACCOUNTS).fill(0);
  const encoded: Uint8Array[] = [];
  let state = genesis;
  let k = 0;
  for (let b = 0; b < BLOCKS; b++) {
    const txs: Transfer[] = [];
    for (let j = 0; j < BLOCK_TXS; j++, k++) {
      const from = k % senders;
      let to = pick(k, ACCOUNTS);
      if (to === from) to = (to + 1) % ACCOUNTS;
      txs.push(signTransfer(devKeyPair(from), { chainId: CHAIN, to: devAddress(to), amount: 1n + BigInt(k % 7), nonce: nonces[from]!++ }));
    }
    const p = proposeBlock(state, { height: b + 1, parents: [sha256(u32be(b))], timestamp: 1_000 * (b + 1), proposer: devAddress(0), txs }, RULES);
    if (p.rejected.length > 0) throw new Error(`bench setup: ${p.rejected.length} transfers rejected`);
    state = p.state;
    encoded.push(encodeBlock(p.block));
  }
  return encoded;
}

interface RawItem {
  readonly key: KeyObject;
  readonly msg: Uint8Array;
  readonly sig: Uint8Array;
}

const spki = (k: Uint8Array): KeyObject => createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, k)), format: 'der', type: 'spki' });

/** Per block: the same signatures as raw node:crypto inputs, keys prebuilt (the best case). */
function rawItems(encoded: readonly Uint8Array[]): RawItem[][] {
  const keys = new Map<string, KeyObject>();
  return encoded.map((bytes) =>
    decodeBlock(bytes).txs.map((t) => {
      let key = keys.get(toHex(t.from));
      if (key === undefined) {
        key = spki(t.from);
        keys.set(toHex(t.from), key);
      }
      return { key, msg: signingPayload(t), sig: t.signature };
    }),
  );
}

function rawVerifyBlock(items: readonly RawItem[]): void {
  for (const it of items) if (!nodeVerify(null, it.msg, it.key, it.sig)) throw new Error('raw verify failed');
}

/**
 * Applies the blocks, and after each block verifies the same block's signatures raw, so the
 * ledger and its reference are timed interleaved: on a shared machine whose load drifts, the
 * ratio stays meaningful even when the absolute figures move.
 */
function applyRun(
  genesis: LedgerState,
  encoded: readonly Uint8Array[],
  raw: readonly RawItem[][],
): { applyOnly: number; decodeAndApply: number; blockMs: number; rawVerifyPerS: number; ratioToRawVerify: number } {
  // Fresh decoded objects and an empty id cache, so apply really verifies every signature.
  clearVerifiedTransferCache();
  let decodeMs = 0;
  let applyMs = 0;
  let rawMs = 0;
  let state = genesis;
  encoded.forEach((bytes, b) => {
    const t0 = now();
    const block = decodeBlock(bytes);
    const t1 = now();
    state = applyBlock(state, block, RULES);
    const t2 = now();
    rawVerifyBlock(raw[b]!);
    const t3 = now();
    decodeMs += t1 - t0;
    applyMs += t2 - t1;
    rawMs += t3 - t2;
  });
  const n = encoded.length * BLOCK_TXS;
  return {
    applyOnly: round((n / applyMs) * 1000, 0),
    decodeAndApply: round((n / (applyMs + decodeMs)) * 1000, 0),
    blockMs: round(applyMs / encoded.length, 2),
    rawVerifyPerS: round((n / rawMs) * 1000, 0),
    ratioToRawVerify: round(rawMs / applyMs, 3),
  };
}

/** What a key-cache miss costs: raw verify with the KeyObject built per call. */
function rawVerifyKeyPerCall(encoded: readonly Uint8Array[]): number {
  const txs = decodeBlock(encoded[0]!).txs;
  const items = txs.map((t) => ({ key: t.from, msg: signingPayload(t), sig: t.signature }));
  const t0 = now();
  for (const it of items) if (!nodeVerify(null, it.msg, spki(it.key), it.sig)) throw new Error('raw verify failed');
  return round((items.length / (now() - t0)) * 1000, 0);
}

/**
 * What a validator does with transfers it first saw through gossip: admit each (decoded from
 * its own bytes; the signature is verified here), then apply a block that includes them, decoded
 * again from the block's bytes. The block's transfer objects are new, but their ids are in the
 * ledger's verified-id cache, so apply does not verify them a second time.
 */
function pipelineRun(genesis: LedgerState, encoded: readonly Uint8Array[]): { admitPerS: number; applyAfterAdmitPerS: number; endToEndPerS: number } {
  clearVerifiedTransferCache();
  const mp = new Mempool({ chainId: CHAIN, maxCount: 20_000 });
  const gossip = encoded.flatMap((bytes) => decodeBlock(bytes).txs.map((t) => encodeTransfer(t)));
  let t0 = now();
  for (const bytes of gossip) if (!mp.addEncoded(bytes, genesis).accepted) throw new Error('bench mempool rejected');
  const admitMs = now() - t0;
  let applyMs = 0;
  let state = genesis;
  for (const bytes of encoded) {
    const block = decodeBlock(bytes);
    t0 = now();
    state = applyBlock(state, block, RULES);
    applyMs += now() - t0;
  }
  const n = gossip.length;
  return {
    admitPerS: round((n / admitMs) * 1000, 0),
    applyAfterAdmitPerS: round((n / applyMs) * 1000, 0),
    endToEndPerS: round((n / (admitMs + applyMs)) * 1000, 0),
  };
}

function smtRun(): Record<string, number> {
  const N = 1_000_000;
  const address = (i: number): Uint8Array => sha256(concatBytes(fromHex('be'), u32be(i)));
  let t0 = now();
  const allocs = Array.from({ length: N }, (_, i) => ({ address: address(i), balance: 1_000n + BigInt(i) }));
  const state = genesisState(allocs);
  const buildMs = now() - t0;
  t0 = now();
  const root = state.root;
  const rootMs = now() - t0;
  const Q = 2_000;
  const present = Array.from({ length: Q }, (_, i) => address(pick(i, N)));
  const absent = Array.from({ length: Q }, (_, i) => address(N + i));
  const measure = (addrs: readonly Uint8Array[], wantPresent: boolean): { bytesMean: number; bytesMax: number; proveUs: number; verifyUs: number } => {
    let t = now();
    const proofs = addrs.map((a) => proveAccount(state, a));
    const proveUs = ((now() - t) / addrs.length) * 1000;
    const sizes = proofs.map((p) => encodeAccountProof(p).length);
    t = now();
    proofs.forEach((p, i) => {
      const got = verifyAccountProof(root, addrs[i]!, p);
      if ((got !== null) !== wantPresent) throw new Error('bench proof gave the wrong answer');
    });
    const verifyUs = ((now() - t) / addrs.length) * 1000;
    return { bytesMean: sizes.reduce((s, x) => s + x, 0) / sizes.length, bytesMax: Math.max(...sizes), proveUs, verifyUs };
  };
  const inc = measure(present, true);
  const exc = measure(absent, false);
  return {
    accounts: N,
    buildS: round(buildMs / 1000, 2),
    rootS: round(rootMs / 1000, 2),
    inclusionProofBytesMean: round(inc.bytesMean, 1),
    inclusionProofBytesMax: inc.bytesMax,
    inclusionProveUs: round(inc.proveUs, 1),
    inclusionVerifyUs: round(inc.verifyUs, 1),
    exclusionProofBytesMean: round(exc.bytesMean, 1),
    exclusionProofBytesMax: exc.bytesMax,
    exclusionVerifyUs: round(exc.verifyUs, 1),
    heapMiB: round(process.memoryUsage().heapUsed / 2 ** 20, 0),
  };
}

function main(): void {
  const tStart = now();
  const genesis = genesisState(devAllocations(ACCOUNTS, 1_000_000_000n));
  const setupStart = now();
  const cold = makeChain(genesis, ACCOUNTS);
  const hot = makeChain(genesis, 2_000);
  const setupS = (now() - setupStart) / 1000;
  const hotRaw = rawItems(hot);
  const coldRaw = rawItems(cold);
  // Warm-up (JIT, and the verify-key cache for the 2,000 hot senders), not reported. Hot runs
  // before cold, because the cold run's 10,000 senders push the hot keys out of the cache.
  applyRun(genesis, hot.slice(0, 2), hotRaw);
  const hotRun = applyRun(genesis, hot, hotRaw);
  const coldRun = applyRun(genesis, cold, coldRaw);
  const keyPerCall = rawVerifyKeyPerCall(cold);
  const pipeline = pipelineRun(genesis, cold);
  const smt = smtRun();
  const results = {
    apply: {
      accounts: ACCOUNTS,
      txsPerBlock: BLOCK_TXS,
      blocks: BLOCKS,
      hotSenders: { senders: 2_000, ...hotRun },
      coldSenders: { senders: ACCOUNTS, ...coldRun },
      rawVerifyKeyPerCallPerS: keyPerCall,
    },
    pipeline,
    smt,
    setupS: round(setupS, 1),
    totalS: round((now() - tStart) / 1000, 1),
  };
  console.log(JSON.stringify({ bench: 'ledger', machine: machineInfo(), results }));
}

main();
