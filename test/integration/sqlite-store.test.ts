import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { applyMigrations, openDatabase } from '../../hub/store/database.js';
import { SqliteStore } from '../../hub/store/sqlite-store.js';
import type { EventMessage } from '../../shared/schemas.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());

const event = (seq: number, bootId = 'boot-a'): EventMessage => ({
  v: 1,
  type: 'mains.lost',
  severity: 'critical',
  data: { upsChargePct: 90 },
  ts: '2026-11-30T03:00:00.000Z',
  bootId,
  seq,
});

describe('SQLite store', () => {
  test('stores an event once per (room, bootId, seq), newest first, and keeps it across a reopen', () => {
    const file = path.join(dir.path, 'a', 'hnth.db');
    const db = openDatabase(file);
    const store = new SqliteStore(db);
    const at = new Date('2026-11-30T03:00:01Z');
    expect(store.insertEvent('tinh-uy', event(0), at)).toMatchObject({
      roomId: 'tinh-uy',
      seq: 0,
      data: { upsChargePct: 90 },
    });
    expect(store.insertEvent('tinh-uy', event(1), at)).not.toBeNull();
    expect(store.insertEvent('tinh-uy', event(1), at)).toBeNull();
    expect(store.insertEvent('tinh-uy', event(1, 'boot-b'), at)).not.toBeNull();
    expect(store.insertEvent('so-tttt', event(1), at)).not.toBeNull();
    db.close();

    const db2 = openDatabase(file);
    const reopened = new SqliteStore(db2);
    expect(reopened.listEvents('tinh-uy', 10).map((e) => `${e.bootId}/${e.seq}`)).toEqual([
      'boot-b/1',
      'boot-a/1',
      'boot-a/0',
    ]);
    expect(reopened.listEvents('tinh-uy', 1)).toHaveLength(1);
    db2.close();
  });

  test('runs in WAL mode', () => {
    const db = openDatabase(path.join(dir.path, 'b', 'hnth.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  test('applies each named migration once, in order, and all of a failing one or none of it', () => {
    const db = openDatabase(path.join(dir.path, 'c', 'hnth.db'));
    const m = [
      { id: 't-1', sql: 'CREATE TABLE t (x INTEGER)' },
      { id: 't-2', sql: 'ALTER TABLE t ADD COLUMN y INTEGER' },
    ];
    applyMigrations(db, m);
    applyMigrations(db, m);
    expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').all()).toEqual([
      { id: 't-1' },
      { id: 't-2' },
    ]);
    expect(() => applyMigrations(db, [{ id: 't-3', sql: 'CREATE TABLE u (x); CREATE TABLE t (x)' }])).toThrow(
      /already exists/,
    );
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'u'").all()).toEqual([]);
    expect(db.prepare("SELECT id FROM schema_migrations WHERE id = 't-3'").all()).toEqual([]);
    db.close();
  });
});
