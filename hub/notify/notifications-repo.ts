/**
 * Every notification with its delivery result, kept so the operator sees who was told, and when:
 * incidents' notices, and a meeting's (its booking, change or cancellation, its rehearsals'
 * verdicts, its escalations), each row with its topic, its meeting and what it is about (`ref`: the
 * rehearsal or escalation). A delivery postponed by quiet hours waits here (`postponed`, with `due_at` and its notice) so a
 * restart of the hub does not lose it; once its digest goes out, the row gets the digest's result.
 */
import { applyMigrations, type Db, type Migration } from '../store/database.js';
import type { Notice } from './notify-routing.js';

const migrations: Migration[] = [
  {
    id: 'notify-1',
    sql: `CREATE TABLE notifications (
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
  },
  {
    // SQLite cannot change a CHECK in place: the table is copied into one that allows `postponed`.
    // A postponed row is not finished, and keeps its notice (JSON) to be written into the digest.
    id: 'notify-2-postponed',
    sql: `CREATE TABLE notifications_next (
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
  },
  {
    // Until now every notification was an incident's; those rows keep that topic.
    id: 'notify-3-meetings',
    sql: `ALTER TABLE notifications ADD COLUMN topic TEXT NOT NULL DEFAULT 'incident';
    ALTER TABLE notifications ADD COLUMN meeting_id TEXT;
    ALTER TABLE notifications ADD COLUMN ref TEXT;
    CREATE INDEX notifications_meeting ON notifications (meeting_id) WHERE meeting_id IS NOT NULL;
    CREATE INDEX notifications_ref ON notifications (topic, ref) WHERE ref IS NOT NULL;`,
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

const SELECT = `SELECT id, created_at AS createdAt, topic, incident_id AS incidentId, meeting_id AS meetingId, ref,
    event, severity, channel, role, target, subject, status, attempts, error, finished_at AS finishedAt,
    due_at AS dueAt
  FROM notifications`;

/** What an incident's notice leaves out of a row; a meeting's notices say it. */
type Subject = Pick<NotificationRecord, 'topic' | 'meetingId' | 'ref'>;
const incidentSubject: Subject = { topic: 'incident', meetingId: null, ref: null };

type NewRow = Omit<NotificationRecord, 'id' | 'dueAt' | 'finishedAt' | 'status' | keyof Subject> &
  Partial<Subject>;

export class NotificationsRepo {
  private readonly stmts;
  private readonly finishMany;

  constructor(db: Db) {
    applyMigrations(db, migrations);
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO notifications (created_at, topic, incident_id, meeting_id, ref, event, severity, channel,
           role, target, subject, status, attempts, error, finished_at, due_at, notice)
         VALUES (@createdAt, @topic, @incidentId, @meetingId, @ref, @event, @severity, @channel, @role, @target,
           @subject, @status, @attempts, @error, @finishedAt, @dueAt, @notice)`,
      ),
      list: db.prepare(`${SELECT} ORDER BY id DESC LIMIT ?`),
      forMeeting: db.prepare(`${SELECT} WHERE meeting_id = ? ORDER BY id`),
      lastEvent: db.prepare(
        'SELECT event FROM notifications WHERE topic = ? AND ref = ? ORDER BY id DESC LIMIT 1',
      ),
      due: db.prepare(
        `SELECT id, channel, role, target, due_at AS dueAt, notice FROM notifications
         WHERE status = 'postponed' AND due_at <= ? ORDER BY id`,
      ),
      finish: db.prepare(
        `UPDATE notifications SET status = @status, attempts = @attempts, error = @error,
           finished_at = @finishedAt
         WHERE id = @id AND status = 'postponed'`,
      ),
    };
    this.finishMany = db.transaction((ids: readonly number[], outcome: DeliveryOutcome) => {
      for (const id of ids) this.stmts.finish.run({ id, ...outcome });
    });
  }

  insert(r: NewRow & DeliveryOutcome): void {
    this.stmts.insert.run({ ...incidentSubject, ...r, dueAt: null, notice: null });
  }

  /** Keeps a delivery for later: it goes out in the recipient's digest once `dueAt` has come. */
  postpone(r: Omit<NewRow, 'attempts' | 'error'>, dueAt: string, notice: Notice): void {
    this.stmts.insert.run({
      ...incidentSubject,
      ...r,
      status: 'postponed',
      attempts: 0,
      error: null,
      finishedAt: null,
      dueAt,
      notice: JSON.stringify(notice),
    });
  }

  /** Postponed deliveries due at `now` (ISO, UTC) or before, oldest first. */
  due(now: string): DueDelivery[] {
    const rows = this.stmts.due.all(now) as (Omit<DueDelivery, 'notice'> & { notice: string })[];
    return rows.map((r) => ({ ...r, notice: JSON.parse(r.notice) as Notice }));
  }

  /** Records the outcome of the digest that carried these postponed deliveries. */
  finish(ids: readonly number[], outcome: DeliveryOutcome): void {
    this.finishMany(ids, outcome);
  }

  latest(limit: number): NotificationRecord[] {
    return this.stmts.list.all(limit) as NotificationRecord[];
  }

  /** Every notice about a meeting (booking, verdicts, escalations), oldest first. */
  forMeeting(meetingId: string): NotificationRecord[] {
    return this.stmts.forMeeting.all(meetingId) as NotificationRecord[];
  }

  /** The event of the last notice sent on this topic about `ref` (a rehearsal's verdict), or null. */
  lastEvent(topic: NotificationTopic, ref: string): string | null {
    const row = this.stmts.lastEvent.get(topic, ref) as { event: string } | undefined;
    return row?.event ?? null;
  }
}
