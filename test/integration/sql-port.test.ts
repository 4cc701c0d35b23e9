/**
 * The repositories' SQL port on both stores: the common dialect reads back the same, a transaction
 * is all or nothing, concurrent transactions do not interleave (SQLite) or are retried when the
 * database refuses one (PostgreSQL), and a broken constraint is named the same way on both. The
 * hub's SQLite runs in its own thread: a write waiting on a lock holds nothing on the hub's thread.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { MAIN_THREAD_BUSY_MS, openDatabase } from '../../hub/store/database.js';
import { type SqlMigration, sqliteStore, toPgPlaceholders, violationOf } from '../../hub/store/sql.js';
import { openWorkerSql } from '../../hub/store/worker-sql.js';
import { createLogger } from '../../shared/logger.js';
import { onEachStore } from '../helpers/sql-stores.js';
import { tempDir } from '../helpers/temp-dir.js';

const migrations: SqlMigration[] = [
  {
    id: 'port-test-1',
    sqlite: `CREATE TABLE things (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL UNIQUE,
      at TEXT NOT NULL,
      n INTEGER NOT NULL DEFAULT 0
    )`,
    pg: `CREATE TABLE things (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text COLLATE "C" NOT NULL UNIQUE,
      at text COLLATE "C" NOT NULL,
      n integer NOT NULL DEFAULT 0
    )`,
  },
];

test('placeholders become $n outside quoted text', () => {
  expect(toPgPlaceholders(`SELECT * FROM t WHERE a = ? AND b = '?' AND "c?" = ?`)).toBe(
    `SELECT * FROM t WHERE a = $1 AND b = '?' AND "c?" = $2`,
  );
  // A quote doubled inside quoted text, and text whose quote is never closed.
  expect(toPgPlaceholders(`UPDATE t SET a = 'it''s ?', b = ? WHERE c = ?`)).toBe(
    `UPDATE t SET a = 'it''s ?', b = $1 WHERE c = $2`,
  );
  expect(toPgPlaceholders(`SELECT ? WHERE a = 'open ?`)).toBe(`SELECT $1 WHERE a = 'open ?`);
  // Converted again (from what it kept), each text numbers its own placeholders from 1.
  expect(toPgPlaceholders(`SELECT * FROM t WHERE a = ? AND b = '?' AND "c?" = ?`)).toBe(
    `SELECT * FROM t WHERE a = $1 AND b = '?' AND "c?" = $2`,
  );
});

onEachStore(
  'the SQL port',
  migrations,
  (store) => {
    test('rows written read back with numbers as numbers and text as given', async () => {
      const inserted = await store.sql.one<{ id: number }>(
        'INSERT INTO things (name, at) VALUES (?, ?) RETURNING id',
        ['Điểm cầu Hàm Yên 😀', '2026-12-06T03:00:00.000Z'],
      );
      expect(typeof inserted!.id).toBe('number');
      const rows = await store.sql.all<{ name: string; n: number; count: number }>(
        'SELECT name, n, CAST(COUNT(*) OVER () AS INTEGER) AS count FROM things WHERE at >= ?',
        ['2026-12-06T00:00:00.000Z'],
      );
      expect(rows).toEqual([{ name: 'Điểm cầu Hàm Yên 😀', n: 0, count: 1 }]);
      expect(await store.sql.one('SELECT name FROM things WHERE id = ?', [999])).toBeUndefined();
    });

    test('a transaction that throws leaves nothing behind', async () => {
      await expect(
        store.sql.transaction(async (tx) => {
          await tx.run('INSERT INTO things (name, at) VALUES (?, ?)', ['a', 'x']);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await store.sql.all('SELECT * FROM things')).toEqual([]);
    });

    test('a broken unique rule is named the same on both stores, and the row kept is the first', async () => {
      await store.sql.run('INSERT INTO things (name, at) VALUES (?, ?)', ['a', 'first']);
      const err = await store.sql
        .run('INSERT INTO things (name, at) VALUES (?, ?)', ['a', 'second'])
        .catch((e) => e);
      expect(violationOf(err)).toBe('unique');
      expect(await store.sql.all('SELECT at FROM things')).toEqual([{ at: 'first' }]);
    });

    test('read-then-write transactions from two connections never lose an increment', async () => {
      await store.sql.run('INSERT INTO things (name, at) VALUES (?, ?)', ['counter', 'x']);
      const other = await store.another();
      const bump = (sql: typeof other) =>
        sql.transaction(async (tx) => {
          const row = await tx.one<{ n: number }>('SELECT n FROM things WHERE name = ?', ['counter']);
          // Between the read and the write the other connection's transaction runs too.
          await new Promise((resolve) => setImmediate(resolve));
          await tx.run('UPDATE things SET n = ? WHERE name = ?', [row!.n + 1, 'counter']);
        });
      await Promise.all([bump(store.sql), bump(other), bump(store.sql), bump(other)]);
      expect(await store.sql.one('SELECT n FROM things WHERE name = ?', ['counter'])).toEqual({ n: 4 });
    });
  },
  ['sqlite', 'sqlite-thread', 'pg'],
);

test('on SQLite, a call outside a transaction waits until the transaction is over, never slipping into it', async () => {
  const db = openDatabase(':memory:');
  const store = sqliteStore(db);
  await store.migrate(migrations);
  const { sql } = store;
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tx = sql
    .transaction(async (t) => {
      await t.run('INSERT INTO things (name, at) VALUES (?, ?)', ['inside', 'x']);
      await held;
      throw new Error('rolled back');
    })
    .catch((err: Error) => err.message);
  const outside = sql.run('INSERT INTO things (name, at) VALUES (?, ?)', ['outside', 'y']);
  release();
  expect(await tx).toBe('rolled back');
  await outside;
  // Had it slipped into the transaction, the rollback would have taken the outside row too.
  expect(await sql.all('SELECT name FROM things')).toEqual([{ name: 'outside' }]);
  db.close();
});

describe('SQLite in its own thread, as the hub runs it', () => {
  const folder = tempDir('hnth-sql-thread-');
  afterAll(() => folder.remove());

  test('a write waiting on another connection’s lock holds nothing on the hub’s thread, and lands when the lock goes in time', async () => {
    const file = path.join(folder.path, 'locked.db');
    const store = await openWorkerSql(file, createLogger('hub', 'silent'));
    await store.migrate(migrations);
    const other = openDatabase(file);
    other.exec('BEGIN IMMEDIATE');
    const order: string[] = [];
    const write = store.sql
      .run('INSERT INTO things (name, at) VALUES (?, ?)', ['waited', 'x'])
      .then(() => order.push('written'));
    // Longer than a write on the hub's own thread would wait (MAIN_THREAD_BUSY_MS) before failing,
    // within what the store's thread waits.
    await new Promise((resolve) => setTimeout(resolve, MAIN_THREAD_BUSY_MS + 200));
    order.push('the hub’s thread ran meanwhile');
    other.exec('COMMIT');
    await write;
    expect(order).toEqual(['the hub’s thread ran meanwhile', 'written']);
    expect(await store.sql.all('SELECT name FROM things')).toEqual([{ name: 'waited' }]);
    other.close();
    await store.close();
  });

  test('a lock held past the thread’s wait fails that write by SQLite’s code, and the reads after it go on', async () => {
    const file = path.join(folder.path, 'held.db');
    const store = await openWorkerSql(file, createLogger('hub', 'silent'));
    await store.migrate(migrations);
    const other = openDatabase(file);
    other.exec('BEGIN IMMEDIATE');
    const refused = await store.sql
      .run('INSERT INTO things (name, at) VALUES (?, ?)', ['late', 'x'])
      .catch((e) => e);
    expect((refused as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
    expect(await store.sql.all('SELECT name FROM things')).toEqual([]);
    other.exec('COMMIT');
    other.close();
    await store.sql.run('INSERT INTO things (name, at) VALUES (?, ?)', ['late', 'y']);
    expect(await store.sql.all('SELECT at FROM things')).toEqual([{ at: 'y' }]);
    await store.close();
  });

  test('a store closed refuses a statement naming its file', async () => {
    const file = path.join(folder.path, 'closed.db');
    const store = await openWorkerSql(file, createLogger('hub', 'silent'));
    await store.close();
    await expect(store.sql.all('SELECT 1')).rejects.toThrow(`store ${file} is closed`);
  });

  test('a file that cannot be opened is refused with its name', async () => {
    const file = path.join(folder.path, 'not-a-db.db');
    writeFileSync(file, 'this is not a SQLite database, it is a note left by someone'.repeat(100));
    await expect(openWorkerSql(file, createLogger('hub', 'silent'))).rejects.toThrow(file);
  });
});
