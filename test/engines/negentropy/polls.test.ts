import { describe, expect, it } from 'vitest';
import { MAX_QUERY_SENDS, PollBook } from '../../../src/engines/negentropy/polls.js';
import { bitmap, setBit } from '../../../src/engines/negentropy/messages.js';
import type { NegMessage } from '../../../src/engines/negentropy/messages.js';

type Reply = Extract<NegMessage, { t: 'reply' }>;
const SENT = 'ab'.repeat(16);
const OTHER = Uint8Array.from({ length: 16 }, () => 0xcd);

function reply(poll: number, m: number, kind: 'agree' | 'unknown' | 'other'): Reply {
  const agree = bitmap(m);
  const unknown = bitmap(m);
  const other = [];
  for (let i = 0; i < m; i++) {
    if (kind === 'agree') setBit(agree, i);
    else if (kind === 'unknown') setBit(unknown, i);
    else other.push({ index: i, value: OTHER });
  }
  return { t: 'reply', poll, agree, unknown, other, sb: 0 };
}

const peers = Array.from({ length: 20 }, (_, i) => i + 1);
const refs = [{ slot: 'cs:x:0', sent: SENT }];
const KEYS = Uint8Array.from([1, 2, 3]);

describe('poll book', () => {
  it('completes early once alpha answers agree (determined), counting the answers it has', () => {
    const book = new PollBook(4, 1000);
    const id = book.start(0, peers, refs, 15, KEYS);
    for (let i = 0; i < 14; i++) book.reply(peers[i]!, reply(id, 1, 'agree'));
    expect(book.collect(10)).toEqual([]);
    book.reply(peers[14]!, reply(id, 1, 'agree'));
    const [done] = book.collect(10);
    expect(done!.timedOut).toBe(false);
    expect(done!.tallies[0]!.votes.get(SENT)).toBe(15);
    expect(done!.tallies[0]!.missing).toBe(0);
  });

  it('completes early when alpha can no longer be reached', () => {
    const book = new PollBook(4, 1000);
    const id = book.start(0, peers, refs, 15, KEYS);
    for (let i = 0; i < 6; i++) book.reply(peers[i]!, reply(id, 1, 'unknown'));
    expect(book.collect(1).length).toBe(1);
  });

  it('at the timeout, peers that never answered count as missing (failed answers)', () => {
    const book = new PollBook(4, 1000);
    const id = book.start(0, peers, refs, 15, KEYS);
    for (let i = 0; i < 13; i++) book.reply(peers[i]!, reply(id, 1, 'agree'));
    expect(book.collect(999)).toEqual([]);
    const [done] = book.collect(1000);
    expect(done!.timedOut).toBe(true);
    expect(done!.tallies[0]!.missing).toBe(7);
  });

  it('hands completed polls out in start order', () => {
    const book = new PollBook(4, 1000);
    const first = book.start(0, peers, refs, 15, KEYS);
    const second = book.start(5, peers, refs, 15, KEYS);
    for (let i = 0; i < 15; i++) book.reply(peers[i]!, reply(second, 1, 'other'));
    expect(book.collect(10)).toEqual([]);
    for (let i = 0; i < 15; i++) book.reply(peers[i]!, reply(first, 1, 'agree'));
    expect(book.collect(10).map((p) => p.id)).toEqual([first, second]);
  });

  it('refuses replies from unsampled peers, duplicates, bad bitmaps and contradictory answers', () => {
    const book = new PollBook(4, 1000);
    const id = book.start(0, peers, refs, 15, KEYS);
    expect(book.reply(99, reply(id, 1, 'agree'))).toBe(false);
    expect(book.reply(1, reply(id, 1, 'agree'))).toBe(true);
    expect(book.reply(1, reply(id, 1, 'agree'))).toBe(false);
    expect(book.reply(2, reply(id, 9, 'agree'))).toBe(false);
    const both = reply(id, 1, 'agree');
    expect(book.reply(3, { ...both, other: [{ index: 0, value: OTHER }] })).toBe(false);
    expect(book.reply(4, reply(id + 1, 1, 'agree'))).toBe(false);
  });

  it('re-sends to the peers that have not answered once resendMs passed since their last copy, before the timeout', () => {
    const book = new PollBook(4, 1000, 250);
    const id = book.start(0, peers, refs, 15, KEYS);
    for (let i = 0; i < 5; i++) book.reply(peers[i]!, reply(id, 1, 'agree'), 100);
    expect(book.resends(249)).toEqual([]);
    const [first] = book.resends(250);
    expect(first!.id).toBe(id);
    expect(first!.keys).toBe(KEYS);
    expect(first!.peers).toEqual(peers.slice(5));
    // Just re-sent: nothing more until another resendMs has passed, then the same peers again.
    expect(book.resends(499)).toEqual([]);
    expect(book.resends(500).map((r) => r.peers.length)).toEqual([15]);
    // At or after the poll's timeout: never.
    expect(book.resends(1000)).toEqual([]);
  });

  it('a peer gets at most MAX_QUERY_SENDS copies of one query', () => {
    const book = new PollBook(4, 100_000, 10);
    const id = book.start(0, peers, refs, 15, KEYS);
    let copies = 1;
    for (let t = 10; t <= 1000; t += 10) copies += book.resends(t).filter((r) => r.id === id && r.peers.includes(peers[0]!)).length;
    expect(copies).toBe(MAX_QUERY_SENDS);
  });

  it('learns each peer\'s round trip from answers to single copies (Karn) and waits 1.5 of it before asking again', () => {
    const book = new PollBook(4, 5000, 250);
    const first = book.start(0, peers, refs, 15, KEYS);
    book.reply(peers[0]!, reply(first, 1, 'agree'), 600);
    expect(book.roundTrip(peers[0]!)).toBe(600);
    // A second sample moves the average by 1/8 of the difference (RFC 6298).
    const second = book.start(1000, peers, refs, 15, KEYS);
    book.reply(peers[0]!, reply(second, 1, 'agree'), 1200);
    expect(book.roundTrip(peers[0]!)).toBe(600 + (200 - 600) / 8);
    expect(book.retransmitTimeout(peers[0]!)).toBe(1.5 * 550);
    expect(book.retransmitTimeout(peers[1]!)).toBe(250);
    // An answer after a re-send is no sample.
    const third = book.start(2000, peers, refs, 15, KEYS);
    book.resends(2250);
    book.reply(peers[1]!, reply(third, 1, 'agree'), 2900);
    expect(book.roundTrip(peers[1]!)).toBe(undefined);
    // The far peer is not asked again while its answer may be on the way.
    const fourth = book.start(3000, peers, refs, 15, KEYS);
    const at = (t: number): boolean => book.resends(t).some((r) => r.id === fourth && r.peers.includes(peers[0]!));
    expect(at(3000 + 824)).toBe(false);
    expect(at(3000 + 825)).toBe(true);
  });

  it('a re-sent query adds no vote: a peer answers a poll once', () => {
    const book = new PollBook(4, 1000, 400);
    const id = book.start(0, peers, refs, 15, KEYS);
    expect(book.reply(peers[0]!, reply(id, 1, 'agree'))).toBe(true);
    book.resends(400);
    expect(book.reply(peers[0]!, reply(id, 1, 'agree'))).toBe(false);
  });

  it('never re-sends with resendMs 0, nor for a completed poll', () => {
    const off = new PollBook(4, 1000, 0);
    off.start(0, peers, refs, 15, KEYS);
    expect(off.resends(900)).toEqual([]);
    const book = new PollBook(4, 1000, 400);
    const id = book.start(0, peers, refs, 15, KEYS);
    for (let i = 0; i < 15; i++) book.reply(peers[i]!, reply(id, 1, 'agree'));
    expect(book.resends(400)).toEqual([]);
  });

  it('holds maxOutstandingPolls polls (N) and says so at N', () => {
    const book = new PollBook(2, 1000);
    book.start(0, peers, refs, 15, KEYS);
    expect(book.canStart()).toBe(true);
    book.start(0, peers, refs, 15, KEYS);
    expect(book.canStart()).toBe(false);
  });
});
