/**
 * The PostgreSQL store against the machine's PostgreSQL: the HubStore contract, then what only a
 * shared network database brings: several hubs on one store, lost connections, an absent server.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { pino } from 'pino';
import { applyPgMigrations, createPgPool, PG_POOL_SIZE, PgStoreError } from '../../hub/store/pg-database.js';
import { PgStore, storeMigrations } from '../../hub/store/pg-store.js';
import { type EventMessage, SCHEMA_VERSION } from '../../shared/schemas.js';
import { freePort } from '../helpers/mosquitto.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { nominalTelemetry } from '../helpers/room-messages.js';
import { describeStoreContract } from '../helpers/store-contract.js';
import { waitFor } from '../helpers/wait.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const event = (seq: number, data: EventMessage['data'] = {}): EventMessage => ({
  v: SCHEMA_VERSION,
  type: 'codec.down',
  severity: 'warning',
  data,
  ts: '2026-11-30T03:00:00.000Z',
  bootId: 'boot-a',
  seq,
});
const receivedAt = new Date('2026-11-30T03:00:01.000Z');

/** The store's own connections to the test database (it names itself `hnth-hub`). */
async function storeBackends(where = 'true'): Promise<number[]> {
  const { rows } = await db.direct.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'hnth-hub' AND ${where}`,
    [db.name],
  );
  return rows.map((r) => r.pid);
}

describeStoreContract(
  'PostgreSQL',
  async () => {
    const store = await PgStore.open(db.url);
    await db.direct.query('TRUNCATE events, readiness_transitions, telemetry_samples RESTART IDENTITY');
    return store;
  },
  (store) => store.close(),
);

describe('PostgreSQL store', () => {
  test('records its named migrations once, however many hubs start together on a new database', async () => {
    const fresh = await createTestDatabase();
    try {
      const stores = await Promise.all([1, 2, 3].map(() => PgStore.open(fresh.url)));
      const { rows } = await fresh.direct.query('SELECT id FROM schema_migrations ORDER BY applied_at, id');
      expect(rows).toEqual([
        { id: 'events-1' },
        { id: 'telemetry-1' },
        { id: 'transitions-power-1' },
        { id: 'telemetry-bucket-1' },
      ]);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await fresh.drop();
    }
  });

  test('keeps every sample of a database from before the buckets, two of one period too, and keys new ones by bucket', async () => {
    const fresh = await createTestDatabase();
    const pool = createPgPool(fresh.url, 'test');
    try {
      await applyPgMigrations(pool, storeMigrations.slice(0, -1));
      const sample = nominalTelemetry;
      // Two hubs of a group, each its own sample of the same minute, as before the buckets.
      const before = ['2026-03-01T00:01:05.000Z', '2026-03-01T00:01:10.000Z'];
      for (const ts of before) {
        await pool.query('INSERT INTO telemetry_samples (room_id, ts, data) VALUES ($1, $2, $3)', [
          'tinh-uy',
          ts,
          JSON.stringify(sample(ts)),
        ]);
      }
      const store = await PgStore.open(fresh.url);
      try {
        await store.insertSample('tinh-uy', sample('2026-03-01T00:01:20.000Z'), '2026-03-01T00:01:00.000Z');
        await store.insertSample('tinh-uy', sample('2026-03-01T00:01:30.000Z'), '2026-03-01T00:01:00.000Z');
        const day = [new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z')] as const;
        expect((await store.listSamples('tinh-uy', ...day, 10)).map((s) => s.ts)).toEqual([
          ...before,
          '2026-03-01T00:01:20.000Z',
        ]);
      } finally {
        await store.close();
      }
    } finally {
      await pool.end();
      await fresh.drop();
    }
  });

  test('applies all of a failing migration or none of it, and says why', async () => {
    const pool = createPgPool(db.url, 'test');
    try {
      const m = [
        { id: 'mig-t-1', sql: 'CREATE TABLE mig_t (x integer)' },
        { id: 'mig-t-2', sql: 'CREATE TABLE mig_u (x integer); CREATE TABLE mig_t (x integer)' },
      ];
      await expect(applyPgMigrations(pool, m)).rejects.toThrow(/relation "mig_t" already exists/);
      const tables = await db.direct.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'mig\\_%'");
      expect(tables.rows).toEqual([{ tablename: 'mig_t' }]);
      const done = await db.direct.query("SELECT id FROM schema_migrations WHERE id LIKE 'mig-t-%'");
      expect(done.rows).toEqual([{ id: 'mig-t-1' }]);
    } finally {
      await pool.end();
    }
  });

  test('a burst past the pool waits its turn, even behind a lock held longer than the connection timeout', async () => {
    const store = await PgStore.open(db.url);
    const locker = await db.direct.connect();
    try {
      // Another session holds the table (a migration, a long report query, a backup) for 11 s, past
      // pg's 10 s wait for a connection: the calls queued behind the pool were failed at 10 s.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN EXCLUSIVE MODE');
      const burst = Array.from({ length: PG_POOL_SIZE * 5 }, (_, i) =>
        store.insertEvent('burst-room', event(i), receivedAt),
      );
      await waitFor('the burst queued behind the lock', () => store.backlog().pending === burst.length);
      const held = new Promise((resolve) => setTimeout(resolve, 11_000));
      await held;
      await locker.query('COMMIT');
      const results = await Promise.allSettled(burst);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await store.listEvents('burst-room', 1000)).toHaveLength(burst.length);
    } finally {
      locker.release();
      await store.close();
    }
  }, 40_000);

  test('two hubs sharing the store store an event both receive once', async () => {
    const [one, two] = await Promise.all([PgStore.open(db.url), PgStore.open(db.url)]);
    try {
      const results = await Promise.all([
        one.insertEvent('shared-room', event(1), receivedAt),
        two.insertEvent('shared-room', event(1), receivedAt),
      ]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await one.insertEvent('shared-room', event(1), receivedAt)).toBeNull();
      expect(await two.listEvents('shared-room', 10)).toEqual(results.filter((r) => r !== null));
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  test('refuses, naming what, text PostgreSQL cannot hold (NUL, a lone surrogate), and stores nothing of it', async () => {
    const store = await PgStore.open(db.url);
    try {
      const nul = store.insertEvent('nul-room', event(1, { detail: 'a\u0000b' }), receivedAt);
      await expect(nul).rejects.toThrow(
        'the data of event "boot-a"/1 of room "nul-room" holds a NUL character or a lone UTF-16 surrogate, which PostgreSQL cannot store',
      );
      await expect(nul).rejects.toMatchObject({ code: 'unstorable-text' });
      await expect(store.insertEvent('nul-room', event(2, { detail: '\ud83d' }), receivedAt)).rejects.toThrow(
        /lone UTF-16 surrogate/,
      );
      await expect(store.insertEvent('nul\u0000room', event(3), receivedAt)).rejects.toThrow(
        'the room id of event "boot-a"/3 of room "nul\\u0000room" holds a NUL character',
      );
      await expect(
        store.insertTransition({
          roomId: 'nul-room',
          level: 'DEGRADED',
          power: 'off',
          reasons: ['\u0000'],
          at: '2026-01-01T00:00:00Z',
        }),
      ).rejects.toMatchObject({ code: 'unstorable-text' });
      // A backslash written before `u0000` is text like any other, and a paired surrogate an emoji.
      const fine = { path: 'C:\\u0000\\x', face: '\ud83d\ude00' };
      expect(await store.insertEvent('nul-room', event(4, fine), receivedAt)).toMatchObject({ data: fine });
      expect((await store.listEvents('nul-room', 10)).map((e) => e.seq)).toEqual([4]);
    } finally {
      await store.close();
    }
  });

  test('a call whose connection the server ends rejects naming the call and the database; the next call works', async () => {
    const store = await PgStore.open(db.url);
    const locker = await db.direct.connect();
    try {
      // Hold the table, so the store's call waits on the server until its connection is ended.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      const blocked = store.listEvents('quiet-room', 10);
      expect(store.backlog()).toEqual({ pending: 1, oldestSince: expect.any(Date) });
      const [pid] = await waitFor('the store to wait on the lock', async () => {
        const pids = await storeBackends("wait_event_type = 'Lock'");
        return pids.length > 0 && pids;
      });
      await db.direct.query('SELECT pg_terminate_backend($1)', [pid]);
      await expect(blocked).rejects.toThrow(
        `PostgreSQL store at postgres@127.0.0.1:5432/${db.name}: listEvents failed: terminating connection due to administrator command`,
      );
      await expect(blocked).rejects.toMatchObject({ code: 'failed' });
      expect(store.backlog()).toEqual({ pending: 0, oldestSince: null });
      await locker.query('ROLLBACK');
      expect(await store.listEvents('quiet-room', 10)).toEqual([]);
    } finally {
      locker.release();
      await store.close();
    }
  });

  test('an idle connection ended by the server is logged, not thrown, and the next call opens another', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const store = await PgStore.open(db.url, log);
    try {
      expect(await store.listEvents('quiet-room', 1)).toEqual([]);
      const before = await storeBackends();
      expect(before).toHaveLength(1);
      await db.direct.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
      await waitFor('the lost connection to be logged', () =>
        lines.some((l) =>
          l.includes(`PostgreSQL store at postgres@127.0.0.1:5432/${db.name}: an idle connection`),
        ),
      );
      expect(await store.listEvents('quiet-room', 1)).toEqual([]);
      expect(await storeBackends()).not.toContain(before[0]);
    } finally {
      await store.close();
    }
  });

  test('a call made after closing rejects; closing again is harmless', async () => {
    const store = await PgStore.open(db.url);
    await store.close();
    await store.close();
    await expect(store.lastHeard()).rejects.toMatchObject({
      code: 'closed',
      message: `PostgreSQL store at postgres@127.0.0.1:5432/${db.name}: lastHeard after the store was closed`,
    });
    await waitFor('the closed store to leave the server', async () => (await storeBackends()).length === 0);
  });
});

describe('PostgreSQL store that cannot be opened', () => {
  test('with no server at the address, rejects naming host and database, never the password', async () => {
    const port = await freePort();
    const failure = await PgStore.open(`postgres://hnth:s3cret-pw@127.0.0.1:${port}/hnth`).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(PgStoreError);
    expect(failure).toMatchObject({ code: 'unavailable' });
    const message = (failure as Error).message;
    expect(message).toContain(
      `could not open the PostgreSQL store at hnth@127.0.0.1:${port}/hnth: connect ECONNREFUSED`,
    );
    expect(message).not.toContain('s3cret-pw');
  });

  test('with no such database on the server, says so', async () => {
    await expect(PgStore.open('postgres://postgres@127.0.0.1:5432/hnth_test_absent')).rejects.toThrow(
      'could not open the PostgreSQL store at postgres@127.0.0.1:5432/hnth_test_absent: database "hnth_test_absent" does not exist',
    );
  });

  test('with a URL that is not a PostgreSQL one, says what is expected without repeating it', async () => {
    for (const url of ['mysql://root:s3cret-pw@db/hnth', 'postgres//root:s3cret-pw@db/hnth']) {
      const failure = await PgStore.open(url).catch((e: unknown) => e);
      expect(failure).toMatchObject({
        code: 'bad-url',
        message: 'the PostgreSQL URL is not valid: expected postgres://user:password@host:5432/database',
      });
    }
  });
});
