/**
 * Length-prefixed frames on a byte stream: u32be length | bytes. The reader checks the length
 * against `maxFrameBytes` BEFORE buffering the body, so a peer announcing 4 GiB costs us four
 * bytes, not an allocation. Chunks are kept as a list and copied once per complete frame.
 */
import { NetError } from './errors.js';

export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length, false);
  out.set(payload, 4);
  return out;
}

export class FrameReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private need = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held while waiting for the rest of a frame (at most 4 + maxFrameBytes). */
  get pending(): number {
    return this.buffered;
  }

  /** Adds a chunk; returns the frames it completed. Throws NET_FRAME_TOO_LARGE. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) break;
        const head = this.take(4);
        const len = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, false);
        if (len > this.maxFrameBytes) throw new NetError({ code: 'NET_FRAME_TOO_LARGE', size: len, max: this.maxFrameBytes });
        this.need = len;
      }
      if (this.buffered < this.need) break;
      frames.push(this.take(this.need));
      this.need = -1;
    }
    return frames;
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      // Fast path: the bytes are in the first chunk.
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    return out;
  }
}
