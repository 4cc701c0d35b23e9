/**
 * The HubStore contract against the SQLite store, through a stand-in for its worker thread: the
 * synchronous calls answered on a later turn of the event loop, in order, counted in the backlog.
 */
import { openDatabase } from '../../hub/store/database.js';
import { SqliteStore } from '../../hub/store/sqlite-store.js';
import type { HubStore } from '../../hub/store/store.js';
import { describeStoreContract } from '../helpers/store-contract.js';

function promisedSqliteStore(): HubStore {
  const db = openDatabase(':memory:');
  const sync = new SqliteStore(db);
  const pending = new Map<Promise<unknown>, Date>();
  const call = <T>(work: () => T): Promise<T> => {
    const answer = new Promise<T>((resolve, reject) =>
      setImmediate(() => {
        pending.delete(answer);
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      }),
    );
    pending.set(answer, new Date());
    return answer;
  };
  return {
    insertEvent: (...args) => call(() => sync.insertEvent(...args)),
    listEvents: (...args) => call(() => sync.listEvents(...args)),
    insertTransition: (...args) => call(() => sync.insertTransition(...args)),
    insertSample: (...args) => call(() => sync.insertSample(...args)),
    listSamples: (...args) => call(() => sync.listSamples(...args)),
    lastHeard: () => call(() => sync.lastHeard()),
    listTransitions: (...args) => call(() => sync.listTransitions(...args)),
    listEnergy: (...args) => call(() => sync.listEnergy(...args)),
    backlog: () => {
      const oldest = pending.values().next();
      return { pending: pending.size, oldestSince: oldest.done ? null : oldest.value };
    },
    close: async () => {
      await Promise.allSettled(pending.keys());
      if (db.open) db.close();
    },
  };
}

describeStoreContract(
  'SQLite (promised in the test)',
  async () => promisedSqliteStore(),
  (store) => store.close(),
);
