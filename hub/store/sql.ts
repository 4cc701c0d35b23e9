/**
 * The one asynchronous port every repository of the hub writes its rows through, with two
 * implementations: SQLite (the embedded default, one file beside the hub) and PostgreSQL (shared by
 * the hub instances of a group). A repository is written once, against this port, in the SQL both
 * databases understand, so the same code and the same contract suite cover both stores.
 *
 * The common dialect, as the repositories use it:
 * - placeholders are `?`, in order (turned into `$1, $2, …` for PostgreSQL);
 * - times are ISO-8601 text, compared as text (PostgreSQL columns `COLLATE "C"`, as SQLite compares);
 * - flags are integers 0/1, JSON is text, counts are `CAST(COUNT(*) AS INTEGER)`;
 * - `INSERT … ON CONFLICT … DO …` and `RETURNING` work on both;
 * - each migration is given for each database, since their DDL differs.
 */
import type Database from 'better-sqlite3';
import pg from 'pg';
import type { Logger } from '../../shared/logger.js';
import { applyMigrations, type Db, type Migration } from './database.js';
import { InFlight } from './in-flight.js';
import { applyPgMigrations, openCheckedPgPool } from './pg-database.js';
import type { StoreBacklog } from './store.js';

export type SqlValue = string | number | bigint | null;

export interface SqlRun {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export interface Sql {
  readonly dialect: 'sqlite' | 'pg';
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row, or undefined. */
  one<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<SqlRun>;
  /**
   * Runs `work` as one transaction: all of it or none. On PostgreSQL it is serialisable and tried
   * again (up to 5 times) when the database refuses it for a concurrent one, so `work` must only
   * read and write through `tx` and may run more than once. Called on `tx`, it joins the transaction.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

export interface SqlMigration {
  /** Unique and never changed once released, e.g. `meetings-1`: the same id on both databases. */
  id: string;
  sqlite: string;
  pg: string;
}

/** What a refused write broke, whatever the database: repositories turn it into their own error. */
export type SqlViolation = 'unique' | 'exclusion' | 'foreign-key' | 'check' | 'not-null';

export function violationOf(err: unknown): SqlViolation | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  switch (code) {
    case '23505':
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return 'unique';
    case '23P01':
      return 'exclusion';
    case '23503':
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return 'foreign-key';
    case '23514':
    case 'SQLITE_CONSTRAINT_CHECK':
      return 'check';
    case '23502':
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return 'not-null';
    default:
      return null;
  }
}

/** Statements already converted: a hub runs the same few hundred texts over and over. */
const pgTexts = new Map<string, string>();
const PG_TEXTS_KEPT = 1000;

/**
 * `?` placeholders as PostgreSQL's `$n`, leaving quoted text and identifiers alone. One `replace`
 * (a flat string): built a character at a time, each text was a chain of thousands of one-character
 * pieces, kept as long as its query waited for a connection (46 MB at 10,000 rooms).
 */
export function toPgPlaceholders(sql: string): string {
  const known = pgTexts.get(sql);
  if (known !== undefined) return known;
  let n = 0;
  const text = sql.replace(/'[^']*(?:'|$)|"[^"]*(?:"|$)|\?/g, (m) => (m === '?' ? `$${++n}` : m));
  if (pgTexts.size < PG_TEXTS_KEPT) pgTexts.set(sql, text);
  return text;
}

const ignore = () => {};

/**
 * SQLite's statements, run where its connection is: on the calling thread (`LocalStatements`: the
 * command line, tests) or in the store's own thread (./worker-sql.ts: the hub, whose event loop
 * must never wait on SQLite's lock).
 */
export interface SqliteStatements {
  all(sql: string, params: readonly SqlValue[]): Promise<unknown[]>;
  one(sql: string, params: readonly SqlValue[]): Promise<unknown>;
  run(sql: string, params: readonly SqlValue[]): Promise<SqlRun>;
  /** BEGIN IMMEDIATE: the write lock at once, so another writer cannot make the transaction fail halfway. */
  begin(): Promise<void>;
  commit(): Promise<void>;
  /** Rolls the open transaction back, unless SQLite already did. */
  rollback(): Promise<void>;
  /** Migrations not yet applied, each in its own transaction. */
  migrate(migrations: readonly Migration[]): Promise<void>;
  close(): Promise<void>;
}

/** better-sqlite3 on this thread: each statement prepared once. */
export class LocalStatements implements SqliteStatements {
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(readonly db: Db) {}

  async all(sql: string, params: readonly SqlValue[]): Promise<unknown[]> {
    return this.statement(sql).all(...params);
  }

  async one(sql: string, params: readonly SqlValue[]): Promise<unknown> {
    return this.statement(sql).get(...params);
  }

  async run(sql: string, params: readonly SqlValue[]): Promise<SqlRun> {
    return { changes: this.statement(sql).run(...params).changes };
  }

  async begin(): Promise<void> {
    this.db.exec('BEGIN IMMEDIATE');
  }

  async commit(): Promise<void> {
    this.db.exec('COMMIT');
  }

  async rollback(): Promise<void> {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  async migrate(migrations: readonly Migration[]): Promise<void> {
    applyMigrations(this.db, migrations);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private statement(sql: string): Database.Statement {
    let s = this.prepared.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.prepared.set(sql, s);
    }
    return s;
  }
}

/**
 * SQLite as the port. A transaction may wait on other work between its statements (`await` in
 * `work`), so while one is open every other call waits for it, rather than slipping its statements
 * into it.
 */
export class SqliteSql implements Sql {
  readonly dialect = 'sqlite';
  private open: Promise<unknown> | null = null;

  constructor(readonly statements: SqliteStatements) {}

  /** On a database this thread opened. */
  static local(db: Db): SqliteSql {
    return new SqliteSql(new LocalStatements(db));
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    while (this.open) await this.open.catch(ignore);
    return (await this.statements.all(sql, params)) as T[];
  }

  async one<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    while (this.open) await this.open.catch(ignore);
    return (await this.statements.one(sql, params)) as T | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<SqlRun> {
    while (this.open) await this.open.catch(ignore);
    return this.statements.run(sql, params);
  }

  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    // Checked again after each wait, and nothing awaited between the check and opening: another
    // caller may have opened a transaction while this one waited.
    while (this.open) await this.open.catch(ignore);
    const tx = new SqliteTransaction(this.statements);
    const done = (async () => {
      await this.statements.begin();
      try {
        const result = await work(tx);
        await this.statements.commit();
        return result;
      } catch (err) {
        await this.statements.rollback();
        throw err;
      } finally {
        tx.ended = true;
      }
    })();
    this.open = done;
    try {
      return await done;
    } finally {
      if (this.open === done) this.open = null;
    }
  }

  /** Migrations not yet applied, each in its own transaction. */
  migrate(migrations: readonly SqlMigration[]): Promise<void> {
    return this.statements.migrate(migrations.map((m) => ({ id: m.id, sql: m.sqlite })));
  }
}

/** The statements of one open SQLite transaction: they run at once, inside it. */
class SqliteTransaction implements Sql {
  readonly dialect = 'sqlite';
  ended = false;

  constructor(private readonly statements: SqliteStatements) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    this.check();
    return (await this.statements.all(sql, params)) as T[];
  }

  async one<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    this.check();
    return (await this.statements.one(sql, params)) as T | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<SqlRun> {
    this.check();
    return this.statements.run(sql, params);
  }

  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return work(this);
  }

  private check(): void {
    if (this.ended) throw new Error('a statement after its transaction ended');
  }
}

/** PostgreSQL's codes for a transaction refused because of a concurrent one: worth trying again. */
const RETRYABLE = new Set(['40001', '40P01']);
const TRANSACTION_TRIES = 5;
/** The first retry waits up to twice this, the next up to four times, and so on. */
const RETRY_BACKOFF_MS = 5;

/**
 * PostgreSQL: a pool shared by the hub's repositories. `bigint` (counts, identities) is read as a
 * number: the hub's counts and ids stay far below 2^53.
 */
export class PgSql implements Sql {
  readonly dialect = 'pg';

  private constructor(
    private readonly runner: pg.Pool | pg.PoolClient,
    private readonly pool: pg.Pool | null,
    /** The pool's statements and transactions not yet answered; inside a transaction, its own count. */
    private readonly inFlight: InFlight | null,
  ) {}

  static fromPool(pool: pg.Pool): PgSql {
    return new PgSql(pool, pool, new InFlight());
  }

  /** What waits on the server, as SQLite's thread counts it: a statement waits there just as long. */
  backlog(): StoreBacklog {
    return this.inFlight?.backlog() ?? { pending: 0, oldestSince: null };
  }

  private counted<T>(answer: Promise<T>): Promise<T> {
    return this.inFlight ? this.inFlight.track(answer) : answer;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.counted(
      this.runner
        .query({ text: toPgPlaceholders(sql), values: [...params], types })
        .then((result) => result.rows as T[]),
    );
  }

  async one<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<SqlRun> {
    return this.counted(
      this.runner
        .query({ text: toPgPlaceholders(sql), values: [...params], types })
        .then((result) => ({ changes: result.rowCount ?? 0 })),
    );
  }

  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    if (!this.pool) return work(this);
    return this.counted(this.transactionOn(this.pool, work));
  }

  private async transactionOn<T>(pool: pg.Pool, work: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    client.on('error', ignore);
    let broken = false;
    try {
      for (let attempt = 1; ; attempt++) {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        try {
          const result = await work(new PgSql(client, null, null));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          const code = (err as { code?: unknown }).code;
          if (broken || attempt >= TRANSACTION_TRIES || !RETRYABLE.has(String(code))) throw err;
          // Tried again at once, it would meet the same concurrent transaction still open and be
          // refused again, until the tries run out: wait a random, growing while for it to end.
          await new Promise((resolve) =>
            setTimeout(resolve, Math.random() * RETRY_BACKOFF_MS * 2 ** attempt),
          );
        }
      }
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  async migrate(migrations: readonly SqlMigration[]): Promise<void> {
    if (!this.pool) throw new Error('migrations run on the pool, not inside a transaction');
    await applyPgMigrations(
      this.pool,
      migrations.map((m) => ({ id: m.id, sql: m.pg })),
    );
  }
}

const INT8 = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** The hub's relational store: every repository's rows, on SQLite or PostgreSQL. */
export interface OpenedSql {
  sql: SqliteSql | PgSql;
  /** Applies what each part's migrations add; call once, with all of them, before any query. */
  migrate(migrations: readonly SqlMigration[]): Promise<void>;
  /** Statements handed to SQLite's thread or PostgreSQL's pool and not yet answered; none where they run at once. */
  backlog?(): StoreBacklog;
  close(): Promise<void>;
}

/** The SQLite database the hub already opened (its file), as the port. */
export function sqliteStore(db: Db): OpenedSql {
  const sql = SqliteSql.local(db);
  return { sql, migrate: (migrations) => sql.migrate(migrations), close: async () => {} };
}

/** A pool on `url`; refused with the server's name (never the password) when it cannot be reached. */
export async function openPgSql(url: string, log?: Logger): Promise<OpenedSql> {
  const { pool } = await openCheckedPgPool(url, log);
  return { ...sharedPgSql(pool), close: () => pool.end() };
}

/**
 * The repositories on a pool another part shares (the hub's one pool, hub/store/hub-stores.ts):
 * closing them leaves the pool to its opener.
 */
export function sharedPgSql(pool: pg.Pool): OpenedSql {
  const sql = PgSql.fromPool(pool);
  return {
    sql,
    migrate: (migrations) => sql.migrate(migrations),
    backlog: () => sql.backlog(),
    close: async () => {},
  };
}
