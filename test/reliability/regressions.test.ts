/**
 * Replays every input a fuzzer ever failed on (test/reliability/regressions/<target>/): decoder
 * targets through the decoder property, `handler.<engine>` inputs injected at several points of
 * validator 1's replayed run, `api` requests (JSON) through the API property. A new failing input
 * lands here by running a fuzzer with THERMO_FUZZ_RECORD=1 (or by hand: one hex or JSON file).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/core/index.js';
import type { CborValue } from '../../src/core/index.js';
import { ENGINES } from '../../src/engines/index.js';
import { decodeAccountProof, decodeBlock, decodeHeader, decodeTransfer, encodeAccountProof, encodeBlock, encodeHeader, encodeTransfer } from '../../src/ledger/index.js';
import type { Block, BlockHeader, Transfer } from '../../src/ledger/index.js';
import { buildApi } from '../../src/node/api/index.js';
import type { Api } from '../../src/node/api/index.js';
import { decodeEnvelope, encodeEnvelope } from '../../src/node/net/envelope.js';
import { FakeBackend } from '../node/fake-backend.js';
import { apiRequestVerdict } from './support/api-check.js';
import type { ApiRequest } from './support/api-check.js';
import { decoderVerdict, regressionInputs } from './support/fuzz.js';
import type { DecoderTarget } from './support/fuzz.js';
import { runPlan } from './support/handler-run.js';

const TAG = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
const DECODERS: Readonly<Record<string, Omit<DecoderTarget, 'seeds' | 'name'>>> = {
  'core.codec': { decode: (b) => decode(b), encode: (v) => encode(v as CborValue) },
  'ledger.transfer': { decode: (b) => decodeTransfer(b), encode: (v) => encodeTransfer(v as Transfer) },
  'ledger.header': { decode: (b) => decodeHeader(b), encode: (v) => encodeHeader(v as BlockHeader) },
  'ledger.block': { decode: (b) => decodeBlock(b), encode: (v) => encodeBlock(v as Block) },
  'ledger.account-proof': { decode: (b) => decodeAccountProof(b), encode: (v) => encodeAccountProof(v as ReturnType<typeof decodeAccountProof>) },
  'node.envelope': {
    decode: (b) => decodeEnvelope(b, TAG),
    encode: (v) => {
      const e = v as { type: 0 | 1 | 2; items: Uint8Array[] };
      return encodeEnvelope(TAG, e.type, e.items);
    },
  },
  ...Object.fromEntries([...ENGINES].map(([name, def]) => [`engine.${name}`, { decode: (b: Uint8Array) => def.codec.decode(b), encode: (v: unknown) => def.codec.encode(v) }])),
};

const inputs = regressionInputs();
let api: Api | null = null;
afterAll(async () => api?.close());

describe('fuzz regressions', () => {
  it('the corpus is there and every target is known', () => {
    expect(inputs.size).toBeGreaterThan(0);
    for (const target of inputs.keys()) expect(target in DECODERS || target === 'api' || (target.startsWith('handler.') && ENGINES.has(target.slice(8))), target).toBe(true);
  });
  for (const [target, files] of inputs) {
    for (const [file, bytes] of files) {
      it(`${target}/${file}`, async () => {
        if (target in DECODERS) {
          expect(decoderVerdict({ name: target, seeds: [], ...DECODERS[target]! }, bytes)).toBeNull();
        } else if (target === 'api') {
          api ??= buildApi(new FakeBackend(), { bodyLimit: 4096, rateLimit: { perSecond: 1e9, burst: 1e9 }, maxSseClients: 2, statusEventMs: 0, dashboardDir: '/nonexistent', reportsDir: '/nonexistent-reports' });
          expect(await apiRequestVerdict(api, JSON.parse(new TextDecoder().decode(bytes)) as ApiRequest)).toBeNull();
        } else {
          const engine = target.slice('handler.'.length);
          for (const at of [1, 50, 200, 10_000]) for (const from of [0, 2, 3]) expect(runPlan(engine, { injections: [], drops: [], raw: [{ at, from, bytes }] })).toBeNull();
        }
      }, 60_000);
    }
  }
});
