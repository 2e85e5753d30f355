/**
 * `thermo sim`: the JSON line, exact reproducibility of trace_hash, exit codes, the replay
 * command on a violation. Most cases run the CLI in-process (runCli); two go through the real
 * launcher (bin/thermo.js -> tsx -> src/cli/main.ts) as a user would.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/commands/index.js';

const BIN = fileURLToPath(new URL('../../bin/thermo.js', import.meta.url));

interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(...argv: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

function launch(...argv: string[]): Captured {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const REQUIRED = ['engine', 'nodes', 'seed', 'finalized', 'latency_p50_ms', 'latency_p99_ms', 'tps', 'bytes_per_node_per_s', 'safety_violations', 'trace_hash'];

describe('thermo sim --json (through bin/thermo.js)', () => {
  it('prints exactly one JSON line with the required fields, and the same trace_hash on a second run', () => {
    const args = ['sim', '--engine', 'reference', '--nodes', '4', '--seed', '3', '--duration', '2', '--byzantine', '0.25', '--json'];
    const a = launch(...args);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const lines = a.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const key of REQUIRED) expect(json, key).toHaveProperty(key);
    expect(json['engine']).toBe('reference');
    expect(json['nodes']).toBe(4);
    expect(json['seed']).toBe(3);
    expect(json['byzantine']).toBe(1);
    expect(json['safety_violations']).toBe(0);
    expect(json['trace_hash']).toMatch(/^[0-9a-f]{64}$/);
    const b = launch(...args);
    // Byte-identical: the JSON line carries no wall-clock figure.
    expect(b.stdout).toBe(a.stdout);
  });

  it('control run: exit code 1, the violation and the replay command on stderr', () => {
    const r = launch('sim', '--engine', 'reference-broken', '--nodes', '4', '--seed', '1', '--duration', '1', '--byzantine-nodes', '0', '--behaviour', 'equivocate', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout) as Record<string, unknown>).toMatchObject({ engine: 'reference-broken' });
    expect(r.stderr).toContain('SAFETY VIOLATION');
    expect(r.stderr).toContain('[agreement]');
    expect(r.stderr).toContain('slot h:1');
    expect(r.stderr).toContain('replay: npx thermo sim --engine reference-broken --nodes 4 --seed 1 --duration 1 --byzantine-nodes 0 --behaviour equivocate');
  });
});

describe('thermo sim (in-process)', () => {
  it('the printed replay command reproduces the run exactly', async () => {
    const first = await cli('sim', '--engine', 'reference', '--nodes', '5', '--seed', '9', '--duration', '1', '--loss', '0.05', '--skew', '40', '--rtt', '60', '--tps', '30', '--json');
    expect(first.code).toBe(0);
    const json = JSON.parse(first.stdout) as { trace_hash: string; replay: string };
    expect(json.replay).toBe('npx thermo sim --engine reference --nodes 5 --seed 9 --duration 1 --rtt 60 --loss 0.05 --skew 40 --tps 30');
    const replayArgs = json.replay.split(' ').slice(2); // drop "npx thermo"
    const again = await cli(...replayArgs, '--json');
    expect((JSON.parse(again.stdout) as { trace_hash: string }).trace_hash).toBe(json.trace_hash);
    const otherSeed = await cli(...replayArgs.map((a) => (a === '9' ? '10' : a)), '--json');
    expect((JSON.parse(otherSeed.stdout) as { trace_hash: string }).trace_hash).not.toBe(json.trace_hash);
  });

  it('without --json prints a human summary', async () => {
    const r = await cli('sim', '--engine', 'reference', '--nodes', '4', '--seed', '1', '--duration', '1', '--regions', '--bandwidth', '25');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('thermo sim: reference, 4 nodes');
    expect(r.stdout).toContain('SimBlock regions (round-robin)');
    expect(r.stdout).toMatch(/latency {5}p50 [0-9.]+ ms/);
    expect(r.stdout).toMatch(/trace {7}[0-9a-f]{64}/);
  });

  it('bad flags and unknown engines exit 2 with a message', async () => {
    const unknown = await cli('sim', '--engine', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('ENGINE_UNKNOWN');
    const bad = await cli('sim', '--engine', 'reference', '--loss', '1.5');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('faults.loss');
    const behaviour = await cli('sim', '--engine', 'reference', '--byzantine', '0.25', '--behaviour', 'teleport');
    expect(behaviour.code).toBe(2);
    expect(behaviour.stderr).toContain('SIM_UNKNOWN_ADVERSARY');
    const commander = await cli('sim', '--engine', 'reference', '--no-such-flag');
    expect(commander.code).toBe(2);
  });

  it('--list names the engines and their behaviours; --help lists every subcommand', async () => {
    const list = await cli('sim', '--list');
    expect(list.stdout).toContain('reference [test fixture]');
    expect(list.stdout).toContain('silent, equivocate');
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(c.name);
  });
});
