import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/core/index.js';
import { devKeyPair, makeBlock, makeHeader, signTransfer } from '../../../src/ledger/index.js';
import type { Block } from '../../../src/ledger/index.js';
import { Dag, NegentropyError, VertexStatus, checkLinkedVertex, checkVertex, idHex, signHeader } from '../../../src/engines/negentropy/index.js';
import type { CheckedVertex } from '../../../src/engines/negentropy/index.js';
import { CHAIN, env, genesisBlock, transfer, validatorKeys, vertex } from './helpers.js';

const N = 4;

function freshDag(maxVertices = 100): { dag: Dag; g: CheckedVertex } {
  const g0 = genesisBlock();
  const g = { ...checkVertexGenesis(g0) };
  return { dag: new Dag(g, maxVertices), g };
}

function checkVertexGenesis(b: Block): CheckedVertex {
  return Object.freeze({ id: idHex(b.header), block: b, height: 0, parents: [], txIds: [], slots: [], bytes: 100, superBlock: 0, proposer: -1, missingParents: [] });
}

function dagEnv(dag: Dag, over = {}) {
  const e = env(N, new Map(), over);
  return { ...e, parentHeight: (id: string) => dag.heightOf(id) };
}

function snapshot(dag: Dag): string {
  return JSON.stringify({ size: dag.size, tips: [...dag.tips()].sort(), height: dag.height, bytes: dag.storedBytes, accepted: dag.accepted, rejected: dag.rejected });
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof NegentropyError) return err.type.code;
    throw err;
  }
  return 'none';
}

/** A vertex by validator 0 with its header rebuilt from `fields` (re-signed unless sign = false). */
function tampered(base: Block, fields: Partial<Parameters<typeof makeHeader>[0]>, sign = true): Block {
  const { sig: _sig, ...rest } = base.header.consensus;
  const header = makeHeader({ ...base.header, consensus: rest, ...fields });
  return makeBlock(sign ? signHeader(validatorKeys(1)[0]!, header) : makeHeader({ ...header, consensus: base.header.consensus }), base.txs);
}

describe('vertex validation: typed errors, DAG unchanged', () => {
  const g = genesisBlock();
  const good = vertex(0, [g], [transfer(1, 0), transfer(2, 0)]);

  it('accepts a valid vertex and inserts it', () => {
    const { dag } = freshDag();
    const v = checkLinkedVertex(good, dagEnv(dag));
    expect(v.height).toBe(1);
    expect(v.slots.length).toBe(2);
    expect(dag.insert(v, () => 'open')).toBe(true);
    expect(dag.insert(v, () => 'open')).toBe(false);
    expect(dag.tips()).toEqual([v.id]);
  });

  const cases: [string, () => Block, string, Record<string, number>?][] = [
    ['bad signature', () => tampered(good, { timestamp: 1001 }, false), 'NEG_BAD_SIGNATURE'],
    ['unknown parent', () => vertex(0, [vertex(1, [g], [])], [transfer(1, 0)]), 'NEG_UNKNOWN_PARENT'],
    ['height skipping levels', () => tampered(good, { height: 5 }), 'NEG_BAD_HEIGHT'],
    ['too many transfers (N + 1)', () => vertex(0, [g], [transfer(1, 0), transfer(2, 0), transfer(3, 0)]), 'NEG_VERTEX_TOO_LARGE', { maxTxsPerVertex: 2 }],
    ['too many bytes', () => good, 'NEG_VERTEX_TOO_LARGE', { maxVertexBytes: 300 }],
    ['conflicting transfers (same sender and nonce)', () => vertex(0, [g], [transfer(1, 0, 2), transfer(1, 0, 3)]), 'NEG_CONFLICTING_TXS'],
    ['a transfer with a bad signature', () => vertex(0, [g], [{ ...transfer(1, 0), signature: new Uint8Array(64) } as never]), 'NEG_BAD_TX'],
    ['a zero-amount transfer', () => vertex(0, [g], [transfer(1, 0, 2, 0n)]), 'NEG_BAD_TX'],
    ['another chain', () => tampered(good, { chainId: 'other' }), 'NEG_WRONG_CHAIN'],
    ['a proposer that is not a validator', () => makeBlock(signHeader(devKeyPair(99), makeHeader({ ...good.header, proposer: devKeyPair(99).publicKey, consensus: { k: 0, sb: 0 } })), good.txs), 'NEG_UNKNOWN_PROPOSER'],
    ['transfers not matching txRoot', () => makeBlock(good.header, [transfer(1, 0)]), 'NEG_BAD_TX_ROOT'],
    ['no parents', () => tampered(good, { parents: [], height: 0 }), 'NEG_BAD_PARENTS'],
    ['more parents than maxParents (N + 1)', () => tampered(good, { parents: [good.header.parents[0]!, new Uint8Array(32).fill(1)] }), 'NEG_BAD_PARENTS', { maxParents: 1, parentsPerVertex: 1 }],
    ['a super-block header instead of a vertex', () => tampered(good, { consensus: { k: 1, n: 0 } }), 'NEG_NOT_A_VERTEX'],
    ['a state root that is not the claimed super-block root', () => tampered(good, { stateRoot: new Uint8Array(32) }), 'NEG_BAD_STATE_ROOT'],
  ];

  it.each(cases)('%s', (_what, make, code, over) => {
    const { dag } = freshDag();
    const before = snapshot(dag);
    const e = { ...dagEnv(dag, over ?? {}), superBlockRoot: (i: number) => (i === 0 ? toHex(good.header.stateRoot) : undefined) };
    const block = make();
    expect(codeOf(() => dag.insert(checkLinkedVertex(block, e), () => 'open'))).toBe(code);
    expect(snapshot(dag)).toBe(before);
  });

  it('a height that a cycle would need (not above a parent) is refused with NEG_BAD_HEIGHT', () => {
    const { dag } = freshDag();
    const a = checkLinkedVertex(vertex(1, [g], []), dagEnv(dag));
    dag.insert(a, () => 'open');
    const child = tampered(vertex(0, [a.block], [transfer(1, 0)]), { height: 1 });
    const before = snapshot(dag);
    expect(codeOf(() => dag.insert(checkLinkedVertex(child, dagEnv(dag)), () => 'open'))).toBe('NEG_BAD_HEIGHT');
    expect(snapshot(dag)).toBe(before);
  });

  it('an orphan is reported with its missing parents (checkVertex) and refused by the DAG', () => {
    const { dag } = freshDag();
    const parent = vertex(1, [g], []);
    const child = vertex(0, [parent], [transfer(1, 0)]);
    const v = checkVertex(child, dagEnv(dag));
    expect(v.missingParents).toEqual([idHex(parent.header)]);
    const before = snapshot(dag);
    expect(codeOf(() => dag.insert(v, () => 'open'))).toBe('NEG_UNKNOWN_PARENT');
    expect(snapshot(dag)).toBe(before);
  });
});

describe('DAG acceptance, rejection, bounds and pruning', () => {
  const g = genesisBlock();

  it('accepts a vertex when its transfers win and its parents are accepted; rejects descendants of a loser', () => {
    const { dag } = freshDag();
    const a = checkLinkedVertex(vertex(0, [g], [transfer(1, 0, 2)]), dagEnv(dag));
    dag.insert(a, () => 'open');
    const b = checkLinkedVertex(vertex(1, [a.block], [transfer(2, 0)]), dagEnv(dag));
    dag.insert(b, () => 'open');
    expect(dag.status(a.id)).toBe(VertexStatus.Pending);
    dag.onDecided(b.txIds[0]!, []);
    expect(dag.status(b.id)).toBe(VertexStatus.Pending); // parent not accepted yet
    dag.onDecided(a.txIds[0]!, []);
    expect(dag.status(a.id)).toBe(VertexStatus.Accepted);
    expect(dag.status(b.id)).toBe(VertexStatus.Accepted);

    const c = checkLinkedVertex(vertex(2, [b.block], [transfer(3, 0)]), dagEnv(dag));
    dag.insert(c, () => 'open');
    const d = checkLinkedVertex(vertex(3, [c.block], []), dagEnv(dag));
    dag.insert(d, () => 'open');
    dag.onDecided('f'.repeat(64), [c.txIds[0]!]);
    expect(dag.status(c.id)).toBe(VertexStatus.Rejected);
    expect(dag.status(d.id)).toBe(VertexStatus.Rejected);
    // Parent choice avoids rejected tips.
    expect(dag.chooseParents(4)).toEqual([b.id]);
  });

  it('holds maxVertices vertices (N) and refuses the next (N + 1) with NEG_DAG_FULL', () => {
    const { dag } = freshDag(3); // genesis + 2
    const a = checkLinkedVertex(vertex(0, [g], []), dagEnv(dag));
    const b = checkLinkedVertex(vertex(1, [g], []), dagEnv(dag));
    const c = checkLinkedVertex(vertex(2, [g], []), dagEnv(dag));
    dag.insert(a, () => 'open');
    dag.insert(b, () => 'open');
    expect(dag.size).toBe(3);
    const before = snapshot(dag);
    expect(codeOf(() => dag.insert(c, () => 'open'))).toBe('NEG_DAG_FULL');
    expect(snapshot(dag)).toBe(before);
  });

  it('prunes settled, resolved, non-tip vertices; a child of a pruned vertex still validates', () => {
    const { dag } = freshDag();
    const a = checkLinkedVertex(vertex(0, [g], [transfer(1, 0)]), dagEnv(dag));
    dag.insert(a, () => 'win');
    const b = checkLinkedVertex(vertex(1, [a.block], []), dagEnv(dag));
    dag.insert(b, () => 'open');
    expect(dag.status(a.id)).toBe(VertexStatus.Accepted);
    const bytes = dag.storedBytes;
    expect(dag.prune(() => true)).toBe(1); // a (b is a tip, genesis is kept)
    expect(dag.storedBytes).toBe(bytes - a.bytes);
    expect(dag.has(a.id)).toBe(true); // remembered as pruned
    expect(dag.heightOf(a.id)).toBe(1);
    const late = checkLinkedVertex(vertex(2, [a.block], []), dagEnv(dag));
    expect(late.height).toBe(2);
  });
});

describe('transfers signed for the test', () => {
  it('use the test chain', () => {
    expect(signTransfer(devKeyPair(1), { chainId: CHAIN, to: devKeyPair(2).publicKey, amount: 1n, nonce: 0 }).chainId).toBe(CHAIN);
  });
});
