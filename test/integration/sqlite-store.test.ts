import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
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
    const store = new SqliteStore(file);
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
    store.close();

    const reopened = new SqliteStore(file);
    expect(reopened.listEvents('tinh-uy', 10).map((e) => `${e.bootId}/${e.seq}`)).toEqual([
      'boot-b/1',
      'boot-a/1',
      'boot-a/0',
    ]);
    expect(reopened.listEvents('tinh-uy', 1)).toHaveLength(1);
    reopened.close();
  });

  test('runs in WAL mode', () => {
    const file = path.join(dir.path, 'b', 'hnth.db');
    new SqliteStore(file).close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  test('refuses a database written by a newer hub instead of corrupting it', () => {
    const file = path.join(dir.path, 'c', 'hnth.db');
    new SqliteStore(file).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/schema version 99 is newer than this hub/);
  });
});
