// Child-process entry of the deep store check (deep-check.ts), in plain JavaScript so it
// starts in a fraction of a second (no TypeScript loader): `node check-child.mjs <storePath>`.
// It mirrors checksum.ts (tag = SHA-256(db || 0 || key || 0 || payload)[0..8] in front of every
// value) and the metadata check of file-check.ts is done by the parent before spawning it.
// Prints one JSON line, {"ok": true} or {"ok": false, "code", "reason"}. If lmdb crashes on
// damaged pages this process dies by the signal, and the parent reports the store as damaged.
import { createHash } from 'node:crypto';
import { open } from 'lmdb';

const DB_NAMES = ['meta', 'records', 'final', 'heights', 'values', 'txs', 'keys'];
const CHECKSUM_BYTES = 8;
const ZERO = Buffer.of(0);

function tagOf(db, key, payload) {
  return createHash('sha256').update(db).update(ZERO).update(String(key)).update(ZERO).update(payload).digest().subarray(0, CHECKSUM_BYTES);
}

function check(path) {
  const env = open({ path, readOnly: true, maxDbs: 16, encoding: 'binary' });
  try {
    for (const name of DB_NAMES) {
      const db = env.openDB({ name, encoding: 'binary' });
      for (const { key, value } of db.getRange()) {
        const ok = value.length >= CHECKSUM_BYTES && tagOf(name, key, value.subarray(CHECKSUM_BYTES)).equals(value.subarray(0, CHECKSUM_BYTES));
        if (!ok) return { ok: false, code: 'STORE_CORRUPT', reason: `checksum mismatch in ${name}/${String(key)}` };
      }
    }
  } finally {
    void env.close();
  }
  return { ok: true };
}

const path = process.argv[2];
let verdict;
try {
  verdict = path === undefined ? { ok: false, code: 'STORE_IO', reason: 'no store path given' } : check(path);
} catch (err) {
  verdict = { ok: false, code: 'STORE_CORRUPT', reason: err instanceof Error ? err.message : String(err) };
}
process.stdout.write(`${JSON.stringify(verdict)}\n`);
