/**
 * Ledger benchmark. Run: npx tsx bench/ledger.bench.ts
 * Prints one JSON line: {"bench":"ledger","machine":...,"results":{...}}.
 *
 * (a) Signed transfers applied per second, one core, signatures checked, blocks of 1,000 over a
 *     state of 10,000 accounts. Each block is decoded from bytes first, so nothing is cached on
 *     the transfer objects: every signature is verified inside the timed applyBlock. Two sender
 *     patterns: "cold" (all 10,000 accounts send, more than core/crypto's 4,096-entry verify-key
 *     cache holds) and "hot" (2,000 senders, within the cache). Same-run reference: raw
 *     node:crypto Ed25519 verify over the same messages with prebuilt KeyObjects (the best case)
 *     and with a KeyObject built per call (what a key-cache miss costs).
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
  decodeBlock,
  devAddress,
  devAllocations,
  devKeyPair,
  encodeAccountProof,
  encodeBlock,
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

function applyRun(genesis: LedgerState, encoded: readonly Uint8Array[]): { applyOnly: number; decodeAndApply: number; blockMs: number } {
  // Decode outside the timer first: fresh objects, so apply verifies every signature.
  let decodeMs = 0;
  let applyMs = 0;
  let state = genesis;
  for (const bytes of encoded) {
    const t0 = now();
    const block = decodeBlock(bytes);
    const t1 = now();
    state = applyBlock(state, block, RULES);
    const t2 = now();
    decodeMs += t1 - t0;
    applyMs += t2 - t1;
  }
  const n = encoded.length * BLOCK_TXS;
  return { applyOnly: round((n / applyMs) * 1000, 0), decodeAndApply: round((n / (applyMs + decodeMs)) * 1000, 0), blockMs: round(applyMs / encoded.length, 2) };
}

function rawVerify(encoded: readonly Uint8Array[]): { prebuiltKeys: number; keyPerCall: number } {
  const items: { key: Uint8Array; msg: Uint8Array; sig: Uint8Array }[] = [];
  for (const bytes of encoded) for (const t of decodeBlock(bytes).txs) items.push({ key: t.from, msg: signingPayload(t), sig: t.signature });
  const spki = (k: Uint8Array): KeyObject => createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, k)), format: 'der', type: 'spki' });
  const keys = new Map<string, KeyObject>();
  for (const it of items) if (!keys.has(toHex(it.key))) keys.set(toHex(it.key), spki(it.key));
  const prepared = items.map((it) => ({ key: keys.get(toHex(it.key))!, msg: it.msg, sig: it.sig }));
  let t0 = now();
  for (const it of prepared) if (!nodeVerify(null, it.msg, it.key, it.sig)) throw new Error('raw verify failed');
  const prebuilt = (items.length / (now() - t0)) * 1000;
  t0 = now();
  for (const it of items) if (!nodeVerify(null, it.msg, spki(it.key), it.sig)) throw new Error('raw verify failed');
  const perCall = (items.length / (now() - t0)) * 1000;
  return { prebuiltKeys: round(prebuilt, 0), keyPerCall: round(perCall, 0) };
}

function mempoolRun(genesis: LedgerState, encoded: readonly Uint8Array[]): number {
  const mp = new Mempool({ chainId: CHAIN, maxCount: 20_000 });
  const txs = decodeBlock(encoded[0]!).txs.concat(decodeBlock(encoded[1]!).txs);
  const t0 = now();
  for (const t of txs) if (!mp.add(t, genesis).accepted) throw new Error('bench mempool rejected');
  return round((txs.length / (now() - t0)) * 1000, 0);
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
  // Warm-up (JIT, and the verify-key cache for the 2,000 hot senders), not reported. Hot runs
  // before cold, because the cold run's 10,000 senders push the hot keys out of the cache.
  applyRun(genesis, hot.slice(0, 2));
  const hotRun = applyRun(genesis, hot);
  const coldRun = applyRun(genesis, cold);
  const raw = rawVerify(cold);
  const mempoolAddPerS = mempoolRun(genesis, cold);
  const smt = smtRun();
  const results = {
    apply: {
      accounts: ACCOUNTS,
      txsPerBlock: BLOCK_TXS,
      blocks: BLOCKS,
      coldSenders: { senders: ACCOUNTS, ...coldRun, ratioToRawVerify: round(coldRun.applyOnly / raw.prebuiltKeys, 3) },
      hotSenders: { senders: 2_000, ...hotRun, ratioToRawVerify: round(hotRun.applyOnly / raw.prebuiltKeys, 3) },
      rawEd25519VerifyPerS: raw,
    },
    mempoolAddPerS,
    smt,
    setupS: round(setupS, 1),
    totalS: round((now() - tStart) / 1000, 1),
  };
  console.log(JSON.stringify({ bench: 'ledger', machine: machineInfo(), results }));
}

main();
