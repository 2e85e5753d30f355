/**
 * Child-process entry of the deep store check (deep-check.ts): `node --import tsx check-main.ts
 * <storePath>`. Prints one JSON line, {ok: true} or {ok: false, code, reason}. If lmdb crashes
 * on damaged pages, this process dies by the signal and the parent reports it.
 */
import { open } from 'lmdb';
import { join } from 'node:path';
import { isThermoError } from '../../core/index.js';
import { unseal } from './checksum.js';
import { checkDataFile } from './file-check.js';

const DB_NAMES = ['meta', 'records', 'final', 'heights', 'values', 'txs', 'keys'];

function main(path: string): { ok: true } | { ok: false; code: string; reason: string } {
  checkDataFile(join(path, 'data.mdb'));
  const env = open({ path, readOnly: true, maxDbs: 16, encoding: 'binary' });
  try {
    for (const name of DB_NAMES) {
      const db = env.openDB<Uint8Array, string | number>({ name, encoding: 'binary' });
      for (const { key, value } of db.getRange()) {
        if (unseal(name, key, value) === null) return { ok: false, code: 'STORE_CORRUPT', reason: `checksum mismatch in ${name}/${String(key)}` };
      }
    }
  } finally {
    void env.close();
  }
  return { ok: true };
}

const path = process.argv[2];
let verdict: { ok: boolean; code?: string; reason?: string };
if (path === undefined) verdict = { ok: false, code: 'STORE_IO', reason: 'no store path given' };
else {
  try {
    verdict = main(path);
  } catch (err) {
    verdict = isThermoError(err)
      ? { ok: false, code: err.code, reason: err.message }
      : { ok: false, code: 'STORE_CORRUPT', reason: err instanceof Error ? err.message : String(err) };
  }
}
process.stdout.write(`${JSON.stringify(verdict)}\n`);
