/**
 * The thread that owns the SQLite store: the hub's event loop hands it calls and goes on, so a slow
 * disk, a checkpoint or a lock held by someone else (an operator's `sqlite3` shell left in a
 * transaction, a backup) delays only the acknowledgements waiting on those rows, never ingest or the
 * dashboard. Calls run in the order they were handed over; a batch whose database is locked is run
 * again until the lock goes, so nothing is failed for being late.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, STORE_THREAD_BUSY_MS } from './database.js';
import { SqliteStore } from './sqlite-store.js';
import { isBusy, runAlone, runTogether, type StoreCall, type StoreResult } from './store-batch.js';
import type { FromStoreThread, ToStoreThread } from './worker-store.js';

const LOCKED_RETRY_MS = 100;

const port = parentPort;
if (!port) throw new Error('store-worker.ts runs as a worker thread');
const { file } = workerData as { file: string };
const db = openDatabase(file, STORE_THREAD_BUSY_MS);
const store = new SqliteStore(db);
const post = (message: FromStoreThread) => port.postMessage(message);

/** Runs `attempt` until the database is not locked; the waiting shows in the hub's backlog. */
async function untilUnlocked<T>(attempt: () => T): Promise<T> {
  for (;;) {
    try {
      return attempt();
    } catch (err) {
      if (!isBusy(err)) throw err;
      await delay(LOCKED_RETRY_MS);
    }
  }
}

async function run(calls: StoreCall[]): Promise<StoreResult[]> {
  try {
    return await untilUnlocked(() => runTogether(db, store, calls));
  } catch {
    // One of them failed and the transaction committed nothing: each alone, so only it fails.
    const results: StoreResult[] = [];
    for (const call of calls) results.push(await untilUnlocked(() => runAlone(db, store, call)));
    return results;
  }
}

let queue = Promise.resolve();
port.on('message', (message: ToStoreThread) => {
  queue = queue.then(async () => {
    if (message.type === 'calls') {
      post({ type: 'results', results: await run(message.calls) });
    } else {
      db.close();
      post({ type: 'closed' });
      port.close();
    }
  });
});
post({ type: 'ready' });
