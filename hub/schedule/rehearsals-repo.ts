/**
 * Rehearsals and inspections in SQLite: each run, every attempt on every room with its checks and
 * evidence, and the escalations at the deadline (art. 9.3, 11.1). Kept for the year's report.
 */
import type { RehearsalCheck } from '../../shared/schemas.js';
import { applyMigrations, type Db, type Migration } from '../store/database.js';
import type { Failure, Verdict } from './rehearsal-verdict.js';

const migrations: Migration[] = [
  {
    id: 'rehearsals-1',
    sql: `CREATE TABLE rehearsals (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     meeting_id TEXT,
     slot TEXT NOT NULL,
     room_ids TEXT NOT NULL,
     host_room_id TEXT,
     started_at TEXT NOT NULL,
     checked_at TEXT,
     finished_at TEXT,
     deadline TEXT,
     status TEXT NOT NULL,
     verdict TEXT
   );
   CREATE INDEX rehearsals_meeting ON rehearsals (meeting_id, started_at);
   CREATE INDEX rehearsals_status ON rehearsals (status);
   CREATE TABLE rehearsal_attempts (
     id INTEGER PRIMARY KEY,
     rehearsal_id TEXT NOT NULL REFERENCES rehearsals (id),
     room_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT NOT NULL,
     answered INTEGER NOT NULL,
     error TEXT,
     power_on TEXT NOT NULL,
     verdict TEXT NOT NULL,
     failures TEXT NOT NULL,
     UNIQUE (rehearsal_id, room_id, attempt)
   );
   CREATE TABLE rehearsal_checks (
     attempt_id INTEGER NOT NULL REFERENCES rehearsal_attempts (id),
     check_name TEXT NOT NULL,
     status TEXT NOT NULL,
     detail TEXT NOT NULL,
     evidence TEXT NOT NULL,
     fault TEXT,
     PRIMARY KEY (attempt_id, check_name)
   );
   CREATE TABLE escalations (
     id INTEGER PRIMARY KEY,
     rehearsal_id TEXT NOT NULL REFERENCES rehearsals (id),
     meeting_id TEXT,
     room_id TEXT NOT NULL,
     at TEXT NOT NULL,
     verdict TEXT NOT NULL,
     failures TEXT NOT NULL
   );
   CREATE INDEX escalations_rehearsal ON escalations (rehearsal_id);`,
  },
];

export type RehearsalKind = 'rehearsal' | 'inspection';
/** `running` until every room is go or the deadline passed; `superseded` by a later one; `cancelled` with its meeting. */
export type RehearsalStatus = 'running' | 'done' | 'superseded' | 'cancelled';

export interface Rehearsal {
  id: string;
  kind: RehearsalKind;
  meetingId: string | null;
  /** `T-24h`, `T-2h`, `now` (asked through the API) or `inspection`. */
  slot: string;
  roomIds: string[];
  hostRoomId: string | null;
  startedAt: string;
  /** When the first pass over every room was complete. */
  checkedAt: string | null;
  finishedAt: string | null;
  /** Art. 11.1: failing rooms are re-checked until then, and escalated at it. */
  deadline: string | null;
  status: RehearsalStatus;
  verdict: Verdict | null;
}

export interface PowerOnResult {
  ok: boolean;
  /** What the room said (`{power: 'on', changed: true}`) or why not. */
  detail: string;
}

export interface Attempt {
  roomId: string;
  attempt: number;
  startedAt: string;
  finishedAt: string;
  answered: boolean;
  error: string | null;
  powerOn: PowerOnResult;
  checks: RehearsalCheck[];
  verdict: Verdict;
  failures: Failure[];
}

/** A room's final verdict in one run: its last attempt's (art. 12.5 counts runs and passes). */
export interface RoomResult {
  rehearsalId: string;
  kind: RehearsalKind;
  roomId: string;
  startedAt: string;
  verdict: Verdict;
}

export interface Escalation {
  id: number;
  rehearsalId: string;
  meetingId: string | null;
  roomId: string;
  at: string;
  verdict: Verdict;
  failures: Failure[];
}

interface RehearsalRow {
  id: string;
  kind: string;
  meeting_id: string | null;
  slot: string;
  room_ids: string;
  host_room_id: string | null;
  started_at: string;
  checked_at: string | null;
  finished_at: string | null;
  deadline: string | null;
  status: string;
  verdict: string | null;
}

function toRehearsal(r: RehearsalRow): Rehearsal {
  return {
    id: r.id,
    kind: r.kind as RehearsalKind,
    meetingId: r.meeting_id,
    slot: r.slot,
    roomIds: JSON.parse(r.room_ids) as string[],
    hostRoomId: r.host_room_id,
    startedAt: r.started_at,
    checkedAt: r.checked_at,
    finishedAt: r.finished_at,
    deadline: r.deadline,
    status: r.status as RehearsalStatus,
    verdict: r.verdict as Verdict | null,
  };
}

export class RehearsalsRepo {
  constructor(private readonly db: Db) {
    applyMigrations(db, migrations);
  }

  insert(r: Rehearsal): void {
    this.db
      .prepare(
        `INSERT INTO rehearsals (id, kind, meeting_id, slot, room_ids, host_room_id, started_at, checked_at,
           finished_at, deadline, status, verdict)
         VALUES (@id, @kind, @meetingId, @slot, @roomIds, @hostRoomId, @startedAt, @checkedAt, @finishedAt,
           @deadline, @status, @verdict)`,
      )
      .run({ ...r, roomIds: JSON.stringify(r.roomIds) });
  }

  /** Sets the given fields; the rest stay as stored. */
  patch(
    id: string,
    fields: Partial<Pick<Rehearsal, 'checkedAt' | 'finishedAt' | 'status' | 'verdict'>>,
  ): void {
    const current = this.get(id);
    if (!current) return;
    const next = { ...current, ...fields };
    this.db
      .prepare('UPDATE rehearsals SET checked_at = ?, finished_at = ?, status = ?, verdict = ? WHERE id = ?')
      .run(next.checkedAt, next.finishedAt, next.status, next.verdict, id);
  }

  get(id: string): Rehearsal | undefined {
    const row = this.db.prepare('SELECT * FROM rehearsals WHERE id = ?').get(id) as RehearsalRow | undefined;
    return row ? toRehearsal(row) : undefined;
  }

  running(): Rehearsal[] {
    const rows = this.db
      .prepare("SELECT * FROM rehearsals WHERE status = 'running' ORDER BY started_at")
      .all() as RehearsalRow[];
    return rows.map(toRehearsal);
  }

  forMeeting(meetingId: string): Rehearsal[] {
    const rows = this.db
      .prepare('SELECT * FROM rehearsals WHERE meeting_id = ? ORDER BY started_at, rowid')
      .all(meetingId) as RehearsalRow[];
    return rows.map(toRehearsal);
  }

  insertAttempt(rehearsalId: string, a: Attempt): void {
    this.db.transaction(() => {
      const { id } = this.db
        .prepare(
          `INSERT INTO rehearsal_attempts (rehearsal_id, room_id, attempt, started_at, finished_at, answered, error,
             power_on, verdict, failures)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(
          rehearsalId,
          a.roomId,
          a.attempt,
          a.startedAt,
          a.finishedAt,
          a.answered ? 1 : 0,
          a.error,
          JSON.stringify(a.powerOn),
          a.verdict,
          JSON.stringify(a.failures),
        ) as { id: number };
      const insert = this.db.prepare(
        'INSERT INTO rehearsal_checks (attempt_id, check_name, status, detail, evidence, fault) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const c of a.checks)
        insert.run(id, c.check, c.status, c.detail, JSON.stringify(c.evidence), c.fault ?? null);
    })();
  }

  /** Every attempt of the rehearsal, by room then attempt. */
  attempts(rehearsalId: string): Attempt[] {
    const rows = this.db
      .prepare('SELECT * FROM rehearsal_attempts WHERE rehearsal_id = ? ORDER BY room_id, attempt')
      .all(rehearsalId) as {
      id: number;
      room_id: string;
      attempt: number;
      started_at: string;
      finished_at: string;
      answered: number;
      error: string | null;
      power_on: string;
      verdict: string;
      failures: string;
    }[];
    const checks = this.db.prepare(
      'SELECT check_name, status, detail, evidence, fault FROM rehearsal_checks WHERE attempt_id = ? ORDER BY rowid',
    );
    return rows.map((r) => ({
      roomId: r.room_id,
      attempt: r.attempt,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      answered: r.answered === 1,
      error: r.error,
      powerOn: JSON.parse(r.power_on) as PowerOnResult,
      checks: (
        checks.all(r.id) as {
          check_name: string;
          status: string;
          detail: string;
          evidence: string;
          fault: string | null;
        }[]
      ).map(
        (c): RehearsalCheck => ({
          check: c.check_name as RehearsalCheck['check'],
          status: c.status as RehearsalCheck['status'],
          detail: c.detail,
          evidence: JSON.parse(c.evidence) as RehearsalCheck['evidence'],
          ...(c.fault ? { fault: c.fault as NonNullable<RehearsalCheck['fault']> } : {}),
        }),
      ),
      verdict: r.verdict as Verdict,
      failures: JSON.parse(r.failures) as Failure[],
    }));
  }

  /** Each room's final verdict in every run started with `from <= startedAt < to`, by start. */
  roomResults(from: string, to: string): RoomResult[] {
    const rows = this.db
      .prepare(
        `SELECT r.id, r.kind, a.room_id, r.started_at, a.verdict
         FROM rehearsals r JOIN rehearsal_attempts a ON a.rehearsal_id = r.id
         WHERE r.started_at >= ? AND r.started_at < ?
           AND a.attempt = (SELECT max(b.attempt) FROM rehearsal_attempts b
                            WHERE b.rehearsal_id = r.id AND b.room_id = a.room_id)
         ORDER BY r.started_at, r.id, a.room_id`,
      )
      .all(from, to) as { id: string; kind: string; room_id: string; started_at: string; verdict: string }[];
    return rows.map((r) => ({
      rehearsalId: r.id,
      kind: r.kind as RehearsalKind,
      roomId: r.room_id,
      startedAt: r.started_at,
      verdict: r.verdict as Verdict,
    }));
  }

  insertEscalation(e: Omit<Escalation, 'id'>): Escalation {
    const { id } = this.db
      .prepare(
        'INSERT INTO escalations (rehearsal_id, meeting_id, room_id, at, verdict, failures) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
      )
      .get(e.rehearsalId, e.meetingId, e.roomId, e.at, e.verdict, JSON.stringify(e.failures)) as {
      id: number;
    };
    return { id, ...e };
  }

  escalations(rehearsalId: string): Escalation[] {
    const rows = this.db
      .prepare('SELECT * FROM escalations WHERE rehearsal_id = ? ORDER BY id')
      .all(rehearsalId) as {
      id: number;
      rehearsal_id: string;
      meeting_id: string | null;
      room_id: string;
      at: string;
      verdict: string;
      failures: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      rehearsalId: r.rehearsal_id,
      meetingId: r.meeting_id,
      roomId: r.room_id,
      at: r.at,
      verdict: r.verdict as Verdict,
      failures: JSON.parse(r.failures) as Failure[],
    }));
  }
}
