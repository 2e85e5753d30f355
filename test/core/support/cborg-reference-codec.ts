/**
 * The codec as it was before src/core/cbor.ts: cborg's strict decoder behind a depth-limiting
 * tokenizer, then a re-encode that must reproduce the input (the canonical check). Kept as the
 * oracle of test/core/codec-differential.test.ts: the fast path must agree with it on bytes,
 * values and error codes.
 */
import { Tokenizer, decode as cborDecode, encode as cborEncode } from 'cborg';
import type { DecodeOptions, DecodeTokenizer } from 'cborg/interface';
import type { Token } from 'cborg';
import { equalBytes } from '../../../src/core/index.js';
import type { CborValue } from '../../../src/core/index.js';

const OPTIONS: DecodeOptions = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowBigInt: true,
  rejectDuplicateMapKeys: true,
  useMaps: false,
  tags: [],
};

export class ReferenceTooDeep extends Error {}

class DepthLimitedTokenizer implements DecodeTokenizer {
  private readonly inner: DecodeTokenizer;
  private readonly remaining: number[] = [];

  constructor(
    data: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.inner = new Tokenizer(data, OPTIONS);
  }

  done(): boolean {
    return this.inner.done();
  }

  pos(): number {
    return this.inner.pos();
  }

  next(): Token {
    const token = this.inner.next();
    const top = this.remaining.length - 1;
    if (top >= 0) this.remaining[top]!--;
    const name = token.type.name;
    const slots = name === 'array' ? Number(token.value) : name === 'map' ? 2 * Number(token.value) : 0;
    if (slots > 0) {
      this.remaining.push(slots);
      if (this.remaining.length > this.maxDepth) throw new ReferenceTooDeep();
    } else {
      while (this.remaining.length > 0 && this.remaining[this.remaining.length - 1] === 0) this.remaining.pop();
    }
    return token;
  }
}

export type ReferenceOutcome = { ok: true; value: CborValue } | { ok: false; code: 'CODEC_MALFORMED' | 'CODEC_TOO_DEEP' | 'CODEC_NON_CANONICAL' };

/** The old decode, minus the size and emptiness checks (codec.ts still makes those first). */
export function referenceDecode(bytes: Uint8Array, maxDepth: number): ReferenceOutcome {
  const own = new Uint8Array(bytes);
  let value: CborValue;
  try {
    value = cborDecode(own, { ...OPTIONS, tokenizer: new DepthLimitedTokenizer(own, maxDepth) }) as CborValue;
  } catch (err) {
    return { ok: false, code: err instanceof ReferenceTooDeep ? 'CODEC_TOO_DEEP' : 'CODEC_MALFORMED' };
  }
  let again: Uint8Array;
  try {
    again = cborEncode(value);
  } catch {
    return { ok: false, code: 'CODEC_NON_CANONICAL' };
  }
  return equalBytes(again, bytes) ? { ok: true, value } : { ok: false, code: 'CODEC_NON_CANONICAL' };
}

export function referenceEncode(value: unknown): Uint8Array {
  return cborEncode(value);
}
