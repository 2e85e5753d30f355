/**
 * Node logs through pino: JSON lines to a file (one per node in a devnet) and, unless turned
 * off, concise human lines on stderr ("12:01:02 INFO  [node1] finalized height=42").
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger } from 'pino';

const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name']);

/** A destination that renders pino's JSON lines as one short line each. */
export function conciseStream(write: (line: string) => void): DestinationStream {
  return {
    write(chunk: string): void {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(chunk) as Record<string, unknown>;
      } catch {
        write(chunk);
        return;
      }
      const t = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 19) : '';
      const lvl = LEVELS[typeof o.level === 'number' ? o.level : 30] ?? 'INFO ';
      const name = typeof o.name === 'string' ? ` [${o.name}]` : '';
      const rest = Object.entries(o)
        .filter(([k]) => !SKIP.has(k))
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(' ');
      write(`${t} ${lvl}${name} ${String(o.msg ?? '')}${rest === '' ? '' : ` ${rest}`}\n`);
    },
  };
}

export interface LogOptions {
  readonly name: string;
  readonly level: string;
  readonly file?: string;
  readonly console: boolean;
}

export function createLogger(o: LogOptions): Logger {
  const streams: { stream: DestinationStream; level: pino.Level }[] = [];
  const level = (o.level === 'silent' ? 'fatal' : o.level) as pino.Level;
  if (o.file !== undefined) {
    mkdirSync(dirname(o.file), { recursive: true });
    streams.push({ stream: pino.destination({ dest: o.file, sync: false, mkdir: true }), level });
  }
  if (o.console) streams.push({ stream: conciseStream((line) => process.stderr.write(line)), level });
  if (streams.length === 0 || o.level === 'silent') return pino({ name: o.name, level: 'silent' });
  return pino({ name: o.name, level, base: { name: o.name } }, pino.multistream(streams));
}
