/**
 * The deep store check, run in a CHILD process before the node opens its store. lmdb follows
 * page pointers without checking them, so damage inside the B-tree can crash the reading
 * process with SIGSEGV. The child opens the store read-only and reads every record through
 * its checksum; if it crashes or reports a bad record, the parent raises a StoreError with a
 * clear message instead of crashing on the same pages later.
 *
 * The child is plain JavaScript (check-child.mjs, mirroring checksum.ts), so it costs one bare
 * `node` start (~0.1 s) plus the read of the store per node start; `deepCheck: false` in the config
 * skips it (the in-process metadata check and checksums still run).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreError, corrupt } from './errors.js';
import { checkDataFile } from './file-check.js';
import type { DataFileCheck } from './file-check.js';
import { storePath } from './store.js';

/** Longest the child may take; a larger store needs a larger bound. */
export const DEEP_CHECK_TIMEOUT_MS = 120_000;
const CHILD = fileURLToPath(new URL('./check-child.mjs', import.meta.url));

/**
 * Resolves with the metadata check's result once every record read back intact (then a whole-page
 * unwritten tail is known benign: open the store with `tailVerified`); rejects with a StoreError.
 */
export function deepCheckStore(dataDir: string, timeoutMs = DEEP_CHECK_TIMEOUT_MS): Promise<DataFileCheck> {
  const path = storePath(dataDir);
  if (!existsSync(join(path, 'data.mdb'))) return Promise.resolve({ unwrittenTailPages: 0 });
  let fileCheck: DataFileCheck;
  try {
    // Truncation and meta damage: refused before lmdb maps the file. A whole-page tail past the
    // end with every root inside is left to the child: reading every record proves it benign.
    fileCheck = checkDataFile(join(path, 'data.mdb'), { tailVerified: true });
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < 64 * 1024) out += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 64 * 1024) err += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new StoreError({ code: 'STORE_IO', path, reason: `could not start the store check: ${e.message}` }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== null) {
        reject(corrupt(path, `lmdb crashed with ${signal} while reading it (damaged pages)`));
        return;
      }
      const line = out.trim().split('\n').pop() ?? '';
      let verdict: unknown;
      try {
        verdict = JSON.parse(line);
      } catch {
        reject(new StoreError({ code: 'STORE_IO', path, reason: `store check exited ${code}: ${err.trim().slice(-500)}` }));
        return;
      }
      if (typeof verdict === 'object' && verdict !== null && 'ok' in verdict && verdict.ok === true) {
        resolve(fileCheck);
        return;
      }
      const reason = typeof verdict === 'object' && verdict !== null && 'reason' in verdict ? String(verdict.reason) : 'unknown';
      reject(corrupt(path, reason));
    });
  });
}
