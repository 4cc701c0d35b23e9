/**
 * The hub's SQLite database: one file in the data folder, WAL, and named migrations. Each part of
 * the hub (events, meetings, incidents, ...) owns its tables and lists its own migrations, so
 * parts can be added without editing a central list; `schema_migrations` records what ran.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export interface Migration {
  /** Unique and never changed once released, e.g. `events-1`. */
  id: string;
  sql: string;
}

/**
 * How long a write waits for another connection's lock before failing. The hub's own thread waits
 * briefly, since waiting holds its event loop (ingest, the dashboard); the store's thread waits
 * longer, and tries again after that anyway.
 */
export const MAIN_THREAD_BUSY_MS = 500;
export const STORE_THREAD_BUSY_MS = 5000;
/**
 * The repositories' thread (worker-sql.ts) waits longer than the hub's own thread could, but not
 * for ever: its statements run in order, so a write stuck behind someone's lock holds the reads
 * after it (the dashboard's), and the parts that write there decide again when a write fails.
 */
export const SQL_THREAD_BUSY_MS = 2000;

/** Opens (creating if needed) the database; `:memory:` for a throwaway one. */
export function openDatabase(file: string, busyTimeoutMs = MAIN_THREAD_BUSY_MS): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL: a committed row survives a crash of the process; only an OS crash or power
  // loss can take the last transactions, never corrupt the file.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  return db;
}

/** Applies, in order and each in its own transaction, the migrations this database has not had yet. */
export function applyMigrations(db: Db, migrations: readonly Migration[]): void {
  const done = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
  );
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, new Date().toISOString());
    })();
  }
}
