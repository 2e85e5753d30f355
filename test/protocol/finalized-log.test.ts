import { describe, expect, it } from 'vitest';
import { FinalizedLog } from '../../src/protocol/finalized-log.js';
import { isThermoError } from '../../src/core/errors.js';

describe('FinalizedLog', () => {
  it('numbers entries without gaps and is idempotent for identical decisions', () => {
    const log = new FinalizedLog();
    expect(log.append({ slot: 'h:1', value: 'aa', txIds: ['t1'] })?.seq).toBe(0);
    expect(log.append({ slot: 'h:1', value: 'aa', txIds: ['t1'] })).toBeNull();
    expect(log.append({ slot: 'h:2', value: 'bb', txIds: [] })?.seq).toBe(1);
    expect(log.length).toBe(2);
  });

  it('refuses to decide a slot twice with different values', () => {
    const log = new FinalizedLog();
    log.append({ slot: 'h:1', value: 'aa', txIds: [] });
    expect(() => log.append({ slot: 'h:1', value: 'bb', txIds: [] })).toThrow();
    try {
      log.append({ slot: 'h:1', value: 'bb', txIds: [] });
    } catch (err) {
      expect(isThermoError(err, 'PROTOCOL_SLOT_REDECIDED')).toBe(true);
    }
    expect(log.length).toBe(1);
  });

  it('forgets slots beyond its window (bounded memory)', () => {
    const log = new FinalizedLog(0, 2);
    log.append({ slot: 'a', value: '1', txIds: [] });
    log.append({ slot: 'b', value: '1', txIds: [] });
    log.append({ slot: 'c', value: '1', txIds: [] });
    expect(log.has('a')).toBe(false);
    expect(log.has('c')).toBe(true);
  });
});
