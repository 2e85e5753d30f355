/**
 * A batch: what one epoch decides.
 *
 *   batch  [epoch, blockBytes, [proposal, ...], aggregateBytes]
 *   value  taggedHash('thermo/tt/value', chainId || u64be(epoch) || blockHash || proposalsDigest || aggregateBytes)
 *
 * `proposals` are the accepted proposals in canonical order (validators by index, then minted
 * identities by key), without their transaction bodies (those travel in the block, once);
 * `aggregate` is the leader's aggregate as big-endian doubles. A replica signs the value only
 * after it has recomputed the aggregate from the same proposals and found the same bits, every
 * proposal valid and the block valid on its finalized state (`checkBatch`). The value does not
 * depend on the round, so a batch re-proposed after a view change keeps its value.
 */
import { decode, encode, equalBytes, readArray, readBytes, readUint, taggedHash, u64be, utf8 } from '../../core/index.js';
import type { CborValue } from '../../core/index.js';
import { LedgerError, applyBlock, blockHash, decodeBlock, encodeBlock } from '../../ledger/index.js';
import type { Block, ChainRules, LedgerState } from '../../ledger/index.js';
import { computeAggregate } from './aggregate.js';
import type { AggregateConfig, AggregateResult } from './aggregate.js';
import { TtError } from './errors.js';
import type { TtErrorCode } from './errors.js';
import { MAX_DIMENSION, MAX_MINTED_CAP, MAX_VALIDATORS } from './params.js';
import { compareIdentity, proposalFromCbor, proposalHash, proposalToCbor, validateProposal } from './proposal.js';
import type { Proposal, ProposalRules } from './proposal.js';
import { vectorToBytes } from './vector.js';

export interface Batch {
  readonly epoch: number;
  readonly block: Block;
  readonly proposals: readonly Proposal[];
  readonly aggregate: Uint8Array;
}

export const MAX_BATCH_PROPOSALS = MAX_VALIDATORS + MAX_MINTED_CAP;

export function makeBatch(epoch: number, block: Block, proposals: readonly Proposal[], aggregate: readonly number[]): Batch {
  return Object.freeze({ epoch, block, proposals: Object.freeze([...proposals].sort(compareIdentity)), aggregate: vectorToBytes(aggregate) });
}

const values = new WeakMap<Batch, Uint8Array>();

export function valueHash(chainId: string, batch: Batch): Uint8Array {
  const cached = values.get(batch);
  if (cached !== undefined) return cached;
  const digest = taggedHash('thermo/tt/proposals', ...batch.proposals.map(proposalHash));
  const v = taggedHash('thermo/tt/value', utf8(chainId), u64be(BigInt(batch.epoch)), blockHash(batch.block), digest, batch.aggregate);
  if (Object.isFrozen(batch)) values.set(batch, v);
  return v;
}

export function batchToCbor(b: Batch): CborValue {
  return [b.epoch, encodeBlock(b.block), b.proposals.map(proposalToCbor), b.aggregate];
}

export function batchFromCbor(value: CborValue | undefined): Batch {
  const items = readArray(value, 'batch', 4);
  if (items.length !== 4) throw new TtError({ code: 'TT_MALFORMED', reason: 'batch: expected 4 items' });
  const proposals = readArray(items[2], 'batch.proposals', MAX_BATCH_PROPOSALS).map((p, i) => proposalFromCbor(p, `batch.proposals[${i}]`));
  const aggregate = Uint8Array.from(readBytes(items[3], 'batch.aggregate'));
  if (aggregate.length > 8 * MAX_DIMENSION) throw new TtError({ code: 'TT_MALFORMED', reason: 'batch.aggregate: oversized' });
  return Object.freeze({
    epoch: readUint(items[0], 'batch.epoch'),
    block: decodeBlock(readBytes(items[1], 'batch.block')),
    proposals: Object.freeze(proposals),
    aggregate,
  });
}

const encodings = new WeakMap<Batch, Uint8Array>();

/** Canonical bytes of a batch, computed once per frozen batch object (every replica persists it). */
export function encodeBatch(b: Batch): Uint8Array {
  let e = encodings.get(b);
  if (e === undefined) {
    e = encode(batchToCbor(b));
    if (Object.isFrozen(b)) encodings.set(b, e);
  }
  return e;
}

export function decodeBatch(bytes: Uint8Array, maxBytes: number): Batch {
  return batchFromCbor(decode(bytes, maxBytes));
}

// ---- checking a batch ------------------------------------------------------------------------

export interface BatchRules {
  readonly chainId: string;
  readonly validators: readonly Uint8Array[];
  /** Validator proposals a batch must hold: n - f. */
  readonly need: number;
  readonly maxMinted: number;
  readonly proposal: ProposalRules;
  readonly aggregate: AggregateConfig;
  readonly state: LedgerState;
  readonly parent: Uint8Array;
  readonly chain: ChainRules;
}

export type BatchVerdict =
  | {
      readonly ok: true;
      readonly state: LedgerState;
      readonly result: AggregateResult;
      readonly vectors: readonly (readonly number[])[];
    }
  | {
      readonly ok: false;
      readonly code: TtErrorCode | string;
      readonly reason: string;
      /** The validator whose proposal was invalid, when that was the reason (to flag it). */
      readonly proposer?: number;
    };

function fail(code: TtErrorCode | string, reason: string, proposer?: number): BatchVerdict {
  return proposer === undefined ? { ok: false, code, reason } : { ok: false, code, reason, proposer };
}

/** Everything a replica checks before it signs a batch's value. Never throws on bad input. */
export function checkBatch(batch: Batch, rules: BatchRules): BatchVerdict {
  const epoch = rules.proposal.epoch;
  if (batch.epoch !== epoch) return fail('TT_BAD_BATCH', `epoch ${batch.epoch}, expected ${epoch}`);
  const h = batch.block.header;
  if (h.height !== epoch) return fail('TT_BAD_BATCH', `block height ${h.height}, expected ${epoch}`);
  if (h.parents.length !== 1 || !equalBytes(h.parents[0]!, rules.parent)) return fail('TT_BAD_BATCH', 'block does not extend the last finalized block');
  if (!rules.validators.some((k) => equalBytes(k, h.proposer))) return fail('TT_BAD_BATCH', 'block proposer is not a validator');
  const ps = batch.proposals;
  let validators = 0;
  for (let i = 0; i < ps.length; i++) {
    if (i > 0 && compareIdentity(ps[i - 1]!, ps[i]!) >= 0) return fail('TT_BAD_BATCH', 'proposals not in strict canonical order');
    if (ps[i]!.proposer >= 0) validators++;
  }
  if (validators < rules.need) return fail('TT_BAD_BATCH', `${validators} validator proposals, need ${rules.need}`);
  if (ps.length - validators > rules.maxMinted) return fail('TT_BAD_BATCH', `${ps.length - validators} minted proposals, at most ${rules.maxMinted}`);
  const vectors: number[][] = [];
  for (const p of ps) {
    try {
      vectors.push(validateProposal(p, rules.proposal));
    } catch (err) {
      if (!(err instanceof TtError)) throw err;
      return fail(err.code, err.message, p.proposer >= 0 ? p.proposer : undefined);
    }
  }
  const result = computeAggregate(vectors, rules.aggregate);
  if (!equalBytes(vectorToBytes(result.aggregate), batch.aggregate)) return fail('TT_AGGREGATE_MISMATCH', `epoch ${epoch}: recomputed aggregate differs`);
  let state: LedgerState;
  try {
    state = applyBlock(rules.state, batch.block, rules.chain);
  } catch (err) {
    if (!(err instanceof LedgerError)) throw err;
    return fail(err.code, err.message);
  }
  return { ok: true, state, result, vectors };
}
