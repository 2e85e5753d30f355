/**
 * `thermo tx send`: signs a transfer and submits it through a node's HTTP API, then waits
 * until it is final.
 *
 *   thermo tx send --to ADDR --amount N [--node URL] [--key key.json | --dev-account I]
 *                  [--nonce N] [--no-wait] [--timeout S] [--json]
 *
 * The nonce is the sender's account nonce in the node's finalized state unless given (so send
 * one transfer at a time per sender, or pass --nonce). `--dev-account I` signs with the public
 * dev key I that devnet genesis files fund (ledger devKeyPair): test money, never real.
 */
import type { Command } from 'commander';
import { fromHexExact, isThermoError, toHex } from '../../core/index.js';
import { devKeyPair, signTransfer, transferIdHex } from '../../ledger/index.js';
import type { KeyPair } from '../../core/index.js';
import { NodeClient, readKeyFile } from '../../node/index.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface SendOptions {
  to: string;
  amount: string;
  node: string;
  key?: string;
  devAccount?: string;
  nonce?: string;
  wait: boolean;
  timeout: string;
  json?: boolean;
}

function signer(o: SendOptions): KeyPair {
  if (o.devAccount !== undefined) {
    const i = Number(o.devAccount);
    if (!Number.isSafeInteger(i) || i < 0) throw new Error('--dev-account takes a non-negative integer');
    return devKeyPair(i);
  }
  return readKeyFile(o.key ?? 'key.json').keyPair;
}

async function send(ctx: CliContext, o: SendOptions): Promise<void> {
  if (!/^[0-9]{1,20}$/.test(o.amount)) throw new Error('--amount takes a positive integer');
  const to = fromHexExact(o.to, 32);
  const keyPair = signer(o);
  const client = new NodeClient(o.node);
  const status = await client.status();
  const nonce = o.nonce !== undefined ? Number(o.nonce) : (await client.account(toHex(keyPair.publicKey))).nonce;
  const tx = signTransfer(keyPair, { chainId: status.chainId, to, amount: BigInt(o.amount), nonce });
  const id = transferIdHex(tx);
  const t0 = Date.now();
  const r = await client.submit(tx);
  if (!r.ok) {
    ctx.io.stderr(`thermo tx: refused: ${r.status} ${r.code} ${r.message}\n`);
    ctx.exitCode = EXIT.FAILED;
    return;
  }
  if (!o.json) ctx.io.stderr(`submitted ${id} (nonce ${nonce}) to ${o.node}: ${r.body.status}\n`);
  let final: { height: number | null } | null = r.body.status === 'final' ? { height: null } : null;
  const deadline = t0 + Number(o.timeout) * 1000;
  while (o.wait && final === null && Date.now() < deadline) {
    await sleep(100);
    const s = await client.txStatus(id);
    if (s.ok && s.body.status === 'final') final = { height: s.body.height };
    if (!o.json && process.stderr.isTTY) process.stderr.write(`\rwaiting for finality... ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  if (!o.json && process.stderr.isTTY) process.stderr.write('\n');
  const out = { id, nonce, status: final !== null ? 'final' : r.body.status, height: final?.height ?? null, seconds: (Date.now() - t0) / 1000 };
  if (o.json) ctx.io.stdout(`${JSON.stringify(out)}\n`);
  else ctx.io.stdout(`${out.status === 'final' ? `final at height ${out.height ?? '?'}` : out.status} in ${out.seconds.toFixed(2)} s: ${id}\n`);
  if (o.wait && final === null) ctx.exitCode = EXIT.FAILED;
}

export const txCommand: CliCommand = Object.freeze({
  name: 'tx',
  register(program: Command, ctx: CliContext): void {
    const tx = program.command('tx').description('send transfers through a node');
    tx.command('send')
      .description('sign a transfer, submit it and wait until it is final')
      .requiredOption('--to <ADDRESS>', 'recipient address (64 hex digits: an Ed25519 public key)')
      .requiredOption('--amount <N>', 'amount (integer units)')
      .option('--node <URL>', 'node API', 'http://127.0.0.1:8080')
      .option('--key <FILE>', 'sender key file (default key.json)')
      .option('--dev-account <I>', 'sign with public dev key I (devnet test funds)')
      .option('--nonce <N>', 'sender nonce (default: from the node)')
      .option('--no-wait', 'return once the node acknowledged it')
      .option('--timeout <SECONDS>', 'how long to wait for finality', '30')
      .option('--json', 'print one JSON line')
      .action(async (opts: SendOptions) => {
        try {
          await send(ctx, opts);
        } catch (err) {
          ctx.io.stderr(`thermo tx: ${err instanceof Error ? err.message : String(err)}\n`);
          ctx.exitCode = isThermoError(err) && err.code === 'CLIENT_UNREACHABLE' ? EXIT.BROKEN : EXIT.USAGE;
        }
      });
  },
});
