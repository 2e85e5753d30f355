/**
 * Child process of the store crash harness: opens the store in argv[2] and writes batches
 * batchOf(k), k = next seq, next seq + 1, ... forever, printing `begin k` before each write and
 * `done k` once its commit promise resolved (durable). The parent SIGKILLs it at chosen moments.
 */
import { NodeStore } from '../../../src/node/store/index.js';
import { GENESIS, batchOf } from './store-model.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: store-writer DATA_DIR');
const { store } = await NodeStore.open({ dataDir: dir, genesisHash: GENESIS });
let k = store.lastFinalizedSeq + 1;
process.stdout.write(`start ${k}\n`);
for (;;) {
  process.stdout.write(`begin ${k}\n`);
  await store.write(batchOf(k));
  process.stdout.write(`done ${k}\n`);
  k++;
}
