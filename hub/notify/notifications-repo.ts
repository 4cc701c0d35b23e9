/** Every notification with its delivery result, kept so the operator sees who was told, and when. */
import { applyMigrations, type Db, type Migration } from '../store/database.js';

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
];

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
  status: 'sent' | 'failed' | 'skipped';
  attempts: number;
  error: string | null;
  finishedAt: string;
}

export class NotificationsRepo {
  private readonly stmts;

  constructor(db: Db) {
    applyMigrations(db, migrations);
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO notifications (created_at, incident_id, event, severity, channel, role, target, subject,
           status, attempts, error, finished_at)
         VALUES (@createdAt, @incidentId, @event, @severity, @channel, @role, @target, @subject, @status,
           @attempts, @error, @finishedAt)`,
      ),
      list: db.prepare(
        `SELECT id, created_at AS createdAt, incident_id AS incidentId, event, severity, channel, role, target,
           subject, status, attempts, error, finished_at AS finishedAt
         FROM notifications ORDER BY id DESC LIMIT ?`,
      ),
    };
  }

  insert(r: Omit<NotificationRecord, 'id'>): void {
    this.stmts.insert.run(r);
  }

  latest(limit: number): NotificationRecord[] {
    return this.stmts.list.all(limit) as NotificationRecord[];
  }
}
