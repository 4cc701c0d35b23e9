/**
 * Incidents in SQLite, kept for good (art. 12.5: the yearly report counts them by cause with their
 * time to recover). At most one incident is open per room and cause, enforced by the database.
 */
import type { Severity } from '../../shared/schemas.js';
import { applyMigrations, type Db, type Migration } from '../store/database.js';
import type { IncidentCause } from './incident-rules.js';

const migrations: Migration[] = [
  {
    id: 'incidents-1',
    sql: `CREATE TABLE incidents (
      id INTEGER PRIMARY KEY,
      room_id TEXT,
      cause TEXT NOT NULL,
      severity TEXT NOT NULL,
      opened_at TEXT NOT NULL,
      closed_at TEXT,
      recover_sec INTEGER,
      rooms TEXT NOT NULL DEFAULT '[]',
      acked_at TEXT,
      acked_by TEXT,
      ack_note TEXT
    );
    CREATE UNIQUE INDEX incidents_one_open ON incidents (ifnull(room_id, '*'), cause) WHERE closed_at IS NULL;
    CREATE INDEX incidents_opened ON incidents (opened_at);
    CREATE INDEX incidents_room ON incidents (room_id, opened_at);`,
  },
];

export interface Incident {
  id: number;
  /** null for a network incident, which covers the whole fleet. */
  roomId: string | null;
  cause: IncidentCause;
  severity: Severity;
  openedAt: string;
  closedAt: string | null;
  /** Seconds from the first sign to recovery; null while open. */
  recoverSec: number | null;
  /** For a network incident: the rooms offline when it opened. */
  rooms: string[];
  ack: { at: string; by: string; note: string } | null;
}

export interface IncidentQuery {
  state?: 'open' | 'closed' | 'all';
  roomId?: string;
  /** Incidents that were open at some time in [from, to). */
  from?: string;
  to?: string;
  limit?: number;
}

interface Row {
  id: number;
  room_id: string | null;
  cause: string;
  severity: string;
  opened_at: string;
  closed_at: string | null;
  recover_sec: number | null;
  rooms: string;
  acked_at: string | null;
  acked_by: string | null;
  ack_note: string | null;
}

function toIncident(r: Row): Incident {
  return {
    id: r.id,
    roomId: r.room_id,
    cause: r.cause as IncidentCause,
    severity: r.severity as Severity,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    recoverSec: r.recover_sec,
    rooms: JSON.parse(r.rooms) as string[],
    ack: r.acked_at ? { at: r.acked_at, by: r.acked_by ?? '', note: r.ack_note ?? '' } : null,
  };
}

export type AckResult = { ok: true; incident: Incident } | { ok: false; code: 'not-found' | 'already-acked' };

export class IncidentsRepo {
  private readonly stmts;

  constructor(private readonly db: Db) {
    applyMigrations(db, migrations);
    this.stmts = {
      open: db.prepare(
        `INSERT INTO incidents (room_id, cause, severity, opened_at, rooms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING *`,
      ),
      close: db.prepare(
        `UPDATE incidents SET closed_at = ?,
           recover_sec = max(0, CAST(round((julianday(?) - julianday(opened_at)) * 86400) AS INTEGER))
         WHERE ifnull(room_id, '*') = ifnull(?, '*') AND cause = ? AND closed_at IS NULL RETURNING *`,
      ),
      get: db.prepare('SELECT * FROM incidents WHERE id = ?'),
      ack: db.prepare(
        'UPDATE incidents SET acked_at = ?, acked_by = ?, ack_note = ? WHERE id = ? AND acked_at IS NULL RETURNING *',
      ),
      openOnes: db.prepare('SELECT * FROM incidents WHERE closed_at IS NULL ORDER BY id'),
    };
  }

  /** Opens an incident; null when one is already open for this room and cause. */
  open(
    roomId: string | null,
    cause: IncidentCause,
    severity: Severity,
    openedAt: string,
    rooms: string[] = [],
  ) {
    const row = this.stmts.open.get(roomId, cause, severity, openedAt, JSON.stringify(rooms)) as
      | Row
      | undefined;
    return row ? toIncident(row) : null;
  }

  /** Closes the open incident of this room and cause; null when none was open. */
  close(roomId: string | null, cause: IncidentCause, closedAt: string): Incident | null {
    const row = this.stmts.close.get(closedAt, closedAt, roomId, cause) as Row | undefined;
    return row ? toIncident(row) : null;
  }

  get(id: number): Incident | null {
    const row = this.stmts.get.get(id) as Row | undefined;
    return row ? toIncident(row) : null;
  }

  acknowledge(id: number, by: string, note: string, at: string): AckResult {
    const row = this.stmts.ack.get(at, by, note, id) as Row | undefined;
    if (row) return { ok: true, incident: toIncident(row) };
    return { ok: false, code: this.get(id) ? 'already-acked' : 'not-found' };
  }

  openIncidents(): Incident[] {
    return (this.stmts.openOnes.all() as Row[]).map(toIncident);
  }

  /** Newest first. The date range selects incidents that overlap it, so the report sees ongoing ones. */
  list(q: IncidentQuery = {}): Incident[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.state === 'open') where.push('closed_at IS NULL');
    if (q.state === 'closed') where.push('closed_at IS NOT NULL');
    if (q.roomId) {
      where.push('room_id = ?');
      params.push(q.roomId);
    }
    if (q.to) {
      where.push('opened_at < ?');
      params.push(q.to);
    }
    if (q.from) {
      where.push('(closed_at IS NULL OR closed_at >= ?)');
      params.push(q.from);
    }
    const sql = `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY opened_at DESC, id DESC LIMIT ?`;
    params.push(q.limit ?? -1); // -1: no limit, for the report's whole year
    return (this.db.prepare(sql).all(...params) as Row[]).map(toIncident);
  }
}
