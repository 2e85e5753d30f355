/**
 * `thermo status [--node URL] [--json]`: one node's view of its chain: height, finalized
 * entries, state root, peers, engine telemetry.
 */
import type { Command } from 'commander';
import { NodeClient } from '../../node/index.js';
import type { CliCommand, CliContext } from '../command.js';
import { EXIT } from '../command.js';

async function show(ctx: CliContext, url: string, json: boolean): Promise<void> {
  const client = new NodeClient(url, 5000);
  const s = await client.status();
  const t = await client.get('/telemetry');
  const telemetry = t.ok && typeof t.body === 'object' && t.body !== null && 'telemetry' in t.body ? (t.body.telemetry as Record<string, unknown>) : {};
  if (json) {
    ctx.io.stdout(`${JSON.stringify({ ...s, telemetry })}\n`);
    return;
  }
  const tel = Object.entries(telemetry)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  ctx.io.stdout(
    [
      `node        ${url} (validator ${s.validator ?? '-'}, ${s.ready ? 'ready' : 'starting'})`,
      `chain       ${s.chainId} (${s.engine}), genesis ${s.genesisHash.slice(0, 16)}...`,
      `height      ${s.height} (${s.finalized} finalized entries)`,
      `state root  ${s.stateRoot ?? '-'}`,
      `peers       ${s.peers} (${s.validatorPeers} validators)`,
      `telemetry   ${tel === '' ? '-' : tel}`,
      `peer id     ${s.peerId}`,
      '',
    ].join('\n'),
  );
}

export const statusCommand: CliCommand = Object.freeze({
  name: 'status',
  register(program: Command, ctx: CliContext): void {
    program
      .command('status')
      .description("print a node's status (height, state root, peers, telemetry)")
      .option('--node <URL>', 'node API', 'http://127.0.0.1:8080')
      .option('--json', 'print one JSON line')
      .action(async (opts: { node: string; json?: boolean }) => {
        try {
          await show(ctx, opts.node, opts.json === true);
        } catch (err) {
          ctx.io.stderr(`thermo status: ${err instanceof Error ? err.message : String(err)}\n`);
          ctx.exitCode = EXIT.BROKEN;
        }
      });
  },
});
