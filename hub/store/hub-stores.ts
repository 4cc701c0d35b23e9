/**
 * The hub's stores, opened before any part is made (every part's rows go through them) and closed
 * after every part stopped: the events store (events, telemetry, transitions: the volume) and the
 * relational store (every repository's rows). In a hub group both live in the PostgreSQL the
 * group shares, so any hub reads what another wrote; alone, in the hub's SQLite file.
 */
import path from 'node:path';
import type { Logger } from '../../shared/logger.js';
import type { HubConfig } from '../config.js';
import type { Part } from '../parts/part.js';
import { watchBacklog } from './backlog-watch.js';
import { openDatabase } from './database.js';
import { hubMigrations } from './hub-migrations.js';
import { PgStore } from './pg-store.js';
import { type OpenedSql, openPgSql, type Sql, sqliteStore } from './sql.js';
import type { HubStore } from './store.js';
import { WorkerStore } from './worker-store.js';

export interface HubStores extends Part {
  events: HubStore;
  sql: Sql;
  /** Whether the stores are a group's PostgreSQL (else the hub's own SQLite file). */
  shared: boolean;
  stop(): Promise<void>;
}

/** Opened and migrated; nothing is left open when this fails. */
export async function openHubStores(config: HubConfig, log: Logger): Promise<HubStores> {
  const dbFile = path.join(config.dataDir, 'hnth.db');
  const db = openDatabase(dbFile);
  const closing: (() => Promise<unknown> | unknown)[] = [() => db.close()];
  const close = async () => {
    for (const step of closing.reverse()) await step();
  };
  try {
    const events = config.store.url
      ? await PgStore.open(config.store.url, log)
      : await WorkerStore.open(dbFile, log);
    closing.push(() => events.close());
    const relational: OpenedSql = config.store.url ? await openPgSql(config.store.url, log) : sqliteStore(db);
    closing.push(() => relational.close());
    await relational.migrate(hubMigrations);
    closing.push(watchBacklog(events, log));
    return { name: 'stores', events, sql: relational.sql, shared: Boolean(config.store.url), stop: close };
  } catch (err) {
    await close();
    throw err;
  }
}
