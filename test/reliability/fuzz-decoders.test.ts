/**
 * Decoder fuzzing (issue 8 item 5; docs/reliability-cluster.md, "Fuzz targets"). For every
 * decoder that takes bytes from outside the process (core codec, ledger transfer / header /
 * block / account proof, the node's envelope and frame reader, every registered engine's
 * message codec): random bytes and mutations of valid encodings (bit flips, byte sets, inserts,
 * deletes, truncations) either decode to a value that re-encodes (from a structural copy) to the
 * SAME bytes, or throw a typed ThermoError (not an assertion). Anything else: a plain Error, a
 * TypeError from a missing check, an assertion, or a second encoding of one value (malleability).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { ENGINES } from '../../src/engines/index.js';
import { blockMessage, encodeMessage } from '../../src/engines/coherence/messages.js';
import {
  decodeAccountProof,
  decodeBlock,
  decodeHeader,
  decodeTransfer,
  devKeyPair,
  encodeAccountProof,
  encodeBlock,
  encodeHeader,
  encodeTransfer,
  headerHash,
  proposeBlock,
  proveAccount,
  signTransfer,
} from '../../src/ledger/index.js';
import type { Block } from '../../src/ledger/index.js';
import { ENVELOPE_TYPE, decodeEnvelope, encodeEnvelope } from '../../src/node/net/envelope.js';
import { FrameReader, frame } from '../../src/node/net/framing.js';
import { NetError } from '../../src/node/net/errors.js';
import { SIM_CHAIN_ID, simGenesis } from '../../src/sim/index.js';
import type { Block as LedgerBlock } from '../../src/ledger/index.js';
import { FUZZED_ENGINES, captureMessages } from './support/corpus.js';
import { checkDecoder, mutate, mutationArb, recordFailure } from './support/fuzz.js';
import type { DecoderTarget } from './support/fuzz.js';

const RUNS = Number(process.env['THERMO_FUZZ_RUNS'] ?? 300);
const GENESIS = simGenesis(8);
const txs = Array.from({ length: 5 }, (_, i) => signTransfer(devKeyPair(i), { chainId: SIM_CHAIN_ID, to: devKeyPair(i + 1).publicKey, amount: BigInt(i + 1), nonce: 0 }));
const proposal = proposeBlock(
  GENESIS,
  { height: 1, parents: [new Uint8Array(32)], timestamp: 1234, proposer: devKeyPair(9).publicKey, txs, consensus: {} },
  { chainId: SIM_CHAIN_ID, blockReward: 5n, maxTxsPerBlock: 100 },
);
const block: Block = proposal.block;
const TAG = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

/** Coherence's simulation finalizes no block in a short run (PoW): its block, get-block and phase messages are built here. */
function coherenceSeeds(): Uint8Array[] {
  const hash = headerHash(block.header);
  return [
    encodeMessage(blockMessage(block as LedgerBlock)),
    encodeMessage({ t: 'get-block', hash }),
    encodeMessage({ t: 'phases', hash, phases: Float64Array.from([0.5, -1.25, 3.0]) }),
  ];
}

const targets: DecoderTarget[] = [
  {
    name: 'core.codec',
    decode: (b) => decode(b),
    encode: (v) => encode(v as CborValue),
    seeds: [encode([1, 'two', new Uint8Array([3]), { a: 4, b: [-5, 2n ** 60n] }, null, true]), encode({ x: 1.5, y: 'z' }), encodeTransfer(txs[0]!)],
  },
  { name: 'ledger.transfer', decode: (b) => decodeTransfer(b), encode: (v) => encodeTransfer(v as (typeof txs)[number]), seeds: txs.map((t) => encodeTransfer(t)) },
  { name: 'ledger.header', decode: (b) => decodeHeader(b), encode: (v) => encodeHeader(v as Block['header']), seeds: [encodeHeader(block.header)] },
  { name: 'ledger.block', decode: (b) => decodeBlock(b), encode: (v) => encodeBlock(v as Block), seeds: [encodeBlock(block)] },
  {
    name: 'ledger.account-proof',
    decode: (b) => decodeAccountProof(b),
    encode: (v) => encodeAccountProof(v as ReturnType<typeof proveAccount>),
    seeds: [encodeAccountProof(proveAccount(proposal.state, devKeyPair(1).publicKey)), encodeAccountProof(proveAccount(proposal.state, new Uint8Array(32).fill(7)))],
  },
  {
    name: 'node.envelope',
    decode: (b) => decodeEnvelope(b, TAG),
    encode: (v) => {
      const e = v as { type: 0 | 1 | 2; items: Uint8Array[] };
      return encodeEnvelope(TAG, e.type, e.items);
    },
    seeds: [encodeEnvelope(TAG, ENVELOPE_TYPE.engine, [encodeTransfer(txs[0]!), new Uint8Array([1, 2])]), encodeEnvelope(TAG, ENVELOPE_TYPE.transactions, []), encodeEnvelope(TAG, ENVELOPE_TYPE.hello, [encode([1, 'x'])])],
  },
  ...FUZZED_ENGINES.map((name): DecoderTarget => {
    const def = ENGINES.get(name)!;
    const captured = captureMessages(name, 40).map((c) => c.bytes);
    return { name: `engine.${name}`, decode: (b) => def.codec.decode(b), encode: (v) => def.codec.encode(v), seeds: name === 'coherence' ? [...captured, ...coherenceSeeds()] : captured };
  }),
];

describe('decoders: random and mutated bytes decode canonically or throw a typed error', () => {
  for (const t of targets) {
    it(`${t.name}: valid seeds round-trip`, () => {
      expect(t.seeds.length).toBeGreaterThan(0);
      for (const s of t.seeds) checkDecoder(t, s);
    });
    it(`${t.name}: random bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), (b) => checkDecoder(t, b)),
        { numRuns: RUNS, seed: 84 },
      );
    });
    it(`${t.name}: mutated valid encodings`, () => {
      fc.assert(
        fc.property(fc.nat(t.seeds.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (i, ms) => checkDecoder(t, mutate(t.seeds[i]!, ms))),
        { numRuns: RUNS * 2, seed: 85 },
      );
    });
  }
});

describe('node frame reader: any chunking of any bytes yields frames or NET_FRAME_TOO_LARGE', () => {
  it('frames split at random points come back whole; garbage throws only NetError', () => {
    const MAX = 4096;
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        fc.array(fc.nat(2000), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 64 }),
        (payloads, cuts, garbage) => {
          const wire = Buffer.concat([...payloads.map((p) => frame(p)), garbage]);
          const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
          const reader = new FrameReader(MAX);
          const got: Uint8Array[] = [];
          let prev = 0;
          try {
            for (const p of [...points, wire.length]) {
              got.push(...reader.push(wire.subarray(prev, p)));
              prev = p;
            }
          } catch (err) {
            if (!(err instanceof NetError && err.code === 'NET_FRAME_TOO_LARGE')) {
              recordFailure('node.framing', wire);
              throw err;
            }
            // Only the garbage tail can claim a frame over the cap (the frames of the chunk that
            // carried it are dropped with the stream, which is aborted and its peer penalised).
            expect(garbage.length).toBeGreaterThanOrEqual(4);
            return;
          }
          expect(got.slice(0, payloads.length).map((g) => Buffer.from(g).toString('hex'))).toEqual(payloads.map((p) => Buffer.from(p).toString('hex')));
        },
      ),
      { numRuns: RUNS, seed: 86 },
    );
  });
});

