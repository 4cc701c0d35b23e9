/**
 * The hub's PostgreSQL database, for a group of hub instances sharing one store (DESIGN: past one
 * machine): a connection pool from a `postgres://` URL, and named migrations recorded in
 * `schema_migrations` as `database.ts` does for SQLite, safe when several instances start together.
 */
import pg from 'pg';
import type { Logger } from '../../shared/logger.js';
import type { Migration } from './database.js';

export class PgStoreError extends Error {
  constructor(
    readonly code: 'bad-url' | 'unavailable' | 'failed' | 'closed' | 'unstorable-text',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PgStoreError';
  }
}

/** `user@host:port/database`, to name the database in errors and logs: never the password. */
export function describePgTarget(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed?.protocol !== 'postgres:' && parsed?.protocol !== 'postgresql:') {
    // Not echoed: a mistyped URL may still hold a password.
    throw new PgStoreError(
      'bad-url',
      'the PostgreSQL URL is not valid: expected postgres://user:password@host:5432/database',
    );
  }
  const user = decodeURIComponent(parsed.username) || 'postgres';
  // `postgres:///hnth?host=/run/postgresql` names a Unix socket folder instead of a host.
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  const database = decodeURIComponent(parsed.pathname.slice(1)) || user;
  return `${user}@${host}:${parsed.port || '5432'}/${database}`;
}

/**
 * What went wrong, in words: a refused connection to a name with several addresses has no message
 * of its own, only its attempts'. Read by shape, as errors from Node's own modules may come from
 * another realm than this module's `Error` (in a test's VM context).
 */
export function reasonOf(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const { message, errors } = err as { message?: unknown; errors?: unknown };
  if (message === '' && Array.isArray(errors)) return errors.map(reasonOf).join('; ');
  return typeof message === 'string' ? message : String(err);
}

/**
 * Connections each hub instance keeps to PostgreSQL, in its one pool shared by the events store and
 * the repositories (pg's default, made explicit: the events store's gate counts on it).
 */
export const PG_POOL_SIZE = 10;

/** A pool that has answered once, and the database it reaches named for errors and logs. */
export interface CheckedPgPool {
  pool: pg.Pool;
  /** `user@host:port/database`, never the password. */
  target: string;
}

/** A pool's size, and its name in `pg_stat_activity` (the lease's connection has its own). */
export interface PgPoolShape {
  max?: number;
  name?: string;
}

export function createPgPool(
  url: string,
  target: string,
  log?: Logger,
  { max = PG_POOL_SIZE, name = 'hnth-hub' }: PgPoolShape = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: name,
    // Without it a connection to a host that drops packets waits for ever, and so would every call.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  });
  // An idle connection closed by the server (restart, failover, pg_terminate_backend) is dropped by
  // the pool, which opens another for the next query; unlistened, this event would end the process.
  pool.on('error', (err) =>
    log?.warn(
      { err: reasonOf(err) },
      `PostgreSQL store at ${target}: an idle connection was lost; the next query opens a new one`,
    ),
  );
  return pool;
}

const UNREACHABLE_HINT = ' (check db.url, and that the server accepts connections)';

/**
 * A pool on `url` that has answered once; refused naming the database (never the password) when the
 * server cannot be reached, the pool ended.
 */
export async function openCheckedPgPool(
  url: string,
  log?: Logger,
  shape: PgPoolShape = {},
): Promise<CheckedPgPool> {
  const target = describePgTarget(url);
  const pool = createPgPool(url, target, log, shape);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    const message = `could not open the PostgreSQL store at ${target}: ${reasonOf(err)}${UNREACHABLE_HINT}`;
    throw new PgStoreError('unavailable', message, { cause: err });
  }
  return { pool, target };
}

/** Any fixed number, the same in every hub instance: the lock they take turns on to migrate. */
const MIGRATION_LOCK = 0x686e7468;

/**
 * Applies, in order and each in its own transaction, the migrations this database has not had yet.
 * Each transaction first takes an advisory lock, so hub instances starting together migrate one
 * after the other and each sees what the other recorded.
 */
export async function applyPgMigrations(pool: pg.Pool, migrations: readonly Migration[]): Promise<void> {
  const client = await pool.connect();
  // A lost connection both rejects the query under way and emits 'error' on the client, which the
  // pool no longer listens to while the client is checked out: the rejection is what is reported.
  const ignore = () => {};
  client.on('error', ignore);
  let failed = false;
  try {
    for (const m of migrations) {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at text NOT NULL)',
      );
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (done.rowCount === 0) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [
          m.id,
          new Date().toISOString(),
        ]);
      }
      await client.query('COMMIT');
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    client.off('error', ignore);
    // Released as failed, the connection is closed, and the server rolls the transaction back.
    client.release(failed);
  }
}
