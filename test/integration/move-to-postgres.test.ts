/**
 * A single hub's SQLite data moved into PostgreSQL: every row arrives and is read back equal (JSON by
 * value, text as written, ids continuing after the moved ones); a PostgreSQL that already holds rows,
 * a table PostgreSQL has no schema for, and a value PostgreSQL cannot store are each refused by name,
 * with nothing written.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { NotificationsRepo } from '../../hub/notify/notifications-repo.js';
import { MeetingsRepo } from '../../hub/schedule/meetings-repo.js';
import { type Attempt, RehearsalsRepo } from '../../hub/schedule/rehearsals-repo.js';
import { openDatabase } from '../../hub/store/database.js';
import { hubMigrations } from '../../hub/store/hub-migrations.js';
import { type MoveProgress, moveToPostgres } from '../../hub/store/move-to-postgres.js';
import { PgStore } from '../../hub/store/pg-store.js';
import { openPgSql, SqliteSql, sqliteStore } from '../../hub/store/sql.js';
import { SqliteStore } from '../../hub/store/sqlite-store.js';
import { eventMessage, SCHEMA_VERSION, telemetryMessage } from '../../shared/schemas.js';
import { meetingAt } from '../fakes/schedule-fakes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { nominalTelemetry } from '../helpers/room-messages.js';
import { tempDir } from '../helpers/temp-dir.js';

const folder = tempDir('hnth-move-');
afterAll(() => folder.remove());

const ROOM = 'ubnd-ham-yen';
const event = (seq: number, data: Record<string, unknown>) =>
  eventMessage.parse({
    v: SCHEMA_VERSION,
    type: 'mains.lost',
    severity: 'critical',
    data,
    ts: `2026-12-01T03:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    bootId: 'boot-a',
    seq,
  });

const PERIOD = '2026-12-01T03:00:00.000Z';
const telemetry = (ts: string) => telemetryMessage.parse(nominalTelemetry(ts));

/** A hub's SQLite file as the hub leaves it: the events store and the relational parts migrated. */
async function hubFile(events: number): Promise<string> {
  const file = path.join(folder.path, `hub-${Math.random().toString(36).slice(2)}.db`);
  const db = openDatabase(file);
  const store = new SqliteStore(db);
  for (let seq = 1; seq <= events; seq++)
    store.insertEvent(
      ROOM,
      event(seq, { upsChargePct: seq % 100, note: 'mất điện lưới 😀', z: 1, a: true }),
      new Date(),
    );
  store.insertTransition({
    roomId: ROOM,
    level: 'READY',
    power: 'on',
    reasons: [],
    at: '2026-12-01T03:00:00.000Z',
  });
  // A live sample with its period, and a replayed one without.
  store.insertSample(ROOM, telemetry('2026-12-01T03:00:05.000Z'), PERIOD);
  store.insertSample(ROOM, { ...telemetry('2026-12-01T02:00:00.000Z'), replayed: true });
  await sqliteStore(db).migrate(hubMigrations);
  db.close();
  return file;
}

describe('moving a hub’s SQLite data into PostgreSQL', () => {
  let pg: TestDatabase;
  beforeEach(async () => {
    pg = await createTestDatabase();
  });
  afterEach(async () => {
    await pg.drop();
  });

  test('every row arrives, is checked, and new ids continue after the moved ones', async () => {
    const sqliteFile = await hubFile(1203);
    const progress: MoveProgress[] = [];
    const result = await moveToPostgres({
      sqliteFile,
      url: pg.url,
      migrations: hubMigrations,
      progress: (p) => progress.push(p),
    });
    expect(result.tables).toEqual(
      expect.arrayContaining([
        { table: 'events', rows: 1203 },
        { table: 'readiness_transitions', rows: 1 },
        { table: 'telemetry_samples', rows: 2 },
      ]),
    );
    // Progress is shown as it goes, in batches, ending at the whole table, copied then checked.
    const events = progress.filter((p) => p.table === 'events');
    expect(events.filter((p) => p.phase === 'copy').map((p) => p.done)).toEqual([500, 1000, 1203]);
    expect(events.at(-1)).toEqual({ table: 'events', phase: 'check', done: 1203, of: 1203 });

    // The hub on PostgreSQL reads what the hub on SQLite stored, and stores the next event after it.
    const store = await PgStore.open(pg.url);
    try {
      const [latest] = await store.listEvents(ROOM, 1);
      expect(latest).toMatchObject({ seq: 1203, data: { note: 'mất điện lưới 😀', z: 1, a: true } });
      const next = await store.insertEvent(ROOM, event(1204, {}), new Date());
      expect(next!.id).toBe(latest!.id + 1);
      // The samples' periods moved with them: another sample of a moved period is one too many.
      await store.insertSample(ROOM, telemetry('2026-12-01T03:00:10.000Z'), PERIOD);
      const day = [new Date('2026-12-01T00:00:00.000Z'), new Date('2026-12-02T00:00:00.000Z')] as const;
      expect((await store.listSamples(ROOM, ...day, 10)).map((s) => s.ts)).toEqual([
        '2026-12-01T02:00:00.000Z',
        '2026-12-01T03:00:05.000Z',
      ]);
    } finally {
      await store.close();
    }
  });

  test('a table arrives before the tables that refer to it, whatever their names', async () => {
    // sessions refer to users, and come first by name; the reference is checked at each insert.
    const sqliteFile = await hubFile(1);
    const db = openDatabase(sqliteFile);
    db.prepare(
      "INSERT INTO users VALUES ('kt.ham-yen', 'x', 'technician', ?, '2026-12-01T00:00:00.000Z')",
    ).run(ROOM);
    db.prepare(
      "INSERT INTO sessions VALUES ('h', 'kt.ham-yen', 'c', '2026-12-01T00:00:00.000Z', '2026-12-01T12:00:00.000Z')",
    ).run();
    db.close();
    const result = await moveToPostgres({ sqliteFile, url: pg.url, migrations: hubMigrations });
    expect(result.tables.map((t) => t.table).indexOf('users')).toBeLessThan(
      result.tables.map((t) => t.table).indexOf('sessions'),
    );
    const { rows } = await pg.direct.query('SELECT username FROM sessions');
    expect(rows).toEqual([{ username: 'kt.ham-yen' }]);
  });

  test('a PostgreSQL that already holds rows is refused, and what it holds is untouched', async () => {
    const sqliteFile = await hubFile(3);
    await moveToPostgres({ sqliteFile, url: pg.url, migrations: hubMigrations });
    await expect(moveToPostgres({ sqliteFile, url: pg.url, migrations: hubMigrations })).rejects.toThrow(
      /PostgreSQL already holds rows in: events, readiness_transitions, telemetry_samples; the move only fills an empty database/,
    );
    const { rows } = await pg.direct.query('SELECT COUNT(*)::int AS n FROM events');
    expect(rows[0].n).toBe(3);
  });

  test('a table PostgreSQL has no schema for is named, and nothing is written', async () => {
    const sqliteFile = await hubFile(3);
    const db = openDatabase(sqliteFile);
    db.exec('CREATE TABLE notes_of_a_plugin (id INTEGER PRIMARY KEY, body TEXT)');
    db.close();
    await expect(moveToPostgres({ sqliteFile, url: pg.url, migrations: hubMigrations })).rejects.toThrow(
      'PostgreSQL has no table for: notes_of_a_plugin',
    );
    const { rows } = await pg.direct.query('SELECT COUNT(*)::int AS n FROM events');
    expect(rows[0].n).toBe(0);
  });

  test('text PostgreSQL cannot store is named with its table, row and column, and nothing is written', async () => {
    const sqliteFile = await hubFile(700);
    const db = openDatabase(sqliteFile);
    db.prepare('UPDATE readiness_transitions SET reasons = ? WHERE room_id = ?').run('["nul\u0000"]', ROOM);
    db.close();
    await expect(moveToPostgres({ sqliteFile, url: pg.url, migrations: hubMigrations })).rejects.toThrow(
      'readiness_transitions, row 1, column reasons: text with a NUL character, which PostgreSQL cannot store',
    );
    // The events copied before it went back with the transaction.
    const { rows } = await pg.direct.query('SELECT COUNT(*)::int AS n FROM events');
    expect(rows[0].n).toBe(0);
  });
});

describe('moving rehearsals into PostgreSQL', () => {
  let pg: TestDatabase;
  beforeEach(async () => {
    pg = await createTestDatabase();
  });
  afterEach(async () => {
    await pg.drop();
  });

  test('a meeting, an attempt and a notice arrive whole, its checks in the order they were written, as on SQLite', async () => {
    const sqliteFile = await hubFile(1);
    const db = openDatabase(sqliteFile);
    const check = (name: 'power' | 'codec' | 'line') => ({
      check: name,
      status: 'pass' as const,
      detail: name,
      evidence: {},
    });
    const attempt: Attempt = {
      roomId: ROOM,
      attempt: 1,
      startedAt: '2026-12-01T03:00:00.000Z',
      finishedAt: '2026-12-01T03:01:00.000Z',
      answered: true,
      error: null,
      powerOn: { ok: true, detail: 'on' },
      // Not in name order.
      checks: [check('power'), check('codec'), check('line')],
      verdict: 'go',
      failures: [],
    };
    const meeting = meetingAt('m1', new Date('2026-12-05T01:00:00.000Z'));
    await new MeetingsRepo(SqliteSql.local(db)).insert(meeting, [{ kind: 'operator' }]);
    const local = new RehearsalsRepo(SqliteSql.local(db));
    await local.insert({
      id: 'r1',
      kind: 'inspection',
      meetingId: null,
      slot: 'inspection',
      roomIds: [ROOM],
      hostRoomId: null,
      startedAt: attempt.startedAt,
      checkedAt: null,
      finishedAt: null,
      deadline: null,
      status: 'done',
      verdict: 'go',
    });
    await local.insertAttempt('r1', attempt);
    const notices = new NotificationsRepo(SqliteSql.local(db));
    await notices.insert({
      createdAt: '2026-12-04T01:00:00.000Z',
      topic: 'verdict',
      incidentId: null,
      meetingId: 'm1',
      roomId: ROOM,
      ref: 'r1',
      event: 'no-go',
      severity: 'critical',
      channel: 'email',
      role: 'technician',
      target: '',
      subject: 'Chạy thử: Không đạt',
      status: 'skipped',
      attempts: 0,
      error: 'no technician on file',
      finishedAt: '2026-12-04T01:00:00.000Z',
    });
    const notice = await notices.forMeeting('m1');
    db.close();
    await moveToPostgres({ sqliteFile, url: pg.url, migrations: hubMigrations });
    const moved = await openPgSql(pg.url);
    try {
      expect(await new RehearsalsRepo(moved.sql).attempts('r1')).toEqual([attempt]);
      expect(await new MeetingsRepo(moved.sql).get('m1')).toEqual(meeting);
      expect(await new MeetingsRepo(moved.sql).notifications('m1')).toHaveLength(1);
      expect(await new NotificationsRepo(moved.sql).forMeeting('m1')).toEqual(notice);
      expect(notice).toEqual([expect.objectContaining({ roomId: ROOM })]);
    } finally {
      await moved.close();
    }
  });
});
