/**
 * A minimal WebAssembly binary writer: just what the SIMD Kuramoto kernel needs (one memory,
 * functions with i32/f64/v128 locals, structured control flow, scalar and f64x2 arithmetic).
 * Encoding per the WebAssembly core specification 2.0 (binary format, chapter 5) and its
 * 128-bit SIMD instructions (0xFD prefix, LEB128 sub-opcode).
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

const f64Scratch = new DataView(new ArrayBuffer(8));

/** A growable byte buffer with the binary format's primitive encoders. */
export class ByteWriter {
  private buf = new Uint8Array(1024);
  private len = 0;

  get length(): number {
    return this.len;
  }

  byte(b: number): this {
    if (this.len === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  bytes(bs: ArrayLike<number>): this {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]!);
    return this;
  }

  /** Unsigned LEB128. */
  u32(v: number): this {
    let x = v >>> 0;
    do {
      let b = x & 0x7f;
      x >>>= 7;
      if (x !== 0) b |= 0x80;
      this.byte(b);
    } while (x !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer. */
  s32(v: number): this {
    let x = v | 0;
    for (;;) {
      const b = x & 0x7f;
      x >>= 7;
      const done = (x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  /** A double, little-endian IEEE-754 bits (how f64.const and v128.const lanes are stored). */
  f64(v: number): this {
    f64Scratch.setFloat64(0, v, true);
    for (let i = 0; i < 8; i++) this.byte(f64Scratch.getUint8(i));
    return this;
  }

  /** A length-prefixed vector of already-encoded bytes (sections, function bodies). */
  sized(inner: ByteWriter): this {
    this.u32(inner.length);
    return this.bytes(inner.toBytes());
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
