/**
 * The meeting calendar on the hub's store (SQLite or PostgreSQL): meetings, their rooms, the notification lists produced when they
 * were registered, changed or cancelled, and the outcome of powering an emergency meeting's rooms on.
 * A cancelled meeting is kept (status `cancelled`) for the year's report (art. 12.5).
 */
import type { EmergencyReason, MeetingKind } from '../../shared/schemas.js';
import type { Sql, SqlMigration } from '../store/sql.js';
import type { Meeting } from './meeting-rules.js';
import type { Recipient } from './notify-list.js';

export const meetingsMigrations: SqlMigration[] = [
  {
    id: 'meetings-1',
    sqlite: `CREATE TABLE meetings (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     kind TEXT NOT NULL,
     host_unit TEXT NOT NULL,
     host_room_id TEXT NOT NULL,
     start TEXT NOT NULL,
     end TEXT NOT NULL,
     emergency_reason TEXT,
     registered_by TEXT,
     registered_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     status TEXT NOT NULL
   );
   CREATE INDEX meetings_time ON meetings (status, start, end);
   CREATE TABLE meeting_rooms (
     meeting_id TEXT NOT NULL REFERENCES meetings (id),
     room_id TEXT NOT NULL,
     position INTEGER NOT NULL,
     PRIMARY KEY (meeting_id, room_id)
   );
   CREATE INDEX meeting_rooms_room ON meeting_rooms (room_id);
   CREATE TABLE meeting_notifications (
     id INTEGER PRIMARY KEY,
     meeting_id TEXT NOT NULL REFERENCES meetings (id),
     event TEXT NOT NULL,
     recipient TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX meeting_notifications_meeting ON meeting_notifications (meeting_id, id);
   CREATE TABLE meeting_power_on (
     id INTEGER PRIMARY KEY,
     meeting_id TEXT NOT NULL REFERENCES meetings (id),
     room_id TEXT NOT NULL,
     at TEXT NOT NULL,
     ok INTEGER NOT NULL,
     error TEXT
   );`,
    // References are checked at commit, so the move from SQLite may copy the tables in any order
    // in its one transaction.
    pg: `CREATE TABLE meetings (
     id text COLLATE "C" PRIMARY KEY,
     title text NOT NULL,
     kind text NOT NULL,
     host_unit text NOT NULL,
     host_room_id text COLLATE "C" NOT NULL,
     start text COLLATE "C" NOT NULL,
     "end" text COLLATE "C" NOT NULL,
     emergency_reason text,
     registered_by text,
     registered_at text COLLATE "C" NOT NULL,
     updated_at text COLLATE "C" NOT NULL,
     status text COLLATE "C" NOT NULL
   );
   CREATE INDEX meetings_time ON meetings (status, start, "end");
   CREATE TABLE meeting_rooms (
     meeting_id text COLLATE "C" NOT NULL REFERENCES meetings (id) DEFERRABLE INITIALLY DEFERRED,
     room_id text COLLATE "C" NOT NULL,
     position integer NOT NULL,
     PRIMARY KEY (meeting_id, room_id)
   );
   CREATE INDEX meeting_rooms_room ON meeting_rooms (room_id);
   CREATE TABLE meeting_notifications (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     meeting_id text COLLATE "C" NOT NULL REFERENCES meetings (id) DEFERRABLE INITIALLY DEFERRED,
     event text NOT NULL,
     recipient text NOT NULL,
     created_at text COLLATE "C" NOT NULL
   );
   CREATE INDEX meeting_notifications_meeting ON meeting_notifications (meeting_id, id);
   CREATE TABLE meeting_power_on (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     meeting_id text COLLATE "C" NOT NULL REFERENCES meetings (id) DEFERRABLE INITIALLY DEFERRED,
     room_id text COLLATE "C" NOT NULL,
     at text COLLATE "C" NOT NULL,
     ok integer NOT NULL,
     error text
   );`,
  },
];

export type NotificationEvent = 'registered' | 'changed' | 'cancelled';

export interface StoredNotification {
  event: NotificationEvent;
  recipient: Recipient;
  createdAt: string;
}

export interface PowerOnRecord {
  roomId: string;
  at: string;
  ok: boolean;
  error: string | null;
}

export interface MeetingQuery {
  /** Meetings that end after this time (UTC ISO). */
  from?: string;
  /** Meetings that start before this time (UTC ISO). */
  to?: string;
  roomId?: string;
}

interface MeetingRow {
  id: string;
  title: string;
  kind: string;
  host_unit: string;
  host_room_id: string;
  start: string;
  end: string;
  emergency_reason: string | null;
  registered_by: string | null;
  registered_at: string;
  updated_at: string;
  status: string;
  room_ids: string;
}

function toMeeting(row: MeetingRow): Meeting {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind as MeetingKind,
    hostUnit: row.host_unit,
    hostRoomId: row.host_room_id,
    roomIds: JSON.parse(row.room_ids) as string[],
    start: row.start,
    end: row.end,
    emergency: row.emergency_reason ? { reason: row.emergency_reason as EmergencyReason } : null,
    registeredBy: row.registered_by,
    registeredAt: row.registered_at,
    updatedAt: row.updated_at,
    status: row.status as Meeting['status'],
  };
}

// The rooms in their order as a JSON array, built the same way on both databases.
const ROOM_IDS = {
  sqlite: `(SELECT json_group_array(room_id) FROM
    (SELECT room_id FROM meeting_rooms r WHERE r.meeting_id = m.id ORDER BY position))`,
  pg: `(SELECT COALESCE(json_agg(r.room_id ORDER BY r.position), '[]')::text FROM meeting_rooms r
    WHERE r.meeting_id = m.id)`,
};

const COLUMNS = `m.id, m.title, m.kind, m.host_unit, m.host_room_id, m.start, m."end" AS "end",
  m.emergency_reason, m.registered_by, m.registered_at, m.updated_at, m.status`;

export class MeetingsRepo {
  private readonly select: string;

  constructor(private readonly sql: Sql) {
    this.select = `SELECT ${COLUMNS}, ${ROOM_IDS[sql.dialect]} AS room_ids FROM meetings m`;
  }

  /**
   * Runs `work` in one transaction with a repository whose reads and writes are inside it: a check of
   * the other meetings and the write it allows are one step, also across hubs on one PostgreSQL
   * (serialisable there, so of two overlapping bookings one is refused, retried, and sees the other).
   * `work` may run more than once.
   */
  atomically<T>(work: (meetings: MeetingsRepo) => Promise<T>): Promise<T> {
    return this.sql.transaction((tx) => work(new MeetingsRepo(tx)));
  }

  /** Stores a new meeting and who must be notified of it, in one transaction. */
  async insert(meeting: Meeting, recipients: readonly Recipient[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO meetings (id, title, kind, host_unit, host_room_id, start, "end", emergency_reason,
           registered_by, registered_at, updated_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          meeting.id,
          meeting.title,
          meeting.kind,
          meeting.hostUnit,
          meeting.hostRoomId,
          meeting.start,
          meeting.end,
          meeting.emergency?.reason ?? null,
          meeting.registeredBy,
          meeting.registeredAt,
          meeting.updatedAt,
          meeting.status,
        ],
      );
      await writeRooms(tx, meeting);
      await writeNotifications(tx, meeting.id, 'registered', recipients, meeting.registeredAt);
    });
  }

  async update(meeting: Meeting, recipients: readonly Recipient[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `UPDATE meetings SET title = ?, kind = ?, host_unit = ?, host_room_id = ?, start = ?, "end" = ?,
           emergency_reason = ?, updated_at = ?, status = ?
         WHERE id = ?`,
        [
          meeting.title,
          meeting.kind,
          meeting.hostUnit,
          meeting.hostRoomId,
          meeting.start,
          meeting.end,
          meeting.emergency?.reason ?? null,
          meeting.updatedAt,
          meeting.status,
          meeting.id,
        ],
      );
      await tx.run('DELETE FROM meeting_rooms WHERE meeting_id = ?', [meeting.id]);
      await writeRooms(tx, meeting);
      const event: NotificationEvent = meeting.status === 'cancelled' ? 'cancelled' : 'changed';
      await writeNotifications(tx, meeting.id, event, recipients, meeting.updatedAt);
    });
  }

  async get(id: string): Promise<Meeting | undefined> {
    const row = await this.sql.one<MeetingRow>(`${this.select} WHERE m.id = ?`, [id]);
    return row ? toMeeting(row) : undefined;
  }

  /** Scheduled meetings overlapping [from, to), in start order, optionally in one room. */
  async list(query: MeetingQuery = {}): Promise<Meeting[]> {
    const where = ["m.status = 'scheduled'"];
    const params: string[] = [];
    if (query.from) {
      where.push('m."end" > ?');
      params.push(query.from);
    }
    if (query.to) {
      where.push('m.start < ?');
      params.push(query.to);
    }
    if (query.roomId) {
      where.push('EXISTS (SELECT 1 FROM meeting_rooms r WHERE r.meeting_id = m.id AND r.room_id = ?)');
      params.push(query.roomId);
    }
    const rows = await this.sql.all<MeetingRow>(
      `${this.select} WHERE ${where.join(' AND ')} ORDER BY m.start, m.id`,
      params,
    );
    return rows.map(toMeeting);
  }

  async notifications(meetingId: string): Promise<StoredNotification[]> {
    const rows = await this.sql.all<{ event: string; recipient: string; created_at: string }>(
      'SELECT event, recipient, created_at FROM meeting_notifications WHERE meeting_id = ? ORDER BY id',
      [meetingId],
    );
    return rows.map((r) => ({
      event: r.event as NotificationEvent,
      recipient: JSON.parse(r.recipient) as Recipient,
      createdAt: r.created_at,
    }));
  }

  async recordPowerOn(meetingId: string, record: PowerOnRecord): Promise<void> {
    await this.sql.run(
      'INSERT INTO meeting_power_on (meeting_id, room_id, at, ok, error) VALUES (?, ?, ?, ?, ?)',
      [meetingId, record.roomId, record.at, record.ok ? 1 : 0, record.error],
    );
  }

  async powerOn(meetingId: string): Promise<PowerOnRecord[]> {
    const rows = await this.sql.all<{ room_id: string; at: string; ok: number; error: string | null }>(
      'SELECT room_id, at, ok, error FROM meeting_power_on WHERE meeting_id = ? ORDER BY id',
      [meetingId],
    );
    return rows.map((r) => ({ roomId: r.room_id, at: r.at, ok: r.ok === 1, error: r.error }));
  }
}

async function writeRooms(tx: Sql, meeting: Meeting): Promise<void> {
  for (const [i, roomId] of meeting.roomIds.entries())
    await tx.run('INSERT INTO meeting_rooms (meeting_id, room_id, position) VALUES (?, ?, ?)', [
      meeting.id,
      roomId,
      i,
    ]);
}

async function writeNotifications(
  tx: Sql,
  meetingId: string,
  event: NotificationEvent,
  recipients: readonly Recipient[],
  at: string,
): Promise<void> {
  for (const r of recipients)
    await tx.run(
      'INSERT INTO meeting_notifications (meeting_id, event, recipient, created_at) VALUES (?, ?, ?, ?)',
      [meetingId, event, JSON.stringify(r), at],
    );
}
