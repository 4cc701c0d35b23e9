/**
 * Every notification with its delivery result, kept so the operator sees who was told, and when.
 * A delivery postponed by quiet hours waits here (`postponed`, with `due_at` and its notice) so a
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
];

export type NotificationStatus = 'sent' | 'failed' | 'skipped' | 'postponed';
export type FinishedStatus = Exclude<NotificationStatus, 'postponed'>;

export interface NotificationRecord {
  id: number;
  createdAt: string;
  incidentId: number | null;
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

export class NotificationsRepo {
  private readonly stmts;
  private readonly finishMany;

  constructor(db: Db) {
    applyMigrations(db, migrations);
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO notifications (created_at, incident_id, event, severity, channel, role, target, subject,
           status, attempts, error, finished_at, due_at, notice)
         VALUES (@createdAt, @incidentId, @event, @severity, @channel, @role, @target, @subject, @status,
           @attempts, @error, @finishedAt, @dueAt, @notice)`,
      ),
      list: db.prepare(
        `SELECT id, created_at AS createdAt, incident_id AS incidentId, event, severity, channel, role, target,
           subject, status, attempts, error, finished_at AS finishedAt, due_at AS dueAt
         FROM notifications ORDER BY id DESC LIMIT ?`,
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

  insert(r: Omit<NotificationRecord, 'id' | 'dueAt' | 'finishedAt' | 'status'> & DeliveryOutcome): void {
    this.stmts.insert.run({ ...r, dueAt: null, notice: null });
  }

  /** Keeps a delivery for later: it goes out in the recipient's digest once `dueAt` has come. */
  postpone(
    r: Omit<NotificationRecord, 'id' | 'dueAt' | 'finishedAt' | 'status' | 'attempts' | 'error'>,
    dueAt: string,
    notice: Notice,
  ): void {
    this.stmts.insert.run({
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
}
