// Child process of crash.test.ts: writes to a SqliteStore as fast as it can and prints each
// write only after its promise resolved, until the parent kills it with SIGKILL.
// Line format: "<n> <item revision> <counter revision>".
import { openSqliteStore } from './sqliteStore.js';

const path = process.argv[2];
if (!path) throw new Error('usage: crashWriter <database path>');
const store = openSqliteStore({ path });
let counter = await store.create('/crash/counter', '0');
for (let n = 0; ; n++) {
  const item = await store.create(`/crash/items/${String(n).padStart(8, '0')}`, JSON.stringify({ n, pad: 'x'.repeat(200) }));
  counter = await store.update('/crash/counter', String(n), counter.modRevision);
  process.stdout.write(`${n} ${item.modRevision} ${counter.modRevision}\n`);
  // Let stdout drain to the parent; a tight await loop never returns to the event loop.
  if (n % 64 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
}
