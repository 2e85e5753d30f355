/**
 * A fault-injection gate for reliability tests: disconnects this node from chosen peers (or
 * from every peer) without root, network namespaces or a proxy.
 *
 * Off unless the environment names a file: `THERMO_FAULT_GATE=/path/to/gate.json`. The gate
 * polls that file (every 100 ms) and applies its contents:
 *
 *   {"isolate": true}                      refuse every peer
 *   {"block": ["12D3KooW...", ...]}        refuse these peer ids
 *   {} or a missing / unreadable file      refuse nothing
 *
 * "Refuse" means: the libp2p connection gater denies dials to and inbound connections from the
 * peer, open connections to it are hung up when the gate closes, and frames or gossip that
 * still arrive from it are dropped. Both directions are cut, so one node's gate is enough to
 * partition it. A node without the variable never reads a file and never pays a check beyond
 * one null test per frame.
 */
import { readFileSync } from 'node:fs';

export const FAULT_GATE_ENV = 'THERMO_FAULT_GATE';
const POLL_MS = 100;

export interface FaultGateState {
  readonly isolate: boolean;
  readonly block: ReadonlySet<string>;
}

const OPEN: FaultGateState = Object.freeze({ isolate: false, block: new Set<string>() });

/** Parses a gate file's text; anything malformed reads as an open gate (never throws). */
export function parseFaultGate(text: string): FaultGateState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return OPEN;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return OPEN;
  const r = raw as Record<string, unknown>;
  const isolate = r['isolate'] === true;
  const block = new Set<string>(Array.isArray(r['block']) ? r['block'].filter((x): x is string => typeof x === 'string') : []);
  return { isolate, block };
}

export class FaultGate {
  private state: FaultGateState = OPEN;
  private lastText = '';
  private timer: NodeJS.Timeout | null = null;
  private listener: (() => void) | null = null;

  constructor(private readonly file: string) {}

  /** The gate named by THERMO_FAULT_GATE, or null when the variable is unset or empty. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): FaultGate | null {
    const file = env[FAULT_GATE_ENV];
    return file === undefined || file === '' ? null : new FaultGate(file);
  }

  /** True when traffic with `peerId` is refused now. */
  blocks(peerId: string): boolean {
    return this.state.isolate || this.state.block.has(peerId);
  }

  /** Starts polling; `onClose` runs whenever the gate refuses more than before. */
  start(onClose: () => void): void {
    this.listener = onClose;
    this.poll();
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.listener = null;
  }

  /** Reads the file now (tests call this instead of waiting for the poll). */
  poll(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      text = '';
    }
    if (text === this.lastText) return;
    this.lastText = text;
    const next = text === '' ? OPEN : parseFaultGate(text);
    const closed = (next.isolate && !this.state.isolate) || [...next.block].some((p) => !this.state.block.has(p));
    this.state = next;
    if (closed) this.listener?.();
  }
}
