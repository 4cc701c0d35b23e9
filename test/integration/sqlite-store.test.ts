import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { applyMigrations, openDatabase } from '../../hub/store/database.js';
import { SqliteStore, storeMigrations } from '../../hub/store/sqlite-store.js';
import type { EventMessage } from '../../shared/schemas.js';
import { nominalTelemetry } from '../helpers/room-messages.js';
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

  test('keeps every sample of a database from before the buckets, two of one period too, and keys new ones by bucket', () => {
    const db = openDatabase(path.join(dir.path, 'd', 'hnth.db'));
    applyMigrations(db, storeMigrations.slice(0, -1));
    const sample = nominalTelemetry;
    // Two hubs of a group, each its own sample of the same minute, as before the buckets.
    const before = ['2026-03-01T00:01:05.000Z', '2026-03-01T00:01:10.000Z'];
    const insert = db.prepare('INSERT INTO telemetry_samples (room_id, ts, data) VALUES (?, ?, ?)');
    for (const ts of before) insert.run('tinh-uy', ts, JSON.stringify(sample(ts)));
    const store = new SqliteStore(db);
    store.insertSample('tinh-uy', sample('2026-03-01T00:01:20.000Z'), '2026-03-01T00:01:00.000Z');
    store.insertSample('tinh-uy', sample('2026-03-01T00:01:30.000Z'), '2026-03-01T00:01:00.000Z');
    const day = [new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z')] as const;
    expect(store.listSamples('tinh-uy', ...day, 10).map((s) => s.ts)).toEqual([
      ...before,
      '2026-03-01T00:01:20.000Z',
    ]);
    db.close();
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
