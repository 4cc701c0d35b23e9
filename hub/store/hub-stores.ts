/**
 * The hub's stores, opened before any part is made (every part's rows go through them) and closed
 * after every part stopped: the events store (events, telemetry samples, readiness transitions: the
 * volume) and the relational store (every repository's rows). Alone, a hub keeps both in its SQLite
 * file, each through its own thread, so the hub's event loop never waits on SQLite's lock or disk.
 * In a group (`store.url`), in the PostgreSQL the group shares, so any hub reads what another wrote,
 * through ONE pool of `PG_POOL_SIZE` connections handed to both, which ends once, after both closed
 * (and the lease's own connection beside it).
 */
import path from 'node:path';
import type { Logger } from '../../shared/logger.js';
import type { Part } from '../parts/part.js';
import { watchBacklog } from './backlog-watch.js';
import { hubMigrations } from './hub-migrations.js';
import { openCheckedPgPool } from './pg-database.js';
import { PgStore } from './pg-store.js';
import { type OpenedSql, type Sql, sharedPgSql } from './sql.js';
import type { HubStore, StoreBacklog } from './store.js';
import { openWorkerSql } from './worker-sql.js';
import { WorkerStore } from './worker-store.js';

export interface HubStores extends Part {
  events: HubStore;
  sql: Sql;
  /**
   * In a group, the lease's own connection (hub/store/lease.ts): under a burst of the rooms' reports
   * every connection of the pool can be busy for longer than the lease's term, and a holder that
   * cannot renew gives the work up (and a standby cannot take it), so the lease never waits for them.
   * Null for a hub alone.
   */
  leaseSql: Sql | null;
  /** Whether the stores are a group's PostgreSQL (else the hub's own SQLite file). */
  shared: boolean;
  /** Every store call waiting for its answer, the events store's and the repositories'. */
  backlog(): StoreBacklog;
  /** Closes the events store (its writes committed), then the relational store, then their pool. */
  stop(): Promise<void>;
}

const NONE: StoreBacklog = { pending: 0, oldestSince: null };

/**
 * Opened and migrated; nothing is left open when this fails. `url` is the group's PostgreSQL
 * (`store.url`), empty for a hub alone, whose SQLite file is in `dataDir`.
 */
export async function openHubStores(
  where: { url: string; dataDir: string },
  log: Logger,
): Promise<HubStores> {
  // Undone in the reverse order, on a failure or when stopping.
  const closing: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const step of closing.splice(0).reverse()) await step();
  };
  try {
    let events: HubStore;
    let relational: OpenedSql;
    let leaseSql: Sql | null = null;
    if (where.url) {
      const checked = await openCheckedPgPool(where.url, log);
      closing.push(() => checked.pool.end());
      const leasePool = await openCheckedPgPool(where.url, log, { max: 1, name: 'hnth-hub-lease' });
      closing.push(() => leasePool.pool.end());
      leaseSql = sharedPgSql(leasePool.pool).sql;
      const pgEvents = await PgStore.on(checked);
      events = pgEvents;
      closing.push(() => pgEvents.close());
      relational = sharedPgSql(checked.pool);
    } else {
      const dbFile = path.join(where.dataDir, 'hnth.db');
      const threadEvents = await WorkerStore.open(dbFile, log);
      events = threadEvents;
      closing.push(() => threadEvents.close());
      relational = await openWorkerSql(dbFile, log);
    }
    closing.push(() => relational.close());
    await relational.migrate(hubMigrations);
    const backlog = (): StoreBacklog => {
      const all = [events.backlog(), relational.backlog?.() ?? NONE];
      const since = all.flatMap((b) => (b.oldestSince ? [b.oldestSince.getTime()] : []));
      return {
        pending: all.reduce((sum, b) => sum + b.pending, 0),
        oldestSince: since.length ? new Date(Math.min(...since)) : null,
      };
    };
    closing.push(watchBacklog({ backlog }, log));
    let stopping: Promise<void> | null = null;
    return {
      name: 'stores',
      events,
      sql: relational.sql,
      leaseSql,
      shared: Boolean(where.url),
      backlog,
      stop: () => (stopping ??= close()),
    };
  } catch (err) {
    await close();
    throw err;
  }
}
