/**
 * Incidents in the hub's store, kept for good (art. 12.5: the yearly report counts them by cause with their
 * time to recover). At most one incident is open per room and cause, enforced by the database.
 */
import type { Severity } from '../../shared/schemas.js';
import type { Sql, SqlMigration, SqlValue } from '../store/sql.js';
import type { IncidentCause } from './incident-rules.js';

export const incidentsMigrations: SqlMigration[] = [
  {
    id: 'incidents-1',
    sqlite: `CREATE TABLE incidents (
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
    pg: `CREATE TABLE incidents (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      room_id text COLLATE "C",
      cause text COLLATE "C" NOT NULL,
      severity text NOT NULL,
      opened_at text COLLATE "C" NOT NULL,
      closed_at text COLLATE "C",
      recover_sec integer,
      rooms text NOT NULL DEFAULT '[]',
      acked_at text COLLATE "C",
      acked_by text,
      ack_note text
    );
    CREATE UNIQUE INDEX incidents_one_open ON incidents (coalesce(room_id, '*'), cause) WHERE closed_at IS NULL;
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

/** Whole seconds from the first sign to recovery; never negative (a clock stepped back). */
function recoverSec(openedAt: string, closedAt: string): number {
  return Math.max(0, Math.round((Date.parse(closedAt) - Date.parse(openedAt)) / 1000));
}

export class IncidentsRepo {
  constructor(private readonly sql: Sql) {}

  /** Opens an incident; null when one is already open for this room and cause. */
  async open(
    roomId: string | null,
    cause: IncidentCause,
    severity: Severity,
    openedAt: string,
    rooms: string[] = [],
  ): Promise<Incident | null> {
    const row = await this.sql.one<Row>(
      `INSERT INTO incidents (room_id, cause, severity, opened_at, rooms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING RETURNING *`,
      [roomId, cause, severity, openedAt, JSON.stringify(rooms)],
    );
    return row ? toIncident(row) : null;
  }

  /** Closes the open incident of this room and cause; null when none was open. */
  async close(roomId: string | null, cause: IncidentCause, closedAt: string): Promise<Incident | null> {
    return this.sql.transaction(async (tx) => {
      const open = await tx.one<{ id: number; opened_at: string }>(
        `SELECT id, opened_at FROM incidents
         WHERE coalesce(room_id, '*') = coalesce(?, '*') AND cause = ? AND closed_at IS NULL`,
        [roomId, cause],
      );
      if (!open) return null;
      const row = await tx.one<Row>(
        'UPDATE incidents SET closed_at = ?, recover_sec = ? WHERE id = ? AND closed_at IS NULL RETURNING *',
        [closedAt, recoverSec(open.opened_at, closedAt), open.id],
      );
      return row ? toIncident(row) : null;
    });
  }

  async get(id: number): Promise<Incident | null> {
    const row = await this.sql.one<Row>('SELECT * FROM incidents WHERE id = ?', [id]);
    return row ? toIncident(row) : null;
  }

  async acknowledge(id: number, by: string, note: string, at: string): Promise<AckResult> {
    const row = await this.sql.one<Row>(
      'UPDATE incidents SET acked_at = ?, acked_by = ?, ack_note = ? WHERE id = ? AND acked_at IS NULL RETURNING *',
      [at, by, note, id],
    );
    if (row) return { ok: true, incident: toIncident(row) };
    return { ok: false, code: (await this.get(id)) ? 'already-acked' : 'not-found' };
  }

  async openIncidents(): Promise<Incident[]> {
    return (await this.sql.all<Row>('SELECT * FROM incidents WHERE closed_at IS NULL ORDER BY id')).map(
      toIncident,
    );
  }

  /** Newest first. The date range selects incidents that overlap it, so the report sees ongoing ones. */
  async list(q: IncidentQuery = {}): Promise<Incident[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
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
    // No limit: the report's whole year.
    if (q.limit !== undefined) params.push(q.limit);
    const rows = await this.sql.all<Row>(
      `SELECT * FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY opened_at DESC, id DESC${q.limit !== undefined ? ' LIMIT ?' : ''}`,
      params,
    );
    return rows.map(toIncident);
  }
}
