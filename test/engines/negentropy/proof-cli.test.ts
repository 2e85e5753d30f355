/** `thermo proof`: the light-client command against a simulation snapshot and a saved bundle. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { proofCommand } from '../../../src/cli/commands/proof.js';
import type { CliContext } from '../../../src/cli/command.js';

async function run(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx: CliContext = { io: { stdout: (t) => void (out += t), stderr: (t) => void (err += t) }, exitCode: 0 };
  const program = new Command('thermo').exitOverride();
  proofCommand.register(program, ctx);
  await program.parseAsync(['proof', ...argv], { from: 'user' });
  return { code: ctx.exitCode, out, err };
}

describe('thermo proof', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neg-proof-'));
  const file = join(dir, 'bundle.json');

  it('verifies a simulated account balance from super-block headers alone and saves the bundle', async () => {
    const r = await run(['dev:3', '--nodes', '6', '--duration', '3', '--tps', '10', '--out', file, '--json']);
    expect(r.code, r.err).toBe(0);
    const line = JSON.parse(r.out) as { verified: boolean; against: string; superBlock: number; exists: boolean };
    expect(line.verified).toBe(true);
    expect(line.against).toBe('header chain');
    expect(line.superBlock).toBeGreaterThan(0);
    expect(line.exists).toBe(true);
  });

  it('re-verifies the saved bundle offline, and refuses a tampered one (exit 1)', async () => {
    expect((await run(['dev:3', '--bundle', file])).code).toBe(0);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { headers: string[] };
    bundle.headers = bundle.headers.slice(1);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(bundle));
    const r = await run(['dev:3', '--bundle', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('NOT VERIFIED');
  });

  it('refuses a bad account or a bundle for another account (exit 2)', async () => {
    expect((await run(['zz'])).code).toBe(2);
    expect((await run(['dev:4', '--bundle', file])).code).toBe(2);
    expect((await run(['dev:3', '--bundle', file, '--trusted', '00'])).code).toBe(2);
  });
});
