import { describe, expect, it } from 'vitest';
import { PollBook } from '../../../src/engines/negentropy/polls.js';
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

  it('re-sends the query to the peers that have not answered, every resendMs before the timeout, once per due time', () => {
    const book = new PollBook(4, 1000, 400);
    const id = book.start(0, peers, refs, 15, KEYS);
    for (let i = 0; i < 5; i++) book.reply(peers[i]!, reply(id, 1, 'agree'));
    expect(book.resends(399)).toEqual([]);
    const [first] = book.resends(400);
    expect(first!.id).toBe(id);
    expect(first!.keys).toBe(KEYS);
    expect(first!.peers).toEqual(peers.slice(5));
    // Already re-sent for 400: a second call at the same time sends nothing; a late tick sends one, not two.
    expect(book.resends(400)).toEqual([]);
    expect(book.resends(950).map((r) => r.peers.length)).toEqual([15]);
    // The third due time would be 1200, past the 1000 ms timeout: no more re-sends.
    expect(book.resends(1200)).toEqual([]);
    expect(book.resends(999)).toEqual([]);
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
