/**
 * Runs a devnet's nodes as child processes: spawn, wait until each reports ready on /status,
 * kill (SIGKILL for crash tests), restart, and stop them all (SIGTERM, then SIGKILL after a
 * grace period) so no process and no port outlives the supervisor. Each child's stdout and
 * stderr go to files in its folder; its pino log to node.log.
 *
 * The command that starts one node is given by the caller (the CLI passes `thermo node
 * --config FILE`): this module does not know where the CLI lives.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { NodeClient } from '../client/index.js';
import type { StatusJson } from '../client/index.js';
import type { DevnetLayout, DevnetNodeLayout } from './layout.js';
import type { NodeMemoryLimits } from './memory-limit.js';

export interface NodeCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment for this child (merged over the supervisor's). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface SupervisorOptions {
  readonly layout: DevnetLayout;
  /** The command line that runs one node from its config file. */
  readonly nodeCommand: (configPath: string) => NodeCommand;
  readonly env?: NodeJS.ProcessEnv;
  /** Called when a child exits on its own (not through kill/stop). */
  readonly onExit?: (index: number, code: number | null, signal: string | null) => void;
  /** Runs each node in its own memory cgroup with this limit (memory-limit.ts). */
  readonly memoryLimits?: NodeMemoryLimits;
}

interface Child {
  proc: ChildProcess;
  exited: Promise<void>;
  expectedExit: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class DevnetSupervisor {
  private readonly children = new Map<number, Child>();
  private stopping = false;
  readonly clients: readonly NodeClient[];

  constructor(private readonly o: SupervisorOptions) {
    this.clients = o.layout.nodes.map((n) => new NodeClient(n.apiUrl, 2000));
  }

  get nodes(): readonly DevnetNodeLayout[] {
    return this.o.layout.nodes;
  }

  isRunning(index: number): boolean {
    return this.children.has(index);
  }

  pid(index: number): number | undefined {
    return this.children.get(index)?.proc.pid;
  }

  /** Starts node `index` (no-op when it runs). */
  spawn(index: number): void {
    if (this.children.has(index)) return;
    const n = this.o.layout.nodes[index]!;
    const base = this.o.nodeCommand(n.configPath);
    const cmd = this.o.memoryLimits === undefined ? base : this.o.memoryLimits.wrap(index, base);
    const proc = spawn(cmd.command, [...cmd.args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...(this.o.env ?? process.env), ...cmd.env } });
    const out = createWriteStream(join(n.dir, 'stdout.log'), { flags: 'a' });
    const err = createWriteStream(join(n.dir, 'stderr.log'), { flags: 'a' });
    proc.stdout?.pipe(out);
    proc.stderr?.pipe(err);
    const child: Child = {
      proc,
      expectedExit: this.stopping,
      exited: new Promise((resolve) => {
        proc.once('exit', (code, signal) => {
          this.children.delete(index);
          if (!child.expectedExit) this.o.onExit?.(index, code, signal);
          resolve();
        });
      }),
    };
    this.children.set(index, child);
  }

  spawnAll(): void {
    for (const n of this.o.layout.nodes) this.spawn(n.index);
  }

  /** Status of node `index`, or null when it does not answer. */
  async status(index: number): Promise<StatusJson | null> {
    try {
      return await this.clients[index]!.status();
    } catch {
      return null;
    }
  }

  /**
   * Waits until the given nodes answer /status with ready and see at least `minPeers`
   * validators; throws after `timeoutMs` naming the nodes that are not ready.
   */
  async waitReady(indices: readonly number[], timeoutMs: number, minPeers = 1, onProgress?: (ready: number) => void): Promise<void> {
    const end = Date.now() + timeoutMs;
    const ready = new Set<number>();
    while (Date.now() < end) {
      for (const i of indices) {
        if (ready.has(i)) continue;
        if (!this.children.has(i)) throw new Error(`node ${i} exited while starting (see ${join(this.o.layout.nodes[i]!.dir, 'stderr.log')})`);
        const s = await this.status(i);
        if (s !== null && s.ready && s.validatorPeers >= minPeers) ready.add(i);
      }
      onProgress?.(ready.size);
      if (ready.size === indices.length) return;
      await sleep(200);
    }
    const missing = indices.filter((i) => !ready.has(i));
    throw new Error(`nodes ${missing.join(', ')} not ready after ${timeoutMs} ms (see their stderr.log / node.log)`);
  }

  /**
   * From now on, exits are expected (a Ctrl-C in a terminal reaches the nodes too, since they
   * share the process group): they are not reported through `onExit`.
   */
  expectExits(): void {
    this.stopping = true;
    for (const c of this.children.values()) c.expectedExit = true;
  }

  /** Sends `signal` to node `index` and waits for it to exit. */
  async kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = this.children.get(index);
    if (c === undefined) return;
    c.expectedExit = true;
    c.proc.kill(signal);
    await c.exited;
  }

  async restart(index: number): Promise<void> {
    await this.kill(index, 'SIGKILL');
    this.spawn(index);
  }

  /** SIGTERM every node, SIGKILL what is left after `graceMs`. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const all = [...this.children.entries()];
    for (const [, c] of all) {
      c.expectedExit = true;
      c.proc.kill('SIGTERM');
    }
    const deadline = sleep(graceMs).then(() => 'timeout' as const);
    for (const [, c] of all) {
      const r = await Promise.race([c.exited.then(() => 'done' as const), deadline]);
      if (r === 'timeout') {
        c.proc.kill('SIGKILL');
        await c.exited;
      }
    }
  }

  /** Synchronous last resort for process exit handlers: SIGKILL every child. */
  killAllNow(): void {
    for (const c of this.children.values()) {
      c.expectedExit = true;
      try {
        c.proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Node flags and environment for a node process, chosen by measurement (docs/NODE.md): a
 * bounded old space makes V8 collect instead of growing the heap (a busy node's live heap is
 * ~70-90 MB, its garbage is not), smaller semi-spaces trim the young generation, and two
 * malloc arenas stop glibc from keeping one arena per thread.
 */
export const NODE_PROCESS_FLAGS: readonly string[] = Object.freeze(['--max-old-space-size=256', '--max-semi-space-size=4']);
export const NODE_PROCESS_ENV: Readonly<Record<string, string>> = Object.freeze({ MALLOC_ARENA_MAX: '2' });

/** `node <flags> --import tsx <script> ...args`: how a TypeScript entry runs as a child process. */
export function tsxCommand(script: string, args: readonly string[], tsxLoaderUrl: string): NodeCommand {
  return { command: process.execPath, args: [...NODE_PROCESS_FLAGS, '--import', tsxLoaderUrl, script, ...args], env: NODE_PROCESS_ENV };
}
