/**
 * Rehearsals and inspections in SQLite: each run, every attempt on every room with its checks and
 * evidence, and the escalations at the deadline (art. 9.3, 11.1). Kept for the year's report.
 */
import type { RehearsalCheck, RehearseResult } from '../../shared/schemas.js';
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
  {
    // Issue 19: what the room measured in its test call and line test, and its peripherals.
    id: 'rehearsals-2',
    sql: `CREATE TABLE rehearsal_calls (
     attempt_id INTEGER PRIMARY KEY REFERENCES rehearsal_attempts (id),
     test_call TEXT,
     line_test TEXT,
     peripherals TEXT
   );`,
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

/** What a room measured in its calls and listed of its peripherals, as it answered. */
export type CallFigures = Pick<RehearseResult, 'testCall' | 'lineTest' | 'peripherals'>;

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
  /** Absent for a room that did not answer (or answered before issue 19). */
  calls?: CallFigures;
}

/** One room's test call and line test in a run, for the room's history and the yearly report. */
export interface CallResult {
  rehearsalId: string;
  kind: RehearsalKind;
  slot: string;
  roomId: string;
  attempt: number;
  at: string;
  verdict: Verdict;
  calls: CallFigures;
  /** The hub's judgement of them: `sip`, `line`, `sound`, `picture`, `peripherals`. */
  checks: RehearsalCheck[];
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

interface CallRow {
  attempt_id: number;
  test_call: string | null;
  line_test: string | null;
  peripherals: string | null;
}

interface CheckRow {
  check_name: string;
  status: string;
  detail: string;
  evidence: string;
  fault: string | null;
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function callsOf(row: CallRow | undefined): { calls?: CallFigures } {
  if (!row) return {};
  return {
    calls: {
      ...(row.test_call ? { testCall: JSON.parse(row.test_call) } : {}),
      ...(row.line_test ? { lineTest: JSON.parse(row.line_test) } : {}),
      ...(row.peripherals ? { peripherals: JSON.parse(row.peripherals) } : {}),
    },
  };
}

function toCheck(c: CheckRow): RehearsalCheck {
  return {
    check: c.check_name as RehearsalCheck['check'],
    status: c.status as RehearsalCheck['status'],
    detail: c.detail,
    evidence: JSON.parse(c.evidence) as RehearsalCheck['evidence'],
    ...(c.fault ? { fault: c.fault as NonNullable<RehearsalCheck['fault']> } : {}),
  };
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
      if (a.calls)
        this.db
          .prepare(
            'INSERT INTO rehearsal_calls (attempt_id, test_call, line_test, peripherals) VALUES (?, ?, ?, ?)',
          )
          .run(id, json(a.calls.testCall), json(a.calls.lineTest), json(a.calls.peripherals));
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
    const calls = this.db.prepare('SELECT * FROM rehearsal_calls WHERE attempt_id = ?');
    return rows.map((r) => ({
      roomId: r.room_id,
      attempt: r.attempt,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      answered: r.answered === 1,
      error: r.error,
      powerOn: JSON.parse(r.power_on) as PowerOnResult,
      checks: (checks.all(r.id) as CheckRow[]).map(toCheck),
      verdict: r.verdict as Verdict,
      failures: JSON.parse(r.failures) as Failure[],
      ...callsOf(calls.get(r.id) as CallRow | undefined),
    }));
  }

  /**
   * Each room's test calls and line tests in runs started with `from <= startedAt < to`, newest
   * first; one room's when `roomId` is given, at most `limit`.
   */
  callResults(options: { from?: string; to?: string; roomId?: string; limit?: number }): CallResult[] {
    const rows = this.db
      .prepare(
        `SELECT r.id AS rehearsal_id, r.kind, r.slot, a.id AS attempt_id, a.room_id, a.attempt, a.finished_at,
           a.verdict, c.test_call, c.line_test, c.peripherals
         FROM rehearsal_calls c JOIN rehearsal_attempts a ON a.id = c.attempt_id
           JOIN rehearsals r ON r.id = a.rehearsal_id
         WHERE r.started_at >= ? AND r.started_at < ? AND (? IS NULL OR a.room_id = ?)
         ORDER BY a.finished_at DESC, a.id DESC LIMIT ?`,
      )
      .all(
        options.from ?? '',
        options.to ?? '9999',
        options.roomId ?? null,
        options.roomId ?? null,
        options.limit ?? -1,
      ) as (CallRow & {
      rehearsal_id: string;
      kind: string;
      slot: string;
      room_id: string;
      attempt: number;
      finished_at: string;
      verdict: string;
    })[];
    const judged = this.db.prepare(
      `SELECT check_name, status, detail, evidence, fault FROM rehearsal_checks
       WHERE attempt_id = ? AND check_name IN ('sip', 'line', 'sound', 'picture', 'peripherals') ORDER BY rowid`,
    );
    return rows.map((row) => ({
      rehearsalId: row.rehearsal_id,
      kind: row.kind as RehearsalKind,
      slot: row.slot,
      roomId: row.room_id,
      attempt: row.attempt,
      at: row.finished_at,
      verdict: row.verdict as Verdict,
      calls: callsOf(row).calls ?? {},
      checks: (judged.all(row.attempt_id) as CheckRow[]).map(toCheck),
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
