/**
 * The genesis file every node of a chain shares: chain id, engine and its parameters, the
 * validator set (Ed25519 public keys, in index order), funded accounts and the epoch that
 * `now` counts from. Its hash names the chain: nodes compare it when they connect and refuse
 * peers of another chain, and the store records it so a data directory is never reused for a
 * different chain.
 *
 *   { "chainId": "thermo-devnet", "engine": "reference", "params": {...}, "epochMs": 1763900000000,
 *     "validators": ["<64 hex>", ...],
 *     "accounts": [{"address": "<64 hex>", "balance": "1000"}],      optional
 *     "devAccounts": {"count": 256, "balance": "1000000000"} }       optional: devKeyPair(0..count-1)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { encode, fromHexExact, taggedHash, toHex, utf8 } from '../core/index.js';
import { devAllocations, genesisState, isValidChainId, U64_MAX } from '../ledger/index.js';
import type { GenesisAllocation, LedgerState } from '../ledger/index.js';
import type { ErasedEngineDefinition } from '../protocol/index.js';
import { ENGINES } from '../engines/index.js';
import { NodeError } from './errors.js';
import { checkJson } from './json-schema.js';

export const MAX_VALIDATORS = 1024;
export const MAX_GENESIS_ACCOUNTS = 100_000;
export const MAX_DEV_ACCOUNTS = 100_000;

const Hex32 = Type.String({ pattern: '^[0-9a-fA-F]{64}$' });
const Amount = Type.String({ pattern: '^[0-9]{1,20}$' });

export const GenesisSchema = Type.Object(
  {
    chainId: Type.String({ minLength: 1, maxLength: 64 }),
    engine: Type.String({ minLength: 1, maxLength: 64 }),
    params: Type.Optional(Type.Unknown()),
    epochMs: Type.Integer({ minimum: 0 }),
    validators: Type.Array(Hex32, { minItems: 1, maxItems: MAX_VALIDATORS }),
    accounts: Type.Optional(Type.Array(Type.Object({ address: Hex32, balance: Amount }, { additionalProperties: false }), { maxItems: MAX_GENESIS_ACCOUNTS })),
    devAccounts: Type.Optional(Type.Object({ count: Type.Integer({ minimum: 0, maximum: MAX_DEV_ACCOUNTS }), balance: Amount }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export type GenesisFile = Static<typeof GenesisSchema>;

export interface Genesis {
  readonly file: GenesisFile;
  /** Hex hash naming the chain. */
  readonly hash: string;
  readonly chainId: string;
  readonly definition: ErasedEngineDefinition;
  readonly params: unknown;
  readonly validators: readonly Uint8Array[];
  readonly state: LedgerState;
}

function bad(path: string, reason: string): NodeError {
  return new NodeError({ code: 'NODE_BAD_GENESIS', path, reason }, `genesis ${path}: ${reason}`);
}

/** Canonical JSON: keys sorted, no spaces, so equal params hash equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * Genesis rules the node adds on top of an engine's `parseParams`, for parameters whose engine
 * default suits the simulator but is unsafe on a real chain. The coherence engine's
 * `hashScaleLog2` defaults to 256, which makes every header hash pass (the simulator draws the
 * mining time and needs that shortcut); a node genesis that left it out would run a chain
 * without proof of work. So a coherence genesis must state it, below 256 (0 is the full check).
 * Returns the reason a genesis is refused, or null.
 */
export function nodeGenesisRule(engine: string, params: unknown): string | null {
  if (engine !== 'coherence') return null;
  const raw = params !== null && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>)['hashScaleLog2'] : undefined;
  if (raw === undefined) return 'a coherence genesis must set params.hashScaleLog2 (0 on a real chain: the default 256 turns the proof-of-work hash check off)';
  if (raw === 256) return 'params.hashScaleLog2 = 256 turns the proof-of-work hash check off; use 0 on a real chain';
  return null;
}

export function lookupEngine(name: string): ErasedEngineDefinition | undefined {
  return ENGINES.get(name);
}

export function parseGenesis(raw: unknown, path = '(genesis)'): Genesis {
  const checked = checkJson(GenesisSchema, raw);
  if (!checked.ok) throw bad(path, checked.reason);
  const file = checked.value;
  if (!isValidChainId(file.chainId)) throw bad(path, 'chainId must be 1..64 printable ASCII characters without spaces');
  const definition = lookupEngine(file.engine);
  if (definition === undefined) throw bad(path, `unknown engine ${file.engine} (known: ${[...ENGINES.keys()].join(', ')})`);
  const rule = nodeGenesisRule(file.engine, file.params);
  if (rule !== null) throw bad(path, rule);
  let params: unknown;
  try {
    params = definition.parseParams(file.params ?? null);
  } catch (err) {
    throw bad(path, `engine params: ${err instanceof Error ? err.message : String(err)}`);
  }
  const validators = file.validators.map((h) => fromHexExact(h, 32));
  if (new Set(file.validators.map((v) => v.toLowerCase())).size !== validators.length) throw bad(path, 'duplicate validator key');
  const allocations: GenesisAllocation[] = [];
  if (file.devAccounts !== undefined) allocations.push(...devAllocations(file.devAccounts.count, BigInt(file.devAccounts.balance)));
  for (const a of file.accounts ?? []) {
    const balance = BigInt(a.balance);
    if (balance > U64_MAX) throw bad(path, `balance of ${a.address} exceeds u64`);
    allocations.push({ address: fromHexExact(a.address, 32), balance });
  }
  let state: LedgerState;
  try {
    state = genesisState(allocations);
  } catch (err) {
    throw bad(path, err instanceof Error ? err.message : String(err));
  }
  const hash = toHex(
    taggedHash(
      'thermo/node/genesis',
      encode([file.chainId, file.engine, canonicalJson(file.params ?? null), file.epochMs, validators, state.root]),
    ),
  );
  return Object.freeze({ file, hash, chainId: file.chainId, definition, params, validators: Object.freeze(validators), state });
}

export function readGenesis(path: string): Genesis {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw bad(path, err instanceof Error ? err.message : String(err));
  }
  return parseGenesis(raw, path);
}

export function writeGenesis(path: string, file: GenesisFile): Genesis {
  const g = parseGenesis(file, path);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return g;
}

/** The genesis hash as bytes, for the peer handshake. */
export function genesisHashBytes(g: Genesis): Uint8Array {
  return fromHexExact(g.hash, 32);
}

export const GENESIS_TAG_BYTES = utf8('thermo/node/genesis');
