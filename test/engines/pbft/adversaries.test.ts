/**
 * The PBFT Byzantine behaviours (src/engines/pbft/adversaries.ts): echo voting answers only
 * votes their sender really signed. Before, a forged or corrupted vote was echoed too; two
 * Byzantine replicas whose traffic was also flooded with corrupted copies echoed each other's
 * corruptions without end (swarm seed 178: minutes of wall time, gigabytes of memory).
 */
import { describe, expect, it } from 'vitest';
import { doubleVotingEngine, equivocatingEngine } from '../../../src/engines/pbft/adversaries.js';
import type { PbftMessage } from '../../../src/engines/pbft/index.js';
import { ctxFor, msg, vote } from './helpers.js';

const DIGEST = Uint8Array.from({ length: 32 }, (_, i) => i);

function sendsTo(effects: readonly { kind: string; to?: number; message?: PbftMessage }[], to: number, t: string): number {
  return effects.filter((e) => e.kind === 'send' && e.to === to && e.message?.t === t).length;
}

describe.each([
  ['equivocate', equivocatingEngine],
  ['double-vote', doubleVotingEngine],
] as const)('pbft %s: echo voting', (_name, create) => {
  it('echoes a validly signed COMMIT to its sender once, with its own signature', () => {
    const byz = create(ctxFor(3));
    const commit: PbftMessage = { t: 'commit', view: 0, seq: 1, digest: DIGEST, signature: vote('commit', 1, 0, 1, DIGEST) };
    const first = byz.handle(msg(1, commit));
    expect(sendsTo(first, 1, 'commit')).toBe(1);
    const echoed = first.find((e) => e.kind === 'send' && e.to === 1)!;
    expect(echoed.kind === 'send' && echoed.message.t === 'commit' && echoed.message.signature).toEqual(vote('commit', 3, 0, 1, DIGEST));
    expect(sendsTo(byz.handle(msg(1, commit)), 1, 'commit')).toBe(0);
  });

  it('does not echo a vote with a forged signature, nor one signed by another replica', () => {
    const byz = create(ctxFor(3));
    const forged: PbftMessage = { t: 'commit', view: 0, seq: 1, digest: DIGEST, signature: new Uint8Array(64) };
    expect(sendsTo(byz.handle(msg(1, forged)), 1, 'commit')).toBe(0);
    const relayed: PbftMessage = { t: 'prepare', view: 0, seq: 1, digest: DIGEST, signature: vote('prepare', 2, 0, 1, DIGEST) };
    expect(sendsTo(byz.handle(msg(1, relayed)), 1, 'prepare')).toBe(0);
  });
});
