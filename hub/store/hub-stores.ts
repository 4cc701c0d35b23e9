/**
 * The hub's two stores: the events store (what the rooms report: events, telemetry samples,
 * readiness transitions) and the relational store (every repository's rows). Alone, a hub keeps
 * them in its SQLite file; in a group (`store.url`), in the PostgreSQL the group shares, through ONE
 * pool of `PG_POOL_SIZE` connections handed to both, which ends once, after both have closed.
 *
 *   const stores = await openHubStores({ url: config.store.url, db, dbFile, migrations: hubMigrations, log });
 */
import type { Logger } from '../../shared/logger.js';
import type { Db } from './database.js';
import { openCheckedPgPool } from './pg-database.js';
import { PgStore } from './pg-store.js';
import { type OpenedSql, type SqlMigration, sharedPgSql, sqliteStore } from './sql.js';
import type { HubStore } from './store.js';
import { WorkerStore } from './worker-store.js';

export interface HubStores {
  events: HubStore;
  relational: OpenedSql;
  /** Closes the events store (its writes committed), then the relational store, then their pool. */
  close(): Promise<void>;
}

export interface HubStoresOptions {
  /** The group's PostgreSQL; empty for a hub alone. */
  url: string;
  /** The hub's SQLite file, opened: the relational store of a hub alone. */
  db: Db;
  /** Its path: the events store of a hub alone opens it again in its own thread. */
  dbFile: string;
  /** Every part's tables on the relational store. */
  migrations: readonly SqlMigration[];
  log: Logger;
}

/** Opens both, schemas up to date; on a failure, what was opened is closed again (not `db`). */
export async function openHubStores(o: HubStoresOptions): Promise<HubStores> {
  if (!o.url) {
    const events = await WorkerStore.open(o.dbFile, o.log);
    return withRelational(events, sqliteStore(o.db), o.migrations, () => events.close());
  }
  const shared = await openCheckedPgPool(o.url, o.log);
  let events: PgStore;
  try {
    events = await PgStore.on(shared);
  } catch (err) {
    await shared.pool.end();
    throw err;
  }
  const relational = sharedPgSql(shared.pool);
  return withRelational(events, relational, o.migrations, async () => {
    await events.close();
    await relational.close();
    await shared.pool.end();
  });
}

async function withRelational(
  events: HubStore,
  relational: OpenedSql,
  migrations: readonly SqlMigration[],
  close: () => Promise<void>,
): Promise<HubStores> {
  try {
    await relational.migrate(migrations);
  } catch (err) {
    await close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return { events, relational, close: () => (closing ??= close()) };
}
