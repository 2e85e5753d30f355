/**
 * The machine a benchmark ran on, for the JSON line every benchmark prints: figures without the
 * CPU, core count and Node version they were measured with cannot be compared. A VM's model
 * string is often just the vendor's ("AMD EPYC"), so on Linux the CPU family and model numbers
 * from /proc/cpuinfo are added: they tell the generations apart (AMD family 23 = Zen 1/2,
 * 25 = Zen 3/4, 26 = Zen 5), and the same code measured 2-3x apart between two of them here.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  readonly cpu: string;
  /** "family F model M" from /proc/cpuinfo, or null where it cannot be read. */
  readonly cpu_id: string | null;
  readonly cores: number;
  readonly node: string;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
}

function cpuId(): string | null {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const family = /^cpu family\s*:\s*(\d+)/m.exec(info)?.[1];
    const model = /^model\s*:\s*(\d+)/m.exec(info)?.[1];
    return family === undefined || model === undefined ? null : `family ${family} model ${model}`;
  } catch {
    return null;
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cpu_id: cpuId(),
    cores: cpus.length,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  };
}
