/**
 * `thermo mine` and `thermo verify` in-process: a mined header verifies; each tampered seal
 * field is refused with its typed code; usage errors exit 2.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/command.js';
import { mineCommand } from '../../../src/cli/commands/mine.js';
import { verifyCommand, verifyHeader } from '../../../src/cli/commands/verify.js';
import { headerFromJson, headerToJson } from '../../../src/engines/coherence/header-json.js';
import type { HeaderJson } from '../../../src/engines/coherence/header-json.js';

async function cli(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx: CliContext = { io: { stdout: (s) => void (out += s), stderr: (s) => void (err += s) }, exitCode: 0 };
  const program = new Command('thermo').exitOverride();
  mineCommand.register(program, ctx);
  verifyCommand.register(program, ctx);
  await program.parseAsync([...argv], { from: 'user' });
  return { code: ctx.exitCode, out, err };
}

async function mineJson(difficulty: number): Promise<HeaderJson> {
  const r = await cli(['mine', '--data', 'hello', '--difficulty', String(difficulty), '--timestamp', '1000']);
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as HeaderJson;
}

function tampered(h: HeaderJson, edit: (c: Record<string, unknown>) => void): HeaderJson {
  const copy = JSON.parse(JSON.stringify(h)) as Record<string, unknown>;
  delete copy['encoded'];
  edit(copy['consensus'] as Record<string, unknown>);
  return copy as unknown as HeaderJson;
}

function codeOf(h: HeaderJson): string | undefined {
  return verifyHeader(headerFromJson(h), 63, 1000).code;
}

describe('thermo mine / verify', () => {
  it('mines a header whose hash meets the difficulty, and verify accepts it (also from hex)', async () => {
    const h = await mineJson(3);
    expect(BigInt(`0x${h.hash}`) < 1n << 253n).toBe(true);
    expect(h.consensus.t).toBeGreaterThan(0);
    expect(h.consensus.r * h.consensus.r).toBeGreaterThan(0.75);
    expect(verifyHeader(headerFromJson(h), 63, 1000)).toMatchObject({ valid: true, t: h.consensus.t, workLog2: 3 });
    const r = await cli(['verify', h.encoded, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ valid: true, hash: h.hash });
    // JSON round trip of the printed form is exact.
    expect(headerToJson(headerFromJson(h))).toEqual(h);
  });

  it('refuses a tampered seal with its code (difficulty 0: the replay is what catches it)', async () => {
    const h = await mineJson(0);
    const t = h.consensus.t;
    expect(codeOf(tampered(h, (c) => (c['t'] = t - 1)))).toBe('COHERENCE_BAD_T');
    expect(codeOf(tampered(h, (c) => (c['t'] = t + 1)))).toBe('COHERENCE_T_NOT_FIRST');
    expect(codeOf(tampered(h, (c) => (c['t'] = 1001)))).toBe('COHERENCE_BAD_T');
    const bits = h.consensus.rBits;
    const flipped = bits.slice(0, 15) + (bits[15] === '0' ? '1' : '0');
    expect(codeOf(tampered(h, (c) => (c['rBits'] = flipped)))).toBe('COHERENCE_BAD_R');
    expect(codeOf(tampered(h, (c) => (c['digest'] = '00'.repeat(32))))).toBe('COHERENCE_BAD_DIGEST');
  });

  it('refuses a header above its target', async () => {
    const h = await mineJson(2);
    // The same seal claimed under a 2^-200 target: the hash no longer passes.
    const code = codeOf(tampered(h, (c) => (c['target'] = `0x${'0'.repeat(50)}${'f'.repeat(14)}`)));
    expect(code).toBe('COHERENCE_ABOVE_TARGET');
    const r = await cli(['verify', tamperedHex(h)]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/invalid: COHERENCE_ABOVE_TARGET/);
  });

  it('a field edited while `encoded` is kept is refused as malformed', async () => {
    const h = await mineJson(0);
    const bad = { ...h, consensus: { ...h.consensus, nonce: h.consensus.nonce + 1 } };
    expect(() => headerFromJson(bad)).toThrow(/COHERENCE_MALFORMED/);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['mine', '--difficulty', '300'])).code).toBe(2);
    expect((await cli(['mine', '--preset', '64'])).code).toBe(2);
    expect((await cli(['mine', '--target', 'xyz'])).code).toBe(2);
    expect((await cli(['verify', 'zz-no-such-file'])).code).toBe(2);
    expect((await cli(['verify', 'abcd'])).code).toBe(2);
  });
});

/** A header under target 1 (hex of its encoding): no hash passes. */
function tamperedHex(h: HeaderJson): string {
  const t = headerFromJson(tampered(h, (c) => (c['target'] = '0x1')));
  return headerToJson(t).encoded;
}
