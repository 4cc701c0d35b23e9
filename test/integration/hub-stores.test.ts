/**
 * A hub's two stores on the group's PostgreSQL share ONE pool: never more than `PG_POOL_SIZE`
 * connections however busy both are, their calls waiting on the server counted in one backlog, and
 * closing commits what was handed over, then ends the pool once, after both.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { openHubStores } from '../../hub/store/hub-stores.js';
import { PG_POOL_SIZE } from '../../hub/store/pg-database.js';
import { STORE_CALLS_AT_ONCE } from '../../hub/store/pg-store.js';
import { createLogger } from '../../shared/logger.js';
import { type EventMessage, SCHEMA_VERSION } from '../../shared/schemas.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const log = createLogger('test', 'silent');
const dir = tempDir('hnth-hub-stores-');
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
  dir.remove();
});

const event = (seq: number): EventMessage => ({
  v: SCHEMA_VERSION,
  type: 'codec.down',
  severity: 'warning',
  data: {},
  ts: '2026-11-30T03:00:00.000Z',
  bootId: 'boot-a',
  seq,
});

/** The hub's connections to the test database (the pool names itself `hnth-hub`). */
async function hubConnections(): Promise<number> {
  const { rows } = await db.direct.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'hnth-hub'",
    [db.name],
  );
  return rows[0]!.n;
}

function open(name: string) {
  return openHubStores({ url: db.url, dataDir: path.join(dir.path, name) }, log);
}

describe('the stores of a hub on PostgreSQL', () => {
  test('both busy at once hold one pool of connections, the repositories keeping a share', async () => {
    const stores = await open('busy');
    const locker = await db.direct.connect();
    try {
      // The events store's calls wait on a lock, each on its connection; the repositories' run long.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN EXCLUSIVE MODE');
      const reports = Array.from({ length: PG_POOL_SIZE * 2 }, (_, i) =>
        stores.events.insertEvent('tinh-uy', event(i), new Date()),
      );
      const queries = Array.from({ length: PG_POOL_SIZE }, () =>
        stores.sql.one<{ ok: number }>('SELECT 1 AS ok FROM pg_sleep(0.3)'),
      );
      const seen = await waitFor('the pool full', async () => {
        const n = await hubConnections();
        return n >= PG_POOL_SIZE && n;
      });
      expect(seen).toBe(PG_POOL_SIZE);
      // The repositories' queries are answered while the reports still wait on the lock.
      expect(await Promise.all(queries)).toEqual(Array(PG_POOL_SIZE).fill({ ok: 1 }));
      expect(stores.events.backlog().pending).toBe(reports.length);
      expect(await hubConnections()).toBeLessThanOrEqual(PG_POOL_SIZE);
      await locker.query('COMMIT');
      expect((await Promise.all(reports)).filter((r) => r === null)).toEqual([]);
      expect(STORE_CALLS_AT_ONCE).toBeLessThan(PG_POOL_SIZE);
    } finally {
      locker.release();
      await stores.stop();
    }
  });

  test("the lease's own connection answers while every connection of the pool waits on a lock", async () => {
    const stores = await open('lease');
    const locker = await db.direct.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE leases IN ACCESS EXCLUSIVE MODE');
      let poolAnswered = false;
      const held = Array.from({ length: PG_POOL_SIZE }, () =>
        stores.sql.one('SELECT count(*) FROM leases').then(() => {
          poolAnswered = true;
        }),
      );
      await waitFor('the pool full', async () => (await hubConnections()) >= PG_POOL_SIZE);
      expect(await stores.leaseSql!.one<{ ok: number }>('SELECT 1 AS ok')).toEqual({ ok: 1 });
      expect(poolAnswered).toBe(false);
      await locker.query('COMMIT');
      await Promise.all(held);
    } finally {
      locker.release();
      await stores.stop();
    }
  });

  test('the repositories’ statements and transactions waiting on the server are in the backlog until answered', async () => {
    const stores = await open('backlog');
    try {
      const sleep = 'SELECT 1 AS ok FROM pg_sleep(0.3)';
      const statement = stores.sql.one(sleep);
      // A transaction counts once, however many statements it runs.
      const transaction = stores.sql.transaction(async (tx) => [await tx.one(sleep), await tx.one(sleep)]);
      expect(stores.backlog()).toEqual({ pending: 2, oldestSince: expect.any(Date) });
      await statement;
      expect(stores.backlog().pending).toBe(1);
      await transaction;
      expect(stores.backlog()).toEqual({ pending: 0, oldestSince: null });
    } finally {
      await stores.stop();
    }
  });

  test('closing commits what was handed over, then ends the pool once, after both', async () => {
    const stores = await open('close');
    try {
      await stores.sql.one('SELECT 1');
      const handed = stores.events.insertEvent('so-tttt', event(1), new Date());
      const closed = stores.stop();
      expect(stores.stop()).toBe(closed);
      await closed;
      expect(await handed).toMatchObject({ roomId: 'so-tttt', seq: 1 });
      await waitFor('the pool’s connections gone', async () => (await hubConnections()) === 0);
      await expect(stores.sql.one('SELECT 1')).rejects.toThrow(/after calling end on the pool/);
      await expect(stores.events.listEvents('so-tttt', 1)).rejects.toThrow(/after the store was closed/);
      const { rows } = await db.direct.query('SELECT seq FROM events WHERE room_id = $1', ['so-tttt']);
      expect(rows).toEqual([{ seq: '1' }]);
    } finally {
      await stores.stop();
    }
  });
});
