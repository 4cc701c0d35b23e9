/**
 * Every notification with its delivery result, kept so the operator sees who was told, and when:
 * incidents' notices, and a meeting's (its booking, change or cancellation, its rehearsals'
 * verdicts, its escalations), each row with its topic, its meeting, the room it concerns and what it
 * is about (`ref`: the rehearsal or escalation). A delivery postponed by quiet hours waits here
 * (`postponed`, with `due_at` and its notice) so a restart of the hub does not lose it; once its
 * digest goes out, the row gets the digest's result.
 */
import type { Sql, SqlMigration } from '../store/sql.js';
import type { Notice } from './notify-routing.js';

/** On PostgreSQL each step does what it does on SQLite, in place: ALTER TABLE can change a CHECK there. */
export const notificationsMigrations: SqlMigration[] = [
  {
    id: 'notify-1',
    sqlite: `CREATE TABLE notifications (
      id INTEGER PRIMARY KEY,
      created_at TEXT NOT NULL,
      incident_id INTEGER,
      event TEXT NOT NULL,
      severity TEXT NOT NULL,
      channel TEXT NOT NULL,
      role TEXT,
      target TEXT NOT NULL,
      subject TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'skipped')),
      attempts INTEGER NOT NULL,
      error TEXT,
      finished_at TEXT NOT NULL
    );
    CREATE INDEX notifications_incident ON notifications (incident_id);`,
    pg: `CREATE TABLE notifications (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      created_at text COLLATE "C" NOT NULL,
      incident_id bigint,
      event text COLLATE "C" NOT NULL,
      severity text NOT NULL,
      channel text NOT NULL,
      role text,
      target text COLLATE "C" NOT NULL,
      subject text NOT NULL,
      status text NOT NULL CONSTRAINT notifications_status_check CHECK (status IN ('sent', 'failed', 'skipped')),
      attempts integer NOT NULL,
      error text,
      finished_at text COLLATE "C" NOT NULL
    );
    CREATE INDEX notifications_incident ON notifications (incident_id);`,
  },
  {
    // SQLite cannot change a CHECK in place: the table is copied into one that allows `postponed`.
    // A postponed row is not finished, and keeps its notice (JSON) to be written into the digest.
    id: 'notify-2-postponed',
    sqlite: `CREATE TABLE notifications_next (
      id INTEGER PRIMARY KEY,
      created_at TEXT NOT NULL,
      incident_id INTEGER,
      event TEXT NOT NULL,
      severity TEXT NOT NULL,
      channel TEXT NOT NULL,
      role TEXT,
      target TEXT NOT NULL,
      subject TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'skipped', 'postponed')),
      attempts INTEGER NOT NULL,
      error TEXT,
      finished_at TEXT,
      due_at TEXT,
      notice TEXT,
      CHECK ((status = 'postponed') = (finished_at IS NULL)),
      CHECK (status <> 'postponed' OR (due_at IS NOT NULL AND notice IS NOT NULL))
    );
    INSERT INTO notifications_next (id, created_at, incident_id, event, severity, channel, role, target,
      subject, status, attempts, error, finished_at)
      SELECT id, created_at, incident_id, event, severity, channel, role, target, subject, status, attempts,
        error, finished_at FROM notifications;
    DROP TABLE notifications;
    ALTER TABLE notifications_next RENAME TO notifications;
    CREATE INDEX notifications_incident ON notifications (incident_id);
    CREATE INDEX notifications_postponed ON notifications (due_at) WHERE status = 'postponed';`,
    pg: `ALTER TABLE notifications
      DROP CONSTRAINT notifications_status_check,
      ADD CONSTRAINT notifications_status_check CHECK (status IN ('sent', 'failed', 'skipped', 'postponed')),
      ALTER COLUMN finished_at DROP NOT NULL,
      ADD COLUMN due_at text COLLATE "C",
      ADD COLUMN notice text,
      ADD CHECK ((status = 'postponed') = (finished_at IS NULL)),
      ADD CHECK (status <> 'postponed' OR (due_at IS NOT NULL AND notice IS NOT NULL));
    CREATE INDEX notifications_postponed ON notifications (due_at) WHERE status = 'postponed';`,
  },
  {
    // Until now every notification was an incident's; those rows keep that topic.
    id: 'notify-3-meetings',
    sqlite: `ALTER TABLE notifications ADD COLUMN topic TEXT NOT NULL DEFAULT 'incident';
    ALTER TABLE notifications ADD COLUMN meeting_id TEXT;
    ALTER TABLE notifications ADD COLUMN ref TEXT;
    CREATE INDEX notifications_meeting ON notifications (meeting_id) WHERE meeting_id IS NOT NULL;
    CREATE INDEX notifications_ref ON notifications (topic, ref) WHERE ref IS NOT NULL;`,
    pg: `ALTER TABLE notifications
      ADD COLUMN topic text COLLATE "C" NOT NULL DEFAULT 'incident',
      ADD COLUMN meeting_id text COLLATE "C",
      ADD COLUMN ref text COLLATE "C";
    CREATE INDEX notifications_meeting ON notifications (meeting_id) WHERE meeting_id IS NOT NULL;
    CREATE INDEX notifications_ref ON notifications (topic, ref) WHERE ref IS NOT NULL;`,
  },
  {
    // The room a delivery concerns, so the log and the banner name it without reading the incident
    // (a meeting's notice has none). Rows stored before stay null: they leave the banner's week soon.
    id: 'notify-4-room',
    sqlite: 'ALTER TABLE notifications ADD COLUMN room_id TEXT;',
    pg: 'ALTER TABLE notifications ADD COLUMN room_id text COLLATE "C";',
  },
];

/** What a notification is about. */
export type NotificationTopic = 'incident' | 'meeting' | 'verdict' | 'escalation';

export type NotificationStatus = 'sent' | 'failed' | 'skipped' | 'postponed';
export type FinishedStatus = Exclude<NotificationStatus, 'postponed'>;

export interface NotificationRecord {
  id: number;
  createdAt: string;
  topic: NotificationTopic;
  incidentId: number | null;
  meetingId: string | null;
  /**
   * The room it concerns: an incident's room, for each of its deliveries; the room of the technician
   * a meeting's notice is addressed to. null for the network's incidents, a meeting's other readers,
   * and rows stored before rooms were kept.
   */
  roomId: string | null;
  /** The rehearsal a verdict is of, the escalation an escalation notice carries; null otherwise. */
  ref: string | null;
  /** `opened`/`closed` (incident), `registered`/`changed`/`cancelled` (meeting), the verdict, `escalated`. */
  event: string;
  severity: string;
  channel: 'email' | 'webhook';
  role: string | null;
  target: string;
  subject: string;
  status: NotificationStatus;
  attempts: number;
  error: string | null;
  /** null while postponed. */
  finishedAt: string | null;
  /** When a postponed delivery goes out (the end of the quiet hours); null for the others. */
  dueAt: string | null;
}

/** A postponed delivery that is due, with the notice it carries. */
export interface DueDelivery {
  id: number;
  channel: 'email' | 'webhook';
  role: string | null;
  target: string;
  dueAt: string;
  notice: Notice;
}

export interface DeliveryOutcome {
  status: FinishedStatus;
  attempts: number;
  error: string | null;
  finishedAt: string;
}

// Aliases quoted: PostgreSQL would fold them to lower case.
const SELECT = `SELECT id, created_at AS "createdAt", topic, incident_id AS "incidentId", meeting_id AS "meetingId",
    room_id AS "roomId", ref, event, severity, channel, role, target, subject, status, attempts, error, finished_at AS "finishedAt",
    due_at AS "dueAt"
  FROM notifications`;

const INSERT = `INSERT INTO notifications (created_at, topic, incident_id, meeting_id, room_id, ref, event, severity,
    channel, role, target, subject, status, attempts, error, finished_at, due_at, notice)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** What an incident's notice leaves out of a row; a meeting's notices say it. */
type Subject = Pick<NotificationRecord, 'topic' | 'meetingId' | 'ref'>;
const incidentSubject: Subject = { topic: 'incident', meetingId: null, ref: null };

type NewRow = Omit<NotificationRecord, 'id' | 'dueAt' | 'finishedAt' | 'status' | keyof Subject> &
  Partial<Subject>;

type Stored = NewRow &
  Subject & { status: NotificationStatus; error: string | null; finishedAt: string | null };

export class NotificationsRepo {
  constructor(private readonly sql: Sql) {}

  private async write(r: Stored, dueAt: string | null, notice: string | null): Promise<void> {
    await this.sql.run(INSERT, [
      r.createdAt,
      r.topic,
      r.incidentId,
      r.meetingId,
      r.roomId,
      r.ref,
      r.event,
      r.severity,
      r.channel,
      r.role,
      r.target,
      r.subject,
      r.status,
      r.attempts,
      r.error,
      r.finishedAt,
      dueAt,
      notice,
    ]);
  }

  async insert(r: NewRow & DeliveryOutcome): Promise<void> {
    await this.write({ ...incidentSubject, ...r }, null, null);
  }

  /** Keeps a delivery for later: it goes out in the recipient's digest once `dueAt` has come. */
  async postpone(r: Omit<NewRow, 'attempts' | 'error'>, dueAt: string, notice: Notice): Promise<void> {
    await this.write(
      { ...incidentSubject, ...r, status: 'postponed', attempts: 0, error: null, finishedAt: null },
      dueAt,
      JSON.stringify(notice),
    );
  }

  /** Postponed deliveries due at `now` (ISO, UTC) or before, oldest first. */
  async due(now: string): Promise<DueDelivery[]> {
    const rows = await this.sql.all<Omit<DueDelivery, 'notice'> & { notice: string }>(
      `SELECT id, channel, role, target, due_at AS "dueAt", notice FROM notifications
       WHERE status = 'postponed' AND due_at <= ? ORDER BY id`,
      [now],
    );
    return rows.map((r) => ({ ...r, notice: JSON.parse(r.notice) as Notice }));
  }

  /** Records the outcome of the digest that carried these postponed deliveries, all or none. */
  async finish(ids: readonly number[], outcome: DeliveryOutcome): Promise<void> {
    await this.sql.transaction(async (tx) => {
      for (const id of ids)
        await tx.run(
          `UPDATE notifications SET status = ?, attempts = ?, error = ?, finished_at = ?
           WHERE id = ? AND status = 'postponed'`,
          [outcome.status, outcome.attempts, outcome.error, outcome.finishedAt, id],
        );
    });
  }

  /** Newest first. */
  async latest(limit: number): Promise<NotificationRecord[]> {
    return this.sql.all<NotificationRecord>(`${SELECT} ORDER BY id DESC LIMIT ?`, [limit]);
  }

  /** Every notice about a meeting (booking, verdicts, escalations), oldest first. */
  async forMeeting(meetingId: string): Promise<NotificationRecord[]> {
    return this.sql.all<NotificationRecord>(`${SELECT} WHERE meeting_id = ? ORDER BY id`, [meetingId]);
  }

  /** The event of the last notice sent on this topic about `ref` (a rehearsal's verdict), or null. */
  async lastEvent(topic: NotificationTopic, ref: string): Promise<string | null> {
    const row = await this.sql.one<{ event: string }>(
      'SELECT event FROM notifications WHERE topic = ? AND ref = ? ORDER BY id DESC LIMIT 1',
      [topic, ref],
    );
    return row?.event ?? null;
  }
}
