/**
 * PBFT's predicates and view-change rules, fed by hand: prepared / committed-local on an
 * instance, checkpoint stability, VIEW-CHANGE validation, and the O set the new primary must
 * compute (highest-view prepared batch per sequence number, null requests, chain consistency).
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/index.js';
import { EMPTY_TX_ROOT, blockHash, headerHash } from '../../../src/ledger/index.js';
import { validatorKeyPair } from '../../../src/sim/index.js';
import { Checkpoints, Instance, PbftError, computeO, genesisHeader, verifyViewChange } from '../../../src/engines/pbft/index.js';
import type { VcContext } from '../../../src/engines/pbft/index.js';
import { CHAIN, GENESIS, GENESIS_CKPT, G_HEADER, checkpointCert, craftBlock, prepared, transfer, viewChange, vote } from './helpers.js';

const N = 4;
const VC_CTX: VcContext = {
  chainId: CHAIN,
  validators: Array.from({ length: N }, (_, i) => validatorKeyPair(i).publicKey),
  quorum: 3,
  checkpointInterval: 4,
  window: 8,
  genesisDigestHex: toHex(headerHash(genesisHeader(CHAIN, GENESIS))),
};

// A chain: genesis <- b1 <- b2 <- b3, and a fork b2' on b1.
const b1 = craftBlock(1, G_HEADER, GENESIS, 0, [transfer(0, 0)]);
const b2 = craftBlock(2, b1.block.header, b1.state, 0, [transfer(1, 0)]);
const b3 = craftBlock(3, b2.block.header, b2.state, 0, [transfer(2, 0)]);
const b2x = craftBlock(2, b1.block.header, b1.state, 1, [transfer(3, 0)]);
const b3x = craftBlock(3, b2x.block.header, b2x.state, 1, []);

describe('pbft instance predicates', () => {
  it('prepared: pre-prepare plus quorum - 1 matching prepares; committed-local: quorum commits', () => {
    const inst = new Instance(0, 1, N);
    const d = blockHash(b1.block);
    const dh = toHex(d);
    inst.prepares.add(1, dh, vote('prepare', 1, 0, 1, d));
    inst.prepares.add(2, dh, vote('prepare', 2, 0, 1, d));
    expect(inst.hasPrepareQuorum(3)).toBe(false); // no pre-prepare yet
    inst.pp = { digest: d, digestHex: dh, signature: vote('pre-prepare', 0, 0, 1, d), header: b1.block.header };
    expect(inst.hasPrepareQuorum(3)).toBe(true);
    inst.commits.add(0, dh, vote('commit', 0, 0, 1, d));
    inst.commits.add(1, dh, vote('commit', 1, 0, 1, d));
    expect(inst.commitQuorum(3)).toBeUndefined();
    expect(inst.commits.add(1, 'ff'.repeat(32), new Uint8Array(64)).kind).toBe('equivocation');
    inst.commits.add(3, dh, vote('commit', 3, 0, 1, d));
    expect(inst.commitQuorum(3)).toBe(dh);
  });

  it('prepares for another digest do not count', () => {
    const inst = new Instance(0, 1, N);
    const d = blockHash(b1.block);
    inst.pp = { digest: d, digestHex: toHex(d), signature: new Uint8Array(64), header: b1.block.header };
    const other = toHex(blockHash(b2x.block));
    inst.prepares.add(1, other, new Uint8Array(64));
    inst.prepares.add(2, other, new Uint8Array(64));
    expect(inst.hasPrepareQuorum(3)).toBe(false);
  });
});

describe('pbft checkpoints', () => {
  it('stable only with a quorum matching our own execution; adoption discards older votes', () => {
    const c = new Checkpoints(GENESIS_CKPT, N, 3, 4, 8);
    const h4 = craftBlock(4, G_HEADER, GENESIS).block.header;
    const d4 = toHex(headerHash(h4));
    expect([c.low, c.high]).toEqual([0, 8]);
    c.add(1, 4, d4, vote('checkpoint', 1, 0, 4, headerHash(h4)));
    c.add(2, 4, d4, vote('checkpoint', 2, 0, 4, headerHash(h4)));
    c.add(3, 4, d4, vote('checkpoint', 3, 0, 4, headerHash(h4)));
    expect(c.quorumDigest(4)).toBe(d4);
    expect(c.tryStabilize(4)).toBeNull(); // we have not executed 4 ourselves
    c.recordOwn(4, h4);
    const cert = c.tryStabilize(4)!;
    expect(cert.votes.map((v) => v.voter)).toEqual([1, 2, 3]);
    expect([c.low, c.high]).toEqual([4, 12]);
    expect(c.heldSeqs).toBe(0);
    expect(c.isCheckpointSeq(8)).toBe(true);
    expect(c.isCheckpointSeq(6)).toBe(false);
  });
});

describe('pbft view-change validation', () => {
  it('accepts a well-formed VIEW-CHANGE and counts its signatures', () => {
    const vc = viewChange(1, 2, GENESIS_CKPT, [prepared(0, 1, b1.block.header, [1, 2]), prepared(0, 2, b2.block.header, [1, 3])]);
    expect(verifyViewChange(vc, VC_CTX)).toBe(1 + 2 * 3);
  });

  it('refuses forged or incomplete certificates', () => {
    const bad = [
      { ...viewChange(1, 2, GENESIS_CKPT, []), replica: 3 }, // signature of another replica
      viewChange(1, 2, GENESIS_CKPT, [prepared(0, 1, b1.block.header, [1])]), // one prepare short
      viewChange(1, 2, GENESIS_CKPT, [prepared(0, 1, b1.block.header, [0, 1])]), // the primary prepares
      viewChange(1, 2, GENESIS_CKPT, [prepared(1, 1, b1.block.header, [2, 3])]), // not below the new view
      viewChange(1, 2, GENESIS_CKPT, [prepared(0, 9, craftBlock(9, G_HEADER, GENESIS).block.header, [1, 2])]), // above h + L
      viewChange(1, 2, checkpointCert(4, craftBlock(4, G_HEADER, GENESIS).block.header, [1, 2]), []), // proof short
      viewChange(1, 2, checkpointCert(3, b3.block.header, [1, 2, 3]), []), // not a checkpoint seq
      viewChange(1, 2, GENESIS_CKPT, [prepared(0, 2, b2.block.header, [1, 2]), prepared(0, 1, b1.block.header, [1, 2])]), // not increasing
    ];
    for (const vc of bad) expect(() => verifyViewChange(vc, VC_CTX)).toThrow(PbftError);
  });
});

describe('pbft O set (NEW-VIEW)', () => {
  const primary1 = validatorKeyPair(1).publicKey;

  it('takes, per sequence number, the prepared batch of the highest view', () => {
    const vcs = [
      viewChange(2, 0, GENESIS_CKPT, [prepared(0, 1, b1.block.header, [1, 2]), prepared(0, 2, b2.block.header, [1, 2])]),
      viewChange(2, 1, GENESIS_CKPT, [prepared(0, 1, b1.block.header, [1, 2]), prepared(1, 2, b2x.block.header, [2, 3]), prepared(1, 3, b3x.block.header, [2, 3])]),
      viewChange(2, 3, GENESIS_CKPT, []),
    ];
    const o = computeO(vcs, 2, validatorKeyPair(2).publicKey);
    expect([o.minS, o.maxS]).toEqual([0, 3]);
    expect(o.entries.map((e) => e.digestHex)).toEqual([b1, b2x, b3x].map((b) => toHex(blockHash(b.block))));
    expect(o.entries.every((e) => e.nullBody === null)).toBe(true);
  });

  it('starts above the highest checkpoint in V and fills gaps with null requests', () => {
    const h4 = craftBlock(4, b3.block.header, b3.state);
    const vcs = [
      viewChange(1, 0, checkpointCert(4, h4.block.header, [0, 1, 2]), []),
      viewChange(1, 2, GENESIS_CKPT, [prepared(0, 1, b1.block.header, [1, 2])]),
      viewChange(1, 3, checkpointCert(4, h4.block.header, [0, 1, 2]), [prepared(0, 6, craftBlock(6, h4.block.header, h4.state).block.header, [1, 2])]),
    ];
    const o = computeO(vcs, 1, primary1);
    expect([o.minS, o.maxS]).toEqual([4, 6]);
    expect(o.entries.map((e) => e.seq)).toEqual([5, 6]);
    // 5 has no certificate: a null request on the checkpoint block; then 6 no longer links.
    const [n5, n6] = o.entries;
    expect(n5!.nullBody).not.toBeNull();
    expect(n5!.header.parents[0]).toEqual(headerHash(h4.block.header));
    expect(n5!.header.stateRoot).toEqual(h4.block.header.stateRoot);
    expect(n5!.header.txRoot).toEqual(EMPTY_TX_ROOT);
    expect(n5!.header.proposer).toEqual(primary1);
    expect(n5!.nullBody!.txs).toEqual([]);
    expect(n6!.nullBody).not.toBeNull();
    expect(n6!.header.parents[0]).toEqual(headerHash(n5!.header));
  });

  it('keeps the chain: a batch that does not extend the previous entry becomes a null request', () => {
    // seq 2 highest view is b2x (on b1), seq 3 highest view is b3 (on b2): b3 no longer links.
    const vcs = [
      viewChange(2, 0, GENESIS_CKPT, [prepared(0, 1, b1.block.header, [1, 2]), prepared(1, 2, b2x.block.header, [2, 3])]),
      viewChange(2, 1, GENESIS_CKPT, [prepared(0, 1, b1.block.header, [1, 2]), prepared(0, 2, b2.block.header, [1, 2]), prepared(0, 3, b3.block.header, [1, 2])]),
      viewChange(2, 3, GENESIS_CKPT, []),
    ];
    const o = computeO(vcs, 2, validatorKeyPair(2).publicKey);
    expect(o.entries[0]!.digestHex).toBe(toHex(blockHash(b1.block)));
    expect(o.entries[1]!.digestHex).toBe(toHex(blockHash(b2x.block)));
    expect(o.entries[2]!.nullBody).not.toBeNull();
    expect(o.entries[2]!.header.parents[0]).toEqual(blockHash(b2x.block));
  });

  it('is the same for every replica that computes it (deterministic)', () => {
    const vcs = [viewChange(1, 0, GENESIS_CKPT, [prepared(0, 1, b1.block.header, [1, 2])]), viewChange(1, 2, GENESIS_CKPT, []), viewChange(1, 3, GENESIS_CKPT, [])];
    const a = computeO(vcs, 1, primary1);
    const b = computeO([...vcs].reverse(), 1, primary1);
    expect(a.entries.map((e) => e.digestHex)).toEqual(b.entries.map((e) => e.digestHex));
  });
});
