import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/core/index.js';
import { devAddress, encodeAccountProof, encodeHeader, makeHeader, proveAccount } from '../../../src/ledger/index.js';
import type { BlockHeader, Transfer } from '../../../src/ledger/index.js';
import {
  NegentropyEngine,
  NegentropyError,
  acceptHeaderBySample,
  buildSuperBlock,
  checkHeaderChain,
  checkSuperBlockHeader,
  encodeSnapshot,
  executeSuperBlock,
  genesisSuperBlock,
  signHeader,
  stateFromSnapshot,
  superBlockOf,
  verifyBalance,
  verifyBundle,
} from '../../../src/engines/negentropy/index.js';
import type { SuperBlock } from '../../../src/engines/negentropy/index.js';
import { KEEP_CUTS } from '../../../src/engines/negentropy/superblock.js';
import { encodeHeaderRecord, encodeSbRecord } from '../../../src/engines/negentropy/records.js';
import { ACCOUNTS, CHAIN, context, genesis, transfer, validatorKeys } from './helpers.js';

const keys = validatorKeys(4);
const rules = { chainId: CHAIN, blockReward: 0n };
const proposerKey = (a: string): Uint8Array | undefined => keys.find((k) => toHex(k.publicKey) === a)?.publicKey;

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof NegentropyError) return err.type.code;
    throw err;
  }
  return 'none';
}

/** Three super-blocks built by rotating proposers over decided transfers. */
function chain(): { sbs: SuperBlock[]; states: ReturnType<typeof genesis>[]; cuts: Transfer[][] } {
  let prev = superBlockOf(genesisSuperBlock(CHAIN, genesis()), []);
  let state = genesis();
  const sbs: SuperBlock[] = [prev];
  const states = [state];
  const cuts: Transfer[][] = [[]];
  const batches = [
    [transfer(2, 0), transfer(1, 0), transfer(1, 1)],
    [transfer(3, 0), transfer(2, 1)],
    [transfer(4, 0)],
  ];
  batches.forEach((batch, i) => {
    const built = buildSuperBlock(keys[i % 4]!, rules, prev, state, batch, 256, 1000 * (i + 1))!;
    prev = built.superBlock;
    state = built.state;
    sbs.push(prev);
    states.push(state);
    cuts.push([...built.txs]);
  });
  return { sbs, states, cuts };
}

describe('super-blocks', () => {
  it('execute decided transfers in canonical order; another node replays the cut to the same root', () => {
    const { sbs, states, cuts } = chain();
    expect(sbs.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    expect(sbs.map((s) => s.count)).toEqual([0, 3, 5, 6]);
    const replayed = executeSuperBlock(sbs[1]!, cuts[1]!, genesis(), rules);
    expect(toHex(replayed.root)).toBe(toHex(states[1]!.root));
    expect(toHex(sbs[1]!.header.stateRoot)).toBe(toHex(states[1]!.root));
  });

  it('a proposer leaves out what does not execute yet (a nonce gap), and proposes nothing from nothing', () => {
    const prev = superBlockOf(genesisSuperBlock(CHAIN, genesis()), []);
    const built = buildSuperBlock(keys[0]!, rules, prev, genesis(), [transfer(1, 1), transfer(2, 0)], 256, 0)!;
    expect(built.superBlock.ids.length).toBe(1);
    expect(buildSuperBlock(keys[0]!, rules, prev, genesis(), [transfer(1, 1)], 256, 0)).toBeNull();
  });

  it('refuses a cut out of canonical order or with a wrong root', () => {
    const { sbs, cuts } = chain();
    expect(codeOf(() => executeSuperBlock(sbs[1]!, [...cuts[1]!].reverse(), genesis(), rules))).toBe('NEG_BAD_SUPERBLOCK');
    expect(codeOf(() => executeSuperBlock(sbs[2]!, cuts[2]!, genesis(), rules))).toBe('NEG_BAD_SUPERBLOCK');
  });

  it('a header chain is checked link by link; a forged or re-ordered header is refused', () => {
    const { sbs } = chain();
    const headers = sbs.slice(1).map((s) => s.header);
    const cutIds = sbs.slice(1).map((s) => s.ids.map(fromHex));
    expect(checkHeaderChain(sbs[0]!, headers, cutIds, CHAIN, proposerKey).map((s) => s.hash)).toEqual(sbs.slice(1).map((s) => s.hash));
    expect(codeOf(() => checkHeaderChain(sbs[0]!, [headers[1]!], [cutIds[1]!], CHAIN, proposerKey))).toBe('NEG_BAD_HEADER_CHAIN');
    const forged = makeHeader({ ...headers[0]!, stateRoot: new Uint8Array(32) });
    expect(codeOf(() => checkHeaderChain(sbs[0]!, [forged], [cutIds[0]!], CHAIN, proposerKey))).toBe('NEG_BAD_HEADER_CHAIN');
    expect(codeOf(() => checkHeaderChain(sbs[0]!, [headers[0]!], [cutIds[1]!], CHAIN, proposerKey))).toBe('NEG_BAD_HEADER_CHAIN');
  });

  it('a sync chain may omit cuts (nodes keep KEEP_CUTS of them): the links still check, the count must still grow; a candidate must carry its cut', () => {
    const { sbs } = chain();
    const headers = sbs.slice(1).map((s) => s.header);
    expect(checkHeaderChain(sbs[0]!, headers, [[], [], []], CHAIN, proposerKey).map((s) => [s.hash, s.ids.length])).toEqual(sbs.slice(1).map((s) => [s.hash, 0]));
    // Re-signed by its own proposer with an executed count that does not grow: refused.
    const { sig: _sig, ...rest } = headers[0]!.consensus;
    const stuck = signHeader(keys[0]!, makeHeader({ ...headers[0]!, consensus: { ...rest, n: 0 } }));
    expect(codeOf(() => checkHeaderChain(sbs[0]!, [stuck], [[]], CHAIN, proposerKey))).toBe('NEG_BAD_HEADER_CHAIN');
    expect(codeOf(() => checkSuperBlockHeader(headers[0]!, [], sbs[0]!, CHAIN, proposerKey))).toBe('NEG_BAD_SUPERBLOCK');
    expect(checkSuperBlockHeader(headers[0]!, sbs[1]!.ids.map(fromHex), sbs[0]!, CHAIN, proposerKey).hash).toBe(sbs[1]!.hash);
  });

  it('a restarted node keeps the cuts of the newest KEEP_CUTS super-blocks only (N kept, N + 1 bare), in whatever order its records come; its chain still checks', () => {
    const count = KEEP_CUTS + 6;
    let prev = superBlockOf(genesisSuperBlock(CHAIN, genesis()), []);
    let state = genesis();
    const sbs: SuperBlock[] = [prev];
    for (let i = 0; i < count; i++) {
      const built = buildSuperBlock(keys[i % 4]!, rules, prev, state, [transfer(i % ACCOUNTS, Math.floor(i / ACCOUNTS))], 256, 1000 * (i + 1))!;
      prev = built.superBlock;
      state = built.state;
      sbs.push(prev);
    }
    const tip = sbs[count]!;
    const entries: [string, Uint8Array][] = sbs.slice(1).map((sb) => [`h/${sb.index}`, encodeHeaderRecord(sb.header, sb.ids)]);
    const sbRecord: [string, Uint8Array] = ['sb', encodeSbRecord({ logLength: 0, header: tip.header, ids: tip.ids, snapshot: encodeSnapshot(state) })];
    for (const order of [[sbRecord, ...entries], [sbRecord, ...[...entries].reverse()], [...entries, sbRecord]]) {
      const e = new NegentropyEngine(context(4, 0, {}, new Map(order)));
      const kept = e.superBlocks(0);
      expect(kept.map((sb) => sb.index)).toEqual(sbs.map((sb) => sb.index));
      // Newest KEEP_CUTS (indexes tip - KEEP_CUTS + 1 .. tip) keep their cut; the one before is bare.
      expect(kept.filter((sb) => sb.ids.length > 0).map((sb) => sb.index)).toEqual(sbs.slice(count - KEEP_CUTS + 1).map((sb) => sb.index));
      expect(kept[count - KEEP_CUTS]!.ids).toEqual([]);
      expect(toHex(e.finalizedState().root)).toBe(toHex(state.root));
      const checked = checkHeaderChain(sbs[0]!, kept.slice(1).map((sb) => sb.header), kept.slice(1).map((sb) => sb.ids.map(fromHex)), CHAIN, proposerKey);
      expect(checked.at(-1)!.hash).toBe(tip.hash);
    }
  });

  it('a snapshot rebuilds exactly the header root; a tampered one is refused', () => {
    const { sbs, states } = chain();
    const snap = encodeSnapshot(states[3]!);
    expect(toHex(stateFromSnapshot(snap, toHex(sbs[3]!.header.stateRoot)).root)).toBe(toHex(states[3]!.root));
    const bad = Uint8Array.from(snap);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    expect(codeOf(() => stateFromSnapshot(bad, toHex(sbs[3]!.header.stateRoot)))).toBe('NEG_BAD_SNAPSHOT');
    expect(codeOf(() => stateFromSnapshot(snap, toHex(sbs[2]!.header.stateRoot)))).toBe('NEG_BAD_SNAPSHOT');
  });
});

describe('light client: balance from a Merkle proof against headers alone', () => {
  const { sbs, states } = chain();
  const headers: BlockHeader[] = sbs.slice(1).map((s) => s.header);
  const trusted = { index: 0, hash: sbs[0]!.hash };
  const who = devAddress(1);

  it('verifies an account against the newest header', () => {
    const proof = proveAccount(states[3]!, who);
    const r = verifyBalance(trusted, headers, who, proof, proposerKey);
    expect(r.index).toBe(3);
    expect(r.account).toEqual(states[3]!.account(who));
    expect(r.account!.nonce).toBe(2);
  });

  it('refuses a proof from another state, a broken chain, and an unknown proposer', () => {
    const stale = proveAccount(states[1]!, who);
    expect(codeOf(() => verifyBalance(trusted, headers, who, stale, proposerKey))).toBe('NEG_PROOF_REJECTED');
    expect(codeOf(() => verifyBalance(trusted, [headers[0]!, headers[2]!], who, proveAccount(states[3]!, who), proposerKey))).toBe('NEG_PROOF_REJECTED');
    expect(codeOf(() => verifyBalance(trusted, headers, who, proveAccount(states[3]!, who), () => undefined))).toBe('NEG_PROOF_REJECTED');
  });

  it('a JSON bundle (what `thermo proof` prints) verifies; a tampered one does not', () => {
    const bundle = {
      chainId: CHAIN,
      address: toHex(who),
      trusted: { ...trusted, root: toHex(genesis().root) },
      headers: headers.map((h) => toHex(encodeHeader(h))),
      proof: toHex(encodeAccountProof(proveAccount(states[3]!, who))),
    };
    expect(verifyBundle(bundle, proposerKey).account!.balance).toBe(states[3]!.balanceOf(who));
    expect(codeOf(() => verifyBundle({ ...bundle, address: toHex(devAddress(2)) }, proposerKey))).toBe('NEG_PROOF_REJECTED');
    expect(codeOf(() => verifyBundle({ ...bundle, headers: bundle.headers.slice(1) }, proposerKey))).toBe('NEG_PROOF_REJECTED');
    expect(codeOf(() => verifyBundle({ ...bundle, proof: '00' }, proposerKey))).toBe('NEG_PROOF_REJECTED');
  });

  it('accepts a header hash by sampling: alpha of k agree', () => {
    expect(acceptHeaderBySample([...Array(15).fill('h'), ...Array(5).fill(null)], 15)).toBe('h');
    expect(acceptHeaderBySample([...Array(14).fill('h'), ...Array(6).fill('g')], 15)).toBeNull();
  });
});
