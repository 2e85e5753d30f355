/**
 * State vectors on the wire: D components as IEEE-754 doubles, big-endian, concatenated (8 D
 * bytes). Bytes rather than CBOR floats because the canonical codec normalises -0 and cannot
 * carry the exact bits a signature must cover; with bytes, what is signed is what is received,
 * and NaN or infinities arrive intact so validation can reject them with their own codes.
 */
import { f64be } from '../../core/index.js';

/** Decodes 8-byte big-endian doubles; the caller has checked length % 8 === 0. */
export function vectorFromBytes(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(bytes.length >> 3);
  for (let k = 0; k < out.length; k++) out[k] = view.getFloat64(8 * k, false);
  return out;
}

export function vectorToBytes(vector: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 * vector.length);
  for (let k = 0; k < vector.length; k++) out.set(f64be(vector[k]!), 8 * k);
  return out;
}
