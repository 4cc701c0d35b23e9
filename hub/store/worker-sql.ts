/**
 * The hub's relational SQLite in its own thread (./sql-worker.ts): the port (./sql.ts) hands each
 * statement over and waits for its answer, so the hub's event loop (ingest, the dashboard) never
 * waits on SQLite's lock or disk. A refused statement comes back as an error with SQLite's code, so
 * repositories read a broken constraint as on any store (`violationOf`).
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../shared/logger.js';
import type { Migration } from './database.js';
import { type OpenedSql, SqliteSql, type SqliteStatements, type SqlRun, type SqlValue } from './sql.js';
import type { StoreBacklog } from './store.js';
import { PendingCalls, startStoreThread, threadReady } from './store-thread.js';

export type ToSqlThread = { id: number } & (
  | { op: 'all' | 'one' | 'run'; sql: string; params: readonly SqlValue[] }
  | { op: 'begin' | 'commit' | 'rollback' | 'close' }
  | { op: 'migrate'; migrations: readonly Migration[] }
);

export type FromSqlThread =
  | { type: 'ready' }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; code?: string };

class ThreadStatements implements SqliteStatements {
  private readonly pending = new PendingCalls<null>();
  private closing = false;

  constructor(
    private readonly thread: Worker,
    private readonly file: string,
    log: Logger,
  ) {
    thread.on('message', (m: FromSqlThread) => {
      if ('type' in m) return;
      this.pending.settle(
        m.id,
        m.ok
          ? { value: m.value }
          : { error: () => Object.assign(new Error(m.message), m.code ? { code: m.code } : {}) },
      );
    });
    const fail = (err: Error) => {
      if (this.pending.fail(err)) log.error({ err: err.message, file }, 'relational store thread failed');
    };
    thread.on('error', (err) => fail(new Error(`relational store thread failed: ${err.message}`)));
    thread.on('exit', (code) => {
      if (!this.closing) fail(new Error(`relational store thread exited (${code})`));
    });
  }

  private call(op: ToSqlThread['op'], body: object): Promise<unknown> {
    if (this.pending.failure) return Promise.reject(this.pending.failure);
    if (this.closing) return Promise.reject(new Error(`store ${this.file} is closed`));
    const { id, answer } = this.pending.add(null);
    this.thread.postMessage({ id, op, ...body } as ToSqlThread);
    return answer;
  }

  backlog(): StoreBacklog {
    return this.pending.backlog();
  }

  all(sql: string, params: readonly SqlValue[]): Promise<unknown[]> {
    return this.call('all', { sql, params }) as Promise<unknown[]>;
  }

  one(sql: string, params: readonly SqlValue[]): Promise<unknown> {
    return this.call('one', { sql, params });
  }

  run(sql: string, params: readonly SqlValue[]): Promise<SqlRun> {
    return this.call('run', { sql, params }) as Promise<SqlRun>;
  }

  async begin(): Promise<void> {
    await this.call('begin', {});
  }

  async commit(): Promise<void> {
    await this.call('commit', {});
  }

  async rollback(): Promise<void> {
    await this.call('rollback', {});
  }

  async migrate(migrations: readonly Migration[]): Promise<void> {
    await this.call('migrate', { migrations });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    if (!this.pending.failure) await this.call('close', {}).catch(() => {});
    this.closing = true;
    await this.thread.terminate();
  }
}

/** `file`'s relational store in its own thread; rejects with the reason when the file cannot be opened. */
export async function openWorkerSql(file: string, log: Logger): Promise<OpenedSql> {
  const thread = startStoreThread('sql-worker', { file });
  try {
    await threadReady(thread, `store ${file}`);
  } catch (err) {
    await thread.terminate();
    throw err;
  }
  const statements = new ThreadStatements(thread, file, log);
  const sql = new SqliteSql(statements);
  return {
    sql,
    migrate: (migrations) => sql.migrate(migrations),
    backlog: () => statements.backlog(),
    close: () => statements.close(),
  };
}
