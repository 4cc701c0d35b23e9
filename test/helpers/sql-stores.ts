/**
 * One suite, both stores: `onEachStore` runs its tests once on SQLite (a file in a temp folder;
 * asked for, also through the store's thread as the hub runs it) and once on PostgreSQL (a throwaway database of the machine's server, a fresh schema per test), each
 * test on an empty store with the migrations given. `another()` opens a second connection to the same
 * store, as a second hub instance would.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from '@jest/globals';
import { openDatabase } from '../../hub/store/database.js';
import { type OpenedSql, openPgSql, type Sql, type SqlMigration, sqliteStore } from '../../hub/store/sql.js';
import { openWorkerSql } from '../../hub/store/worker-sql.js';
import { createLogger } from '../../shared/logger.js';
import { createTestDatabase, type TestDatabase } from './pg-database.js';
import { tempDir } from './temp-dir.js';

export type StoreKind = 'sqlite' | 'sqlite-thread' | 'pg';

export interface StoreUnderTest {
  kind: StoreKind;
  /** The store of the test now: empty and migrated before each test. */
  readonly sql: Sql;
  /**
   * A second connection to the same store, as a second hub instance has, closed after the test. On
   * SQLite it is the same connection: one hub process owns a SQLite file.
   */
  another(): Promise<Sql>;
}

export function onEachStore(
  title: string,
  migrations: readonly SqlMigration[],
  body: (store: StoreUnderTest) => void,
  kinds: StoreKind[] = ['sqlite', 'pg'],
): void {
  describe.each<StoreKind>(kinds)(`${title} (%s)`, (kind) => {
    let database: TestDatabase | null = null;
    const folder = tempDir(`hnth-sql-${kind}-`);
    let opened: OpenedSql[] = [];
    let current: Sql | null = null;
    let open: () => Promise<OpenedSql> = async () => {
      throw new Error('no store yet');
    };

    beforeAll(async () => {
      if (kind === 'pg') database = await createTestDatabase();
    });
    afterAll(async () => {
      await database?.drop();
      folder.remove();
    });
    beforeEach(async () => {
      const id = randomBytes(5).toString('hex');
      if (kind === 'sqlite') {
        const file = path.join(folder.path, `${id}.db`);
        open = async () => {
          const db = openDatabase(file);
          const store = sqliteStore(db);
          return {
            ...store,
            close: async () => {
              db.close();
            },
          };
        };
      } else if (kind === 'sqlite-thread') {
        const file = path.join(folder.path, `${id}.db`);
        open = () => openWorkerSql(file, createLogger('hub', 'silent'));
      } else {
        const schema = `s_${id}`;
        await database!.direct.query(`CREATE SCHEMA ${schema}`);
        const url = `${database!.url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
        open = () => openPgSql(url);
      }
      const first = await open();
      opened.push(first);
      await first.migrate(migrations);
      current = first.sql;
    });
    afterEach(async () => {
      for (const o of opened.reverse()) await o.close();
      opened = [];
      current = null;
    });

    body({
      kind,
      get sql() {
        if (!current) throw new Error('the store is open only inside a test');
        return current;
      },
      async another() {
        if (kind !== 'pg') return this.sql;
        const o = await open();
        opened.push(o);
        return o.sql;
      },
    });
  });
}
