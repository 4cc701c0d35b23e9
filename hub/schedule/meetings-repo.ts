/**
 * The meeting calendar in SQLite: meetings, their rooms, the notification lists produced when they
 * were registered, changed or cancelled, and the outcome of powering an emergency meeting's rooms on.
 * A cancelled meeting is kept (status `cancelled`) for the year's report (art. 12.5).
 */
import type { EmergencyReason, MeetingKind } from '../../shared/schemas.js';
import { applyMigrations, type Db, type Migration } from '../store/database.js';
import type { Meeting } from './meeting-rules.js';
import type { Recipient } from './notify-list.js';

const migrations: Migration[] = [
  {
    id: 'meetings-1',
    sql: `CREATE TABLE meetings (
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

const SELECT = `SELECT m.*, (SELECT json_group_array(room_id) FROM
    (SELECT room_id FROM meeting_rooms r WHERE r.meeting_id = m.id ORDER BY position)) AS room_ids
  FROM meetings m`;

export class MeetingsRepo {
  constructor(private readonly db: Db) {
    applyMigrations(db, migrations);
  }

  /** Stores a new meeting and who must be notified of it, in one transaction. */
  insert(meeting: Meeting, recipients: readonly Recipient[]): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO meetings (id, title, kind, host_unit, host_room_id, start, end, emergency_reason,
             registered_by, registered_at, updated_at, status)
           VALUES (@id, @title, @kind, @hostUnit, @hostRoomId, @start, @end, @emergencyReason,
             @registeredBy, @registeredAt, @updatedAt, @status)`,
        )
        .run({ ...meeting, emergencyReason: meeting.emergency?.reason ?? null });
      this.writeRooms(meeting);
      this.writeNotifications(meeting.id, 'registered', recipients, meeting.registeredAt);
    })();
  }

  update(meeting: Meeting, recipients: readonly Recipient[]): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE meetings SET title = @title, kind = @kind, host_unit = @hostUnit, host_room_id = @hostRoomId,
             start = @start, end = @end, emergency_reason = @emergencyReason, updated_at = @updatedAt,
             status = @status
           WHERE id = @id`,
        )
        .run({ ...meeting, emergencyReason: meeting.emergency?.reason ?? null });
      this.db.prepare('DELETE FROM meeting_rooms WHERE meeting_id = ?').run(meeting.id);
      this.writeRooms(meeting);
      const event: NotificationEvent = meeting.status === 'cancelled' ? 'cancelled' : 'changed';
      this.writeNotifications(meeting.id, event, recipients, meeting.updatedAt);
    })();
  }

  get(id: string): Meeting | undefined {
    const row = this.db.prepare(`${SELECT} WHERE m.id = ?`).get(id) as MeetingRow | undefined;
    return row ? toMeeting(row) : undefined;
  }

  /** Scheduled meetings overlapping [from, to), in start order, optionally in one room. */
  list(query: MeetingQuery = {}): Meeting[] {
    const where = ["m.status = 'scheduled'"];
    const params: Record<string, string> = {};
    if (query.from) {
      where.push('m.end > @from');
      params.from = query.from;
    }
    if (query.to) {
      where.push('m.start < @to');
      params.to = query.to;
    }
    if (query.roomId) {
      where.push('EXISTS (SELECT 1 FROM meeting_rooms r WHERE r.meeting_id = m.id AND r.room_id = @roomId)');
      params.roomId = query.roomId;
    }
    const rows = this.db
      .prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY m.start, m.id`)
      .all(params) as MeetingRow[];
    return rows.map(toMeeting);
  }

  notifications(meetingId: string): StoredNotification[] {
    const rows = this.db
      .prepare(
        'SELECT event, recipient, created_at FROM meeting_notifications WHERE meeting_id = ? ORDER BY id',
      )
      .all(meetingId) as { event: string; recipient: string; created_at: string }[];
    return rows.map((r) => ({
      event: r.event as NotificationEvent,
      recipient: JSON.parse(r.recipient) as Recipient,
      createdAt: r.created_at,
    }));
  }

  recordPowerOn(meetingId: string, record: PowerOnRecord): void {
    this.db
      .prepare('INSERT INTO meeting_power_on (meeting_id, room_id, at, ok, error) VALUES (?, ?, ?, ?, ?)')
      .run(meetingId, record.roomId, record.at, record.ok ? 1 : 0, record.error);
  }

  powerOn(meetingId: string): PowerOnRecord[] {
    const rows = this.db
      .prepare('SELECT room_id, at, ok, error FROM meeting_power_on WHERE meeting_id = ? ORDER BY id')
      .all(meetingId) as { room_id: string; at: string; ok: number; error: string | null }[];
    return rows.map((r) => ({ roomId: r.room_id, at: r.at, ok: r.ok === 1, error: r.error }));
  }

  private writeRooms(meeting: Meeting): void {
    const insert = this.db.prepare(
      'INSERT INTO meeting_rooms (meeting_id, room_id, position) VALUES (?, ?, ?)',
    );
    for (const [i, roomId] of meeting.roomIds.entries()) insert.run(meeting.id, roomId, i);
  }

  private writeNotifications(
    meetingId: string,
    event: NotificationEvent,
    recipients: readonly Recipient[],
    at: string,
  ): void {
    const insert = this.db.prepare(
      'INSERT INTO meeting_notifications (meeting_id, event, recipient, created_at) VALUES (?, ?, ?, ?)',
    );
    for (const r of recipients) insert.run(meetingId, event, JSON.stringify(r), at);
  }
}
