/**
 * The transport's bounds without sockets: envelope item count at N and N+1, truncated and
 * trailing bytes, wrong chain; frame length cap at N and N+1 (checked before buffering);
 * token buckets at N and N+1; peer scores reaching the ban threshold and decaying.
 */
import { describe, expect, it } from 'vitest';
import { ENVELOPE_TYPE, FrameReader, MAX_ITEMS, NetError, PeerScores, decodeEnvelope, encodeEnvelope, frame } from '../../src/node/net/index.js';
import { KeyedBuckets, TokenBucket } from '../../src/node/util/index.js';

const TAG = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof NetError) return err.code;
    throw err;
  }
  return 'none';
}

describe('envelope', () => {
  it('round-trips batches', () => {
    const items = [new Uint8Array([1]), new Uint8Array(0), new Uint8Array(300).fill(9)];
    const env = decodeEnvelope(encodeEnvelope(TAG, ENVELOPE_TYPE.engine, items), TAG);
    expect(env.type).toBe(ENVELOPE_TYPE.engine);
    expect(env.items.map((i) => Array.from(i))).toEqual(items.map((i) => Array.from(i)));
  });

  it('accepts MAX_ITEMS items and refuses MAX_ITEMS + 1', () => {
    const at = Array.from({ length: MAX_ITEMS }, () => new Uint8Array(0));
    expect(decodeEnvelope(encodeEnvelope(TAG, ENVELOPE_TYPE.engine, at), TAG).items).toHaveLength(MAX_ITEMS);
    expect(code(() => encodeEnvelope(TAG, ENVELOPE_TYPE.engine, [...at, new Uint8Array(0)]))).toBe('NET_BAD_ENVELOPE');
    const forged = encodeEnvelope(TAG, ENVELOPE_TYPE.engine, []);
    new DataView(forged.buffer).setUint32(10, MAX_ITEMS + 1, false);
    expect(code(() => decodeEnvelope(forged, TAG))).toBe('NET_BAD_ENVELOPE');
  });

  it('refuses another chain, unknown versions and types, truncation, overruns and trailing bytes', () => {
    const good = encodeEnvelope(TAG, ENVELOPE_TYPE.engine, [new Uint8Array([1, 2, 3])]);
    expect(code(() => decodeEnvelope(good, new Uint8Array(8)))).toBe('NET_WRONG_CHAIN');
    const v = Uint8Array.from(good);
    v[0] = 9;
    expect(code(() => decodeEnvelope(v, TAG))).toBe('NET_BAD_ENVELOPE');
    const t = Uint8Array.from(good);
    t[9] = 77;
    expect(code(() => decodeEnvelope(t, TAG))).toBe('NET_BAD_ENVELOPE');
    expect(code(() => decodeEnvelope(good.subarray(0, good.length - 1), TAG))).toBe('NET_BAD_ENVELOPE');
    expect(code(() => decodeEnvelope(new Uint8Array([...good, 0]), TAG))).toBe('NET_BAD_ENVELOPE');
    expect(code(() => decodeEnvelope(new Uint8Array(5), TAG))).toBe('NET_BAD_ENVELOPE');
    const over = Uint8Array.from(good);
    new DataView(over.buffer).setUint32(14, 1000, false);
    expect(code(() => decodeEnvelope(over, TAG))).toBe('NET_BAD_ENVELOPE');
  });

  it('never throws anything but NetError on random bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(Math.random() * 64);
      const b = new Uint8Array(len).map(() => Math.floor(Math.random() * 256));
      if (len > 9) b.set(TAG, 1);
      try {
        decodeEnvelope(b, TAG);
      } catch (err) {
        expect(err).toBeInstanceOf(NetError);
      }
    }
  });
});

describe('framing', () => {
  it('reassembles frames split across chunks and joined in one chunk', () => {
    const r = new FrameReader(100);
    const a = frame(new Uint8Array([1, 2, 3]));
    const b = frame(new Uint8Array([4]));
    const joined = new Uint8Array([...a, ...b]);
    expect(r.push(joined.subarray(0, 2))).toEqual([]);
    expect(r.push(joined.subarray(2, 6)).map((f) => Array.from(f))).toEqual([]);
    expect(r.push(joined.subarray(6)).map((f) => Array.from(f))).toEqual([[1, 2, 3], [4]]);
    expect(r.pending).toBe(0);
  });

  it('accepts a frame of exactly the cap and refuses cap + 1 from its length prefix alone', () => {
    const cap = 64;
    expect(new FrameReader(cap).push(frame(new Uint8Array(cap)))[0]).toHaveLength(cap);
    const prefixOnly = frame(new Uint8Array(cap + 1)).subarray(0, 4);
    expect(code(() => new FrameReader(cap).push(prefixOnly))).toBe('NET_FRAME_TOO_LARGE');
    const huge = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    expect(code(() => new FrameReader(cap).push(huge))).toBe('NET_FRAME_TOO_LARGE');
  });
});

describe('rate limits', () => {
  it('a bucket of burst N allows N events at once and refuses event N+1, then refills', () => {
    const b = new TokenBucket({ perSecond: 10, burst: 3 }, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true]);
    expect(b.take(0)).toBe(false);
    expect(b.take(100)).toBe(true); // 10/s: one token after 100 ms
    expect(b.take(100)).toBe(false);
  });

  it('keyed buckets are independent and bounded in number (N keys kept, N+1 evicts the oldest)', () => {
    const k = new KeyedBuckets({ perSecond: 0.001, burst: 1 }, 2);
    expect(k.take('a', 0)).toBe(true);
    expect(k.take('a', 0)).toBe(false);
    expect(k.take('b', 0)).toBe(true);
    expect(k.size).toBe(2);
    expect(k.take('c', 0)).toBe(true);
    expect(k.size).toBe(2);
    expect(k.take('a', 0)).toBe(true); // 'a' was forgotten: a fresh bucket
  });
});

describe('peer scores', () => {
  it('bans at the threshold (N-1 below, N at it), decays by half-life, expires the ban', () => {
    const s = new PeerScores({ banThreshold: 10, banMs: 1000, halfLifeMs: 1000, maxPeers: 8 });
    expect(s.penalize('p', 9, 0)).toBe(false);
    expect(s.isBanned('p', 0)).toBe(false);
    expect(s.penalize('p', 1, 0)).toBe(true);
    expect(s.isBanned('p', 500)).toBe(true);
    expect(s.isBanned('p', 1000)).toBe(false);
    s.penalize('q', 8, 0);
    expect(s.score('q', 999)).toBe(8); // within one decay step: no decay
    expect(s.score('q', 1000)).toBeCloseTo(4);
    expect(s.penalize('q', 4, 1500)).toBe(false);
    expect(s.score('q', 1500)).toBeCloseTo(8);
  });

  it('tracks at most maxPeers scores', () => {
    const s = new PeerScores({ banThreshold: 100, banMs: 1000, halfLifeMs: 1000, maxPeers: 3 });
    for (let i = 0; i < 10; i++) s.penalize(`p${i}`, i + 1, 0);
    expect(s.tracked).toBe(3);
  });
});
