/**
 * The trace hash: a fingerprint of everything a run did, so "same seed, same run" is one
 * string comparison.
 *
 * Definition. Every executed event folds the words
 *     kind, node, time (IEEE-754 bits, low word then high word), a, b
 * into a running 64-bit state (two independent 32-bit lanes, each a MurmurHash3-style word
 * mix: multiply, rotate, multiply, xor, rotate, multiply-add; constants from Appleby's public
 * domain MurmurHash3 description). `a` and `b` are event-specific small integers: the sender
 * and the wire size for a delivery, the timer name's hash, the transaction index, ... Sends
 * fold a 32-bit FNV-1a digest of the message's encoded bytes once per send/broadcast, and
 * finalizations fold their slot and value, so two runs that exchange different bytes or decide
 * different values never share a hash by accident.
 * The result is SHA-256 over (lane1, lane2, number of words folded), as hex.
 *
 * Why not SHA-256 per event: the simulator targets millions of events per second, and a
 * node:crypto call per event costs more than the event. The running mix is a few integer
 * multiplications per word; SHA-256 runs once, at the end. The hash is a fingerprint for
 * reproducibility checks, not a commitment: it is not meant to resist deliberate collisions.
 */
import { sha256, toHex } from '../core/index.js';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const F64 = new DataView(new ArrayBuffer(8));

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** 32-bit FNV-1a over bytes (Fowler, Noll, Vo; offset basis 2166136261, prime 16777619). */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** 32-bit FNV-1a over the UTF-16 code units of a string (slot names, values, timer names). */
export function fnv1aString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class TraceHasher {
  private h1 = 0x9e3779b9;
  private h2 = 0x7f4a7c15;
  private words = 0;

  /** Folds one 32-bit word into both lanes. */
  word(x: number): void {
    let k = Math.imul(x | 0, C1);
    k = rotl(k, 15);
    k = Math.imul(k, C2);
    let h = this.h1 ^ k;
    h = rotl(h, 13);
    this.h1 = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // Second lane: a different rotation and constants so the lanes do not collide together.
    let k2 = Math.imul(x | 0, 0x85ebca6b);
    k2 = rotl(k2, 17);
    k2 = Math.imul(k2, 0xc2b2ae35);
    let g = this.h2 ^ k2;
    g = rotl(g, 11);
    this.h2 = (Math.imul(g, 9) + 0x38b34ae5) | 0;
    this.words++;
  }

  /** Folds a double by its exact bits (little-endian words: low, then high). */
  float(x: number): void {
    F64.setFloat64(0, x, true);
    this.word(F64.getUint32(0, true));
    this.word(F64.getUint32(4, true));
  }

  /** One executed event. */
  event(kind: number, node: number, time: number, a: number, b: number): void {
    this.word(kind);
    this.word(node);
    this.float(time);
    this.word(a);
    this.word(b);
  }

  get folded(): number {
    return this.words;
  }

  /** SHA-256(lane1 || lane2 || words), hex. Does not change the state. */
  digest(): string {
    const out = new DataView(new ArrayBuffer(16));
    out.setUint32(0, this.h1 >>> 0, false);
    out.setUint32(4, this.h2 >>> 0, false);
    out.setFloat64(8, this.words, false);
    return toHex(sha256(new Uint8Array(out.buffer)));
  }
}
