/**
 * The thread that owns the hub's relational SQLite connection (./worker-sql.ts hands it the
 * statements): a write waiting for another connection's lock (the events store's thread committing
 * a batch, an operator's `sqlite3` shell, a backup) waits here, never on the hub's event loop, up to
 * SQL_THREAD_BUSY_MS; past that it fails with SQLite's busy code, as it would have on the hub's
 * thread. Statements run one at a time in the order sent, so a read sees every write sent before it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, SQL_THREAD_BUSY_MS } from './database.js';
import { LocalStatements } from './sql.js';
import type { FromSqlThread, ToSqlThread } from './worker-sql.js';

const port = parentPort;
if (!port) throw new Error('sql-worker.ts runs as a worker thread');
const { file } = workerData as { file: string };
const statements = new LocalStatements(openDatabase(file, SQL_THREAD_BUSY_MS));
const post = (message: FromSqlThread) => port.postMessage(message);

function perform(m: ToSqlThread): Promise<unknown> {
  switch (m.op) {
    case 'all':
      return statements.all(m.sql, m.params);
    case 'one':
      return statements.one(m.sql, m.params);
    case 'run':
      return statements.run(m.sql, m.params);
    case 'begin':
      return statements.begin();
    case 'commit':
      return statements.commit();
    case 'rollback':
      return statements.rollback();
    case 'migrate':
      return statements.migrate(m.migrations);
    case 'close':
      return statements.close();
  }
}

let queue = Promise.resolve();
port.on('message', (m: ToSqlThread) => {
  queue = queue.then(async () => {
    try {
      post({ id: m.id, ok: true, value: await perform(m) });
    } catch (err) {
      const { message, code } = err as { message?: unknown; code?: unknown };
      post({
        id: m.id,
        ok: false,
        message: String(message),
        ...(typeof code === 'string' ? { code } : {}),
      });
    }
    if (m.op === 'close') port.close();
  });
});
post({ type: 'ready' });
