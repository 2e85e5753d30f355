/**
 * `thermo proof ACCOUNT`: a light client's balance check for the negentropy engine
 * (docs/protocols/negentropy.md, "Holographic headers").
 *
 *   thermo proof ACCOUNT [--nodes N --seed S --duration SECONDS --tps T] [--from NODE] [--out FILE] [--json]
 *       runs a simulation, takes node NODE's super-block header chain and a Merkle proof of
 *       ACCOUNT in its newest finalized state (a "simulation snapshot"), and verifies the
 *       proof against the headers alone, as a light client would; --out saves the bundle
 *   thermo proof ACCOUNT --bundle FILE [--trusted HASH]
 *       verifies a saved bundle (headers + proof + validator keys) without anything else;
 *       --trusted pins the hash of the header the chain must start from
 *   thermo proof ACCOUNT --node URL
 *       asks a running node for the account's proof (GET /accounts/:address/proof) and checks
 *       it against the state root the node reports (the node API serves no header chain yet)
 *
 * ACCOUNT is a 64-hex-digit address or dev:J (the simulator's client account J).
 * Exit codes: 0 verified; 1 the proof or the chain does not verify; 2 bad usage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fromHex, isThermoError, toHex } from '../../core/index.js';
import { decodeAccountProof, devAddress, encodeAccountProof, encodeHeader, proveAccount, verifyAccountProof } from '../../ledger/index.js';
import type { Account } from '../../ledger/index.js';
import { eraseDefinition } from '../../protocol/index.js';
import type { EngineContext } from '../../protocol/index.js';
import { NegentropyEngine, negentropyDefinition, verifyBundle } from '../../engines/negentropy/index.js';
import type { NegentropyParams, ProofBundle, VerifiedBalance } from '../../engines/negentropy/index.js';
import { SIM_CHAIN_ID, runScenario, validatorKeyPair } from '../../sim/index.js';
import { NodeClient } from '../../node/client/index.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';

/** A proof bundle plus the validator keys the light client checks proposer signatures with. */
export interface CliProofBundle extends ProofBundle {
  readonly validators: readonly string[];
}

class UsageError extends Error {}

function parseAccount(text: string): Uint8Array {
  const dev = /^dev:(\d+)$/.exec(text);
  if (dev !== null) return devAddress(Number(dev[1]));
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(text)) throw new UsageError(`ACCOUNT must be 64 hex digits or dev:J, got ${text}`);
  return fromHex(text);
}

function intOption(opts: Readonly<Record<string, unknown>>, name: string, fallback: number, min: number, max: number): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number in [${min}, ${max}]`);
  return n;
}

function proposerKeys(validators: readonly string[]): (address: string) => Uint8Array | undefined {
  const set = new Map(validators.map((v) => [v.toLowerCase(), fromHex(v)]));
  return (address) => set.get(address);
}

/** Runs a simulation and builds the bundle from one honest node's engine. */
export function bundleFromSimulation(address: Uint8Array, opts: Readonly<Record<string, unknown>>): CliProofBundle {
  const nodes = intOption(opts, 'nodes', 8, 1, 4096);
  const from = intOption(opts, 'from', 0, 0, nodes - 1);
  const engines = new Map<number, NegentropyEngine>();
  const definition = eraseDefinition({
    ...negentropyDefinition,
    create: (ctx: EngineContext<NegentropyParams>) => {
      const engine = new NegentropyEngine(ctx);
      engines.set(ctx.self, engine);
      return engine;
    },
  });
  const result = runScenario(
    {
      engine: 'negentropy',
      nodes,
      seed: intOption(opts, 'seed', 1, 0, Number.MAX_SAFE_INTEGER),
      durationS: intOption(opts, 'duration', 5, 0.001, 1_000_000),
      drainS: 2,
      load: { tps: intOption(opts, 'tps', 20, 0, 1_000_000) },
      costModel: 'zero',
    },
    { resolve: () => definition },
  );
  const engine = engines.get(from);
  if (engine === undefined) throw new UsageError(`node ${from} did not run an honest engine`);
  const [first, ...rest] = engine.superBlocks(0);
  if (first === undefined) throw new UsageError(`node ${from} keeps no super-block headers`);
  return {
    chainId: SIM_CHAIN_ID,
    address: toHex(address),
    trusted: { index: first.index, hash: first.hash, root: toHex(first.header.stateRoot) },
    headers: rest.map((sb) => toHex(encodeHeader(sb.header))),
    proof: toHex(encodeAccountProof(proveAccount(engine.finalizedState(), address))),
    validators: result.perNode.map((_, i) => toHex(validatorKeyPair(i).publicKey)),
  };
}

function readBundle(path: string): CliProofBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read the bundle ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const b = raw as Partial<CliProofBundle> | null;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (
    b === null ||
    typeof b !== 'object' ||
    typeof b.chainId !== 'string' ||
    typeof b.address !== 'string' ||
    typeof b.proof !== 'string' ||
    !strings(b.headers) ||
    !strings(b.validators) ||
    typeof b.trusted !== 'object' ||
    b.trusted === null ||
    typeof b.trusted.hash !== 'string' ||
    typeof b.trusted.root !== 'string' ||
    typeof b.trusted.index !== 'number'
  ) {
    throw new UsageError(`${path} is not a proof bundle (chainId, address, trusted {index, hash, root}, headers, proof, validators)`);
  }
  return b as CliProofBundle;
}

function describe(account: Account | null): { readonly exists: boolean; readonly balance: string; readonly nonce: number } {
  return { exists: account !== null, balance: (account?.balance ?? 0n).toString(), nonce: account?.nonce ?? 0 };
}

function report(ctx: CliContext, json: boolean, fields: Record<string, unknown>, human: string): void {
  if (json) ctx.io.stdout(`${JSON.stringify(fields)}\n`);
  else ctx.io.stdout(`${human}\n`);
}

async function action(ctx: CliContext, accountText: string, opts: Readonly<Record<string, unknown>>): Promise<void> {
  const json = opts['json'] === true;
  try {
    const address = parseAccount(accountText);
    if (typeof opts['node'] === 'string') {
      const url = opts['node'].replace(/\/$/, '');
      const res = await new NodeClient(url).get(`/accounts/${toHex(address)}/proof`);
      if (!res.ok) throw new UsageError(`${url}: ${res.code} ${res.message}`);
      const body = res.body as { stateRoot?: unknown; proof?: unknown; height?: unknown };
      if (typeof body.stateRoot !== 'string' || typeof body.proof !== 'string') throw new UsageError(`${url}: no stateRoot/proof in the answer`);
      const account = verifyAccountProof(fromHex(body.stateRoot), address, decodeAccountProof(fromHex(body.proof)));
      report(ctx, json, { verified: true, against: 'node state root', address: toHex(address), stateRoot: body.stateRoot, height: body.height, ...describe(account) }, [
        `thermo proof: ${toHex(address)} balance ${(account?.balance ?? 0n).toString()}, nonce ${account?.nonce ?? 0}`,
        `  verified against the state root ${body.stateRoot} reported by ${url} (height ${String(body.height)})`,
      ].join('\n'));
      return;
    }
    let bundle: CliProofBundle;
    if (typeof opts['bundle'] === 'string') {
      bundle = readBundle(opts['bundle']);
      if (bundle.address.toLowerCase() !== toHex(address)) throw new UsageError(`the bundle is for ${bundle.address}, not ${toHex(address)}`);
    } else bundle = bundleFromSimulation(address, opts);
    if (typeof opts['trusted'] === 'string' && opts['trusted'].toLowerCase() !== bundle.trusted.hash.toLowerCase()) {
      throw new UsageError(`the bundle starts from ${bundle.trusted.hash}, not the trusted ${opts['trusted']}`);
    }
    if (typeof opts['out'] === 'string') writeFileSync(opts['out'], `${JSON.stringify(bundle, null, 2)}\n`);
    let verified: VerifiedBalance;
    try {
      verified = verifyBundle(bundle, proposerKeys(bundle.validators));
    } catch (err) {
      if (!isThermoError(err)) throw err;
      ctx.io.stderr(`thermo proof: NOT VERIFIED: ${err.message}\n`);
      ctx.exitCode = EXIT.FAILED;
      return;
    }
    report(
      ctx,
      json,
      { verified: true, against: 'header chain', address: bundle.address, superBlock: verified.index, stateRoot: verified.root, headers: bundle.headers.length, ...describe(verified.account) },
      [
        `thermo proof: ${bundle.address} balance ${(verified.account?.balance ?? 0n).toString()}, nonce ${verified.account?.nonce ?? 0}${verified.account === null ? ' (no such account)' : ''}`,
        `  verified from ${bundle.headers.length} super-block headers alone (trusted start ${bundle.trusted.hash.slice(0, 16)}... at index ${bundle.trusted.index})`,
        `  against super-block ${verified.index}, state root ${verified.root}`,
      ].join('\n'),
    );
  } catch (err) {
    if (err instanceof UsageError || isThermoError(err)) {
      ctx.io.stderr(`thermo proof: ${err.message}\n`);
      ctx.exitCode = EXIT.USAGE;
      return;
    }
    throw err;
  }
}

export const proofCommand: CliCommand = Object.freeze({
  name: 'proof',
  register(program: Command, ctx: CliContext): void {
    program
      .command('proof')
      .description('light client: verify an account balance from a Merkle proof against super-block headers alone (negentropy)')
      .argument('<ACCOUNT>', '64 hex digits, or dev:J for the simulator client account J')
      .option('--node <URL>', 'ask a running node (GET /accounts/:address/proof)')
      .option('--bundle <FILE>', 'verify a saved bundle (headers, proof, validator keys)')
      .option('--trusted <HASH>', 'the header hash the chain must start from')
      .option('--nodes <N>', 'simulation: validators (default 8)')
      .option('--seed <S>', 'simulation: seed (default 1)')
      .option('--duration <SECONDS>', 'simulation: measured duration (default 5)')
      .option('--tps <T>', 'simulation: offered transfers per second (default 20)')
      .option('--from <NODE>', 'simulation: the node whose headers and state are used (default 0)')
      .option('--out <FILE>', 'save the bundle as JSON')
      .option('--json', 'print one JSON line')
      .action((account: string, opts: Record<string, unknown>) => action(ctx, account, opts));
  },
});
