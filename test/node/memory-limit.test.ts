/**
 * Devnet memory limits (src/node/devnet/memory-limit.ts): finding this process's memory cgroup
 * from /proc fixtures (v1, v2, neither), the node command wrapped so the node enters its group
 * before it runs, the figures read back, and the limits refused below the minimum. Where this
 * machine lets the test write its cgroup (root on cgroup v1 or a delegated v2 group), a real
 * child process is charged to its group: one that stays under the limit runs, one that
 * allocates past it is killed by the kernel (the control: a limit that cannot bite would fail it).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DevnetError, MIN_MEMORY_LIMIT_BYTES, NodeMemoryLimits, findMemoryCgroup } from '../../src/node/index.js';
import type { MemoryCgroupParent } from '../../src/node/index.js';

const MIB = 1024 * 1024;

function procFixture(cgroup: string, mountinfo: string): string {
  const dir = mkdtempSync(join(os.tmpdir(), 'thermo-proc-'));
  mkdirSync(join(dir, 'self'));
  writeFileSync(join(dir, 'self', 'cgroup'), cgroup);
  writeFileSync(join(dir, 'self', 'mountinfo'), mountinfo);
  return dir;
}

const V1_MOUNTS = [
  '30 25 0:26 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '31 25 0:27 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const V2_MOUNTS = '29 24 0:25 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate';

describe('findMemoryCgroup', () => {
  it('cgroup v1: the memory controller hierarchy, at this process path', () => {
    const proc = procFixture('4:memory:/jobs/abc\n1:cpu:/\n0::/\n', V1_MOUNTS);
    expect(findMemoryCgroup(proc)).toEqual({ version: 1, dir: '/sys/fs/cgroup/memory/jobs/abc' });
  });

  it('cgroup v2 only: the unified hierarchy', () => {
    const proc = procFixture('0::/user.slice/session-1.scope\n', V2_MOUNTS);
    expect(findMemoryCgroup(proc)).toEqual({ version: 2, dir: '/sys/fs/cgroup/user.slice/session-1.scope' });
  });

  it('a mount that shows the hierarchy from a sub-path (a container): the path is taken relative to it', () => {
    const proc = procFixture('0::/docker/c1\n', '29 24 0:25 /docker/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw');
    expect(findMemoryCgroup(proc)).toEqual({ version: 2, dir: '/sys/fs/cgroup' });
  });

  it('no cgroup mounted, or no /proc: DEVNET_NO_MEMORY_CGROUP', () => {
    const proc = procFixture('0::/\n', '22 1 8:1 / / rw - ext4 /dev/sda1 rw');
    expect(() => findMemoryCgroup(proc)).toThrow(expect.objectContaining({ type: expect.objectContaining({ code: 'DEVNET_NO_MEMORY_CGROUP' }) }));
    expect(() => findMemoryCgroup(join(proc, 'missing'))).toThrow(DevnetError);
  });
});

/** A directory laid out as a v1 memory cgroup with one child per node (files the kernel would make). */
function fakeV1(nodes: number): MemoryCgroupParent {
  const dir = mkdtempSync(join(os.tmpdir(), 'thermo-cg-'));
  const root = join(dir, 'devnet');
  mkdirSync(root);
  writeFileSync(join(root, 'memory.limit_in_bytes'), '9223372036854771712\n');
  for (let i = 0; i < nodes; i++) {
    const g = join(root, `node-${i}`);
    mkdirSync(g);
    writeFileSync(join(g, 'memory.limit_in_bytes'), '9223372036854771712\n');
    writeFileSync(join(g, 'memory.usage_in_bytes'), `${100 * MIB}\n`);
    writeFileSync(join(g, 'memory.max_usage_in_bytes'), `${150 * MIB}\n`);
    writeFileSync(join(g, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
  }
  return { version: 1, dir };
}

describe('NodeMemoryLimits', () => {
  it('writes the limit into the node group and wraps the command so the node enters it, keeping its args and env', () => {
    const parent = fakeV1(1);
    const limits = new NodeMemoryLimits(parent, 'devnet', 300 * MIB);
    const cmd = limits.wrap(0, { command: '/usr/bin/node', args: ['main.js', '--x', 'a b'], env: { K: 'v' } });
    expect(readFileSync(join(parent.dir, 'devnet', 'node-0', 'memory.limit_in_bytes'), 'utf8')).toBe(String(300 * MIB));
    expect(cmd).toEqual({
      command: '/bin/sh',
      args: ['-c', 'echo $$ > "$0" && exec "$@"', join(parent.dir, 'devnet', 'node-0', 'cgroup.procs'), '/usr/bin/node', 'main.js', '--x', 'a b'],
      env: { K: 'v' },
    });
    expect(limits.stats(0)).toEqual({ limit: 300 * MIB, usage: 100 * MIB, peak: 150 * MIB, oomKills: 2 });
  });

  it('refuses a limit below the minimum (N accepted, N-1 refused) and a group without the memory controller', () => {
    expect(() => new NodeMemoryLimits(fakeV1(0), 'devnet', MIN_MEMORY_LIMIT_BYTES)).not.toThrow();
    expect(() => new NodeMemoryLimits(fakeV1(0), 'devnet', MIN_MEMORY_LIMIT_BYTES - 1)).toThrow(
      expect.objectContaining({ type: { code: 'DEVNET_BAD_MEMORY_LIMIT', bytes: MIN_MEMORY_LIMIT_BYTES - 1, min: MIN_MEMORY_LIMIT_BYTES } }),
    );
    const plain = mkdtempSync(join(os.tmpdir(), 'thermo-cg-'));
    expect(() => new NodeMemoryLimits({ version: 1, dir: plain }, 'devnet', 300 * MIB)).toThrow(/memory controller is not enabled/);
    expect(() => new NodeMemoryLimits({ version: 1, dir: plain }, '../escape', 300 * MIB)).toThrow(/bad group name/);
  });
});

/** Whether this machine lets us make memory cgroups (root on v1, or a delegated v2 group). */
function realCgroups(): MemoryCgroupParent | null {
  if (process.platform !== 'linux') return null;
  try {
    const parent = findMemoryCgroup();
    new NodeMemoryLimits(parent, `thermo-probe-${process.pid}`, 128 * MIB).remove();
    return parent;
  } catch {
    return null;
  }
}
const real = realCgroups();

function runIn(limits: NodeMemoryLimits, index: number, allocMib: number): Promise<{ code: number | null; signal: string | null }> {
  // Touches every page it allocates, so the pages are charged (not just reserved).
  const script = `const b = Buffer.alloc(${allocMib} * 1024 * 1024, 1); console.log(b[b.length - 1]);`;
  const cmd = limits.wrap(index, { command: process.execPath, args: ['-e', script] });
  const child = spawn(cmd.command, [...cmd.args], { stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe.runIf(real !== null)('a real memory cgroup (this machine allows one)', () => {
  it('a child under the limit runs and is charged; one past it is killed by the kernel', async () => {
    const limits = new NodeMemoryLimits(real!, `thermo-test-${process.pid}`, 128 * MIB);
    try {
      expect(await runIn(limits, 0, 40)).toEqual({ code: 0, signal: null });
      const under = limits.stats(0);
      expect(under.limit).toBe(128 * MIB);
      if (!Number.isNaN(under.peak)) expect(under.peak).toBeGreaterThan(40 * MIB);
      expect(under.oomKills).toBe(0);
      const over = await runIn(limits, 1, 400);
      expect(over.signal).toBe('SIGKILL');
      expect(limits.stats(1).oomKills).toBe(1);
    } finally {
      limits.remove();
    }
  }, 30_000);
});
