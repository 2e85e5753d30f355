/**
 * The machine a benchmark ran on, for the JSON line every benchmark prints: figures without the
 * CPU, core count and Node version they were measured with cannot be compared.
 */
import os from 'node:os';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: NodeJS.Platform;
  readonly arch: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  };
}
