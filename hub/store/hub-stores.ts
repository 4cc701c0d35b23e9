/**
 * The hub's stores, opened before any part is made (every part's rows go through them) and closed
 * after every part stopped: the events store (events, telemetry, transitions: the volume) and the
 * relational store (every repository's rows). In a hub group both live in the PostgreSQL the
 * group shares, so any hub reads what another wrote; alone, in the hub's SQLite file, each through
 * its own thread, so the hub's event loop never waits on SQLite's lock or disk.
 */
import path from 'node:path';
import type { Logger } from '../../shared/logger.js';
import type { HubConfig } from '../config.js';
import type { Part } from '../parts/part.js';
import { watchBacklog } from './backlog-watch.js';
import { hubMigrations } from './hub-migrations.js';
import { PgStore } from './pg-store.js';
import { type OpenedSql, openPgSql, type Sql } from './sql.js';
import type { HubStore, StoreBacklog } from './store.js';
import { openWorkerSql } from './worker-sql.js';
import { WorkerStore } from './worker-store.js';

export interface HubStores extends Part {
  events: HubStore;
  sql: Sql;
  /** Whether the stores are a group's PostgreSQL (else the hub's own SQLite file). */
  shared: boolean;
  /** Every store call waiting for its answer, the events store's and the repositories'. */
  backlog(): StoreBacklog;
  stop(): Promise<void>;
}

/** Opened and migrated; nothing is left open when this fails. */
export async function openHubStores(config: HubConfig, log: Logger): Promise<HubStores> {
  const dbFile = path.join(config.dataDir, 'hnth.db');
  const closing: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const step of closing.reverse()) await step();
  };
  try {
    const events = config.store.url
      ? await PgStore.open(config.store.url, log)
      : await WorkerStore.open(dbFile, log);
    closing.push(() => events.close());
    const relational: OpenedSql = config.store.url
      ? await openPgSql(config.store.url, log)
      : await openWorkerSql(dbFile, log);
    closing.push(() => relational.close());
    await relational.migrate(hubMigrations);
    const backlog = (): StoreBacklog => {
      const all = [events.backlog(), relational.backlog?.() ?? { pending: 0, oldestSince: null }];
      const since = all.flatMap((b) => (b.oldestSince ? [b.oldestSince.getTime()] : []));
      return {
        pending: all.reduce((sum, b) => sum + b.pending, 0),
        oldestSince: since.length ? new Date(Math.min(...since)) : null,
      };
    };
    closing.push(watchBacklog({ backlog }, log));
    return {
      name: 'stores',
      events,
      sql: relational.sql,
      shared: Boolean(config.store.url),
      backlog,
      stop: close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
