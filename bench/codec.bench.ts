/**
 * Codec benchmark: the canonical codec (src/core/codec.ts over cbor-encode.ts and cbor-decode.ts) against the
 * implementation it replaced (test/core/support/cborg-reference-codec.ts: cborg decode plus a
 * re-encode comparison), measured in the same run on the same values, interleaved round by
 * round so both see the same machine load. The figure to read is the ratio.
 *
 * Values: a signed transfer, a block of 500 transfers, a negentropy query (64 slot keys) and its
 * reply, all built from the real encoders. Per value: encodes and decodes per second for both
 * implementations, and fast / reference.
 *
 * Transfer objects ("transfer-object"): `decodeTransfer` (the canonical decode, the shape
 * checks, the id hash, the frozen object carrying its derived values in private fields) against
 * the same decode plus what the code before kept per object instead: an entry in each of three
 * module-level weak collections. A ring of 20,000 decoded transfers stays alive, as a busy
 * mempool's would, so the garbage collector's share is in the figure (docs/NODE.md, "Transfer
 * objects").
 *
 * Run: npx tsx bench/codec.bench.ts [--rounds N]   (default 7; the median round is reported)
 * Prints one JSON line: {"bench":"codec","machine":...,"results":{...}}.
 */
import { performance } from 'node:perf_hooks';
import { decode, encode } from '../src/core/index.js';
import type { CborValue } from '../src/core/index.js';
import { decodeTransfer, devAddress, devKeyPair, encodeBlock, encodeTransfer, signTransfer } from '../src/ledger/index.js';
import type { Transfer } from '../src/ledger/index.js';
import { encodeNegMessage } from '../src/engines/negentropy/messages.js';
import { referenceDecode, referenceEncode } from '../test/core/support/cborg-reference-codec.js';
import { machineInfo } from './machine.js';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 7;
/** Each timed sample runs for at least this long. */
const SAMPLE_MS = 150;

const CHAIN = 'thermo-bench';
const key = devKeyPair(0);
const transfers: Transfer[] = [];
for (let i = 0; i < 500; i++) {
  transfers.push(signTransfer(key, { chainId: CHAIN, to: devAddress(1 + (i % 7)), amount: BigInt(1 + i), nonce: i }));
}
const block = encodeBlock({
  header: {
    chainId: CHAIN,
    height: 7,
    parents: [new Uint8Array(32).fill(1)],
    timestamp: 1_700_000_000_000,
    proposer: key.publicKey,
    stateRoot: new Uint8Array(32).fill(2),
    txRoot: new Uint8Array(32).fill(3),
    consensus: { view: 3, qc: new Uint8Array(96) },
  },
  txs: transfers,
});
const keys = new Uint8Array(64 * 28).map((_, i) => (i * 131) & 0xff);
const bits = new Uint8Array(8).fill(0xff);

/** Each sample value as the codec sees it (decoded once by the reference: plain CBOR values). */
const samples: Record<string, Uint8Array> = {
  transfer: encodeTransfer(transfers[0]!),
  'block-500': block,
  'neg-query-64': encodeNegMessage({ t: 'query', poll: 12_345, keys }),
  'neg-reply-64': encodeNegMessage({ t: 'reply', poll: 12_345, agree: bits, unknown: new Uint8Array(8), other: [{ index: 3, value: keys.subarray(0, 16) }], sb: 42 }),
};

function rate(fn: () => void): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < SAMPLE_MS) {
    for (let i = 0; i < 16; i++) fn();
    n += 16;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const results: Record<string, unknown> = {};
for (const [name, bytes] of Object.entries(samples)) {
  const ref = referenceDecode(bytes, 32);
  if (!ref.ok) throw new Error(`${name}: the reference refuses its own sample (${ref.code})`);
  const value: CborValue = ref.value;
  if (Buffer.compare(Buffer.from(encode(value)), Buffer.from(bytes)) !== 0) throw new Error(`${name}: encodings differ`);
  const r = { fastEncode: [] as number[], refEncode: [] as number[], fastDecode: [] as number[], refDecode: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    r.fastEncode.push(rate(() => encode(value)));
    r.refEncode.push(rate(() => referenceEncode(value)));
    r.fastDecode.push(rate(() => decode(bytes, 1 << 24)));
    r.refDecode.push(rate(() => referenceDecode(bytes, 32)));
  }
  const fe = median(r.fastEncode);
  const re = median(r.refEncode);
  const fd = median(r.fastDecode);
  const rd = median(r.refDecode);
  results[name] = {
    bytes: bytes.length,
    encodePerS: { fast: Math.round(fe), reference: Math.round(re), ratio: Math.round((fe / re) * 100) / 100 },
    decodePerS: { fast: Math.round(fd), reference: Math.round(rd), ratio: Math.round((fd / rd) * 100) / 100 },
  };
}
{
  const wire = transfers.map((tx) => encodeTransfer(tx));
  const live: unknown[] = new Array(20_000);
  let k = 0;
  // What the replaced code did on top of the same decode: an entry per derived value in
  // module-level weak collections (encoding, id bytes, "built here").
  const encodings = new WeakMap<object, Uint8Array>();
  const ids = new WeakMap<object, Uint8Array>();
  const built = new WeakSet<object>();
  const sealed: number[] = [];
  const weak: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    sealed.push(rate(() => (live[k++ % live.length] = decodeTransfer(wire[k % wire.length]!))));
    weak.push(
      rate(() => {
        const bytes = wire[k % wire.length]!;
        const tx = decodeTransfer(bytes);
        encodings.set(tx, bytes);
        ids.set(tx, bytes);
        built.add(tx);
        live[k++ % live.length] = tx;
      }),
    );
  }
  const a = median(sealed);
  const b = median(weak);
  results['transfer-object'] = {
    bytes: wire[0]!.length,
    liveObjects: live.length,
    decodePerS: { privateFields: Math.round(a), plusWeakMapEntries: Math.round(b), ratio: Math.round((a / b) * 100) / 100 },
  };
}
process.stdout.write(`${JSON.stringify({ bench: 'codec', machine: machineInfo(), config: { rounds: ROUNDS, sampleMs: SAMPLE_MS }, results })}\n`);
