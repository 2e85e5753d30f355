/**
 * A hard memory limit per devnet node: one Linux memory cgroup per node process, made under
 * the supervisor's own cgroup, with the limit written before the node runs its first
 * instruction (the child is a shell that moves itself into the group, then execs the node).
 *
 * Why: a node's RSS counts the pages of its store file that lmdb's map has touched. They are
 * clean page cache: the kernel reclaims them when memory is short and leaves them mapped when it
 * is not, so RSS on an idle machine says how much the node touched, not how much it needs. A
 * cgroup limit is how a node is deployed with a memory budget (systemd MemoryMax, a container's
 * --memory); running the devnet under one measures whether the node keeps up within that budget
 * (docs/NODE.md "Under a memory limit").
 *
 * cgroup v1 (the memory controller's own hierarchy) and v2 (a unified hierarchy whose parent
 * group delegates the memory controller) are both handled; anything else, or a hierarchy this
 * process may not write, is a typed DevnetError naming what was tried.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DevnetError } from './errors.js';

/** A command line to run (the supervisor's NodeCommand has this shape; not imported: no cycle). */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export type CgroupVersion = 1 | 2;

/** Where the memory controller of this process's cgroup lives. */
export interface MemoryCgroupParent {
  readonly version: CgroupVersion;
  /** Directory of this process's memory cgroup. */
  readonly dir: string;
}

/** One node's memory figures from its cgroup, in bytes. */
export interface MemoryCgroupStats {
  readonly limit: number;
  /** Charged now: anonymous memory plus the page cache the group uses. */
  readonly usage: number;
  /** Highest charge since the group was made (v1 max_usage_in_bytes, v2 memory.peak). */
  readonly peak: number;
  /** Processes of the group the kernel's OOM killer killed. */
  readonly oomKills: number;
}

/** Smallest limit accepted: a node process does not start in less. */
export const MIN_MEMORY_LIMIT_BYTES = 64 * 1024 * 1024;

interface MountEntry {
  readonly fsType: string;
  readonly mountPoint: string;
  readonly root: string;
  readonly superOptions: readonly string[];
}

function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    // mountinfo(5): id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    out.push({ root: left[3]!, mountPoint: left[4]!, fsType: right[0]!, superOptions: right[2]!.split(',') });
  }
  return out;
}

/**
 * Finds the memory cgroup of this process from /proc/self/cgroup and /proc/self/mountinfo
 * (`proc` is the /proc directory: tests pass a fixture). v1 first: where both are mounted the
 * memory controller belongs to v1.
 */
export function findMemoryCgroup(proc = '/proc'): MemoryCgroupParent {
  const read = (f: string): string => {
    try {
      return readFileSync(join(proc, f), 'utf8');
    } catch (err) {
      throw new DevnetError({ code: 'DEVNET_NO_MEMORY_CGROUP', reason: `cannot read ${join(proc, f)}: ${err instanceof Error ? err.message : String(err)}` });
    }
  };
  const mounts = parseMountInfo(read('self/mountinfo'));
  const lines = read('self/cgroup')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const first = l.indexOf(':');
      const second = l.indexOf(':', first + 1);
      return { controllers: l.slice(first + 1, second).split(','), path: l.slice(second + 1) };
    });
  const under = (mount: MountEntry, path: string): string => {
    // The mount shows the hierarchy from `root`; the process's path is relative to the hierarchy.
    const rel = mount.root === '/' ? path : path.startsWith(mount.root) ? path.slice(mount.root.length) : path;
    return join(mount.mountPoint, rel);
  };
  const v1 = lines.find((l) => l.controllers.includes('memory'));
  const v1Mount = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes('memory'));
  if (v1 !== undefined && v1Mount !== undefined) return { version: 1, dir: under(v1Mount, v1.path) };
  const v2 = lines.find((l) => l.controllers.length === 1 && l.controllers[0] === '');
  const v2Mount = mounts.find((m) => m.fsType === 'cgroup2');
  if (v2 !== undefined && v2Mount !== undefined) return { version: 2, dir: under(v2Mount, v2.path) };
  throw new DevnetError({ code: 'DEVNET_NO_MEMORY_CGROUP', reason: 'no cgroup v1 memory controller and no cgroup v2 hierarchy is mounted' });
}

const FILES = {
  1: { limit: 'memory.limit_in_bytes', usage: 'memory.usage_in_bytes', peak: 'memory.max_usage_in_bytes' },
  2: { limit: 'memory.max', usage: 'memory.current', peak: 'memory.peak' },
} as const;

/** A memory cgroup per node index under one parent group made for this devnet. */
export class NodeMemoryLimits {
  private readonly made = new Set<number>();
  private readonly root: string;

  /**
   * Makes `<parent>/<name>`; throws DevnetError when the hierarchy cannot be written or has no
   * memory controller there.
   */
  constructor(
    private readonly parent: MemoryCgroupParent,
    name: string,
    readonly limitBytes: number,
  ) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < MIN_MEMORY_LIMIT_BYTES) {
      throw new DevnetError({ code: 'DEVNET_BAD_MEMORY_LIMIT', bytes: limitBytes, min: MIN_MEMORY_LIMIT_BYTES });
    }
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new DevnetError({ code: 'DEVNET_NO_MEMORY_CGROUP', reason: `bad group name ${JSON.stringify(name)}` });
    this.root = join(parent.dir, name);
    this.makeGroup(this.root);
    if (parent.version === 2) this.write(join(this.root, 'cgroup.subtree_control'), '+memory');
  }

  /** Directory of node `index`'s group. */
  groupDir(index: number): string {
    return join(this.root, `node-${index}`);
  }

  /**
   * The command that runs `cmd` inside node `index`'s group, made (with the limit) now: a
   * POSIX shell writes its own pid into the group and execs the node, so the node keeps the
   * pid the supervisor sees and every page it ever touches is charged to the group.
   */
  wrap(index: number, cmd: CommandLine): CommandLine {
    const dir = this.groupDir(index);
    if (!this.made.has(index)) {
      this.makeGroup(dir);
      this.write(join(dir, FILES[this.parent.version].limit), String(this.limitBytes));
      this.made.add(index);
    }
    const procs = join(dir, 'cgroup.procs');
    return {
      command: '/bin/sh',
      args: ['-c', 'echo $$ > "$0" && exec "$@"', procs, cmd.command, ...cmd.args],
      ...(cmd.env === undefined ? {} : { env: cmd.env }),
    };
  }

  stats(index: number): MemoryCgroupStats {
    const dir = this.groupDir(index);
    const f = FILES[this.parent.version];
    const num = (file: string): number => {
      const text = readFileSync(join(dir, file), 'utf8').trim();
      return text === 'max' ? Number.POSITIVE_INFINITY : Number(text);
    };
    return { limit: num(f.limit), usage: num(f.usage), peak: existsSync(join(dir, f.peak)) ? num(f.peak) : Number.NaN, oomKills: this.oomKills(dir) };
  }

  /** Removes every group made (their processes must have exited: the kernel refuses otherwise). */
  remove(): void {
    for (const index of this.made) {
      try {
        rmdirSync(this.groupDir(index));
      } catch {
        // still has a process, or gone already: the parent's rmdir below fails too, harmlessly
      }
    }
    this.made.clear();
    try {
      rmdirSync(this.root);
    } catch {
      // see above
    }
  }

  private oomKills(dir: string): number {
    // v1: memory.oom_control has "oom_kill N" (Linux 4.13+); v2: memory.events has "oom_kill N".
    const file = join(dir, this.parent.version === 1 ? 'memory.oom_control' : 'memory.events');
    if (!existsSync(file)) return 0;
    const m = /^oom_kill (\d+)$/m.exec(readFileSync(file, 'utf8'));
    return m === null ? 0 : Number(m[1]);
  }

  private makeGroup(dir: string): void {
    try {
      mkdirSync(dir, { recursive: false });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DevnetError({ code: 'DEVNET_NO_MEMORY_CGROUP', reason: `cannot make ${dir}: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    if (!existsSync(join(dir, FILES[this.parent.version].limit))) {
      throw new DevnetError({ code: 'DEVNET_NO_MEMORY_CGROUP', reason: `${dir} has no ${FILES[this.parent.version].limit}: the memory controller is not enabled there` });
    }
  }

  private write(file: string, text: string): void {
    try {
      writeFileSync(file, text);
    } catch (err) {
      throw new DevnetError({ code: 'DEVNET_NO_MEMORY_CGROUP', reason: `cannot write ${file}: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
}
