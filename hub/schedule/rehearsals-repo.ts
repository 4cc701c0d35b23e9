/**
 * Rehearsals and inspections on the hub's store (SQLite or PostgreSQL): each run, every attempt on every room with its checks and
 * evidence, and the escalations at the deadline (art. 9.3, 11.1). Kept for the year's report.
 */
import type { RehearsalCheck, RehearseResult } from '../../shared/schemas.js';
import type { Sql, SqlMigration } from '../store/sql.js';
import type { Failure, Verdict } from './rehearsal-verdict.js';

export const rehearsalsMigrations: SqlMigration[] = [
  {
    id: 'rehearsals-1',
    sqlite: `CREATE TABLE rehearsals (
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
    // PostgreSQL has no rowid: a column of that name keeps the order rows were written in, which the
    // queries (the same on both databases) sort by. References are checked at commit, so the move
    // from SQLite may copy the tables in any order in its one transaction.
    pg: `CREATE TABLE rehearsals (
     rowid bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
     id text COLLATE "C" PRIMARY KEY,
     kind text COLLATE "C" NOT NULL,
     meeting_id text COLLATE "C",
     slot text COLLATE "C" NOT NULL,
     room_ids text NOT NULL,
     host_room_id text COLLATE "C",
     started_at text COLLATE "C" NOT NULL,
     checked_at text COLLATE "C",
     finished_at text COLLATE "C",
     deadline text COLLATE "C",
     status text COLLATE "C" NOT NULL,
     verdict text COLLATE "C"
   );
   CREATE INDEX rehearsals_meeting ON rehearsals (meeting_id, started_at);
   CREATE INDEX rehearsals_status ON rehearsals (status);
   CREATE TABLE rehearsal_attempts (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     rehearsal_id text COLLATE "C" NOT NULL REFERENCES rehearsals (id) DEFERRABLE INITIALLY DEFERRED,
     room_id text COLLATE "C" NOT NULL,
     attempt integer NOT NULL,
     started_at text COLLATE "C" NOT NULL,
     finished_at text COLLATE "C" NOT NULL,
     answered integer NOT NULL,
     error text,
     power_on text NOT NULL,
     verdict text COLLATE "C" NOT NULL,
     failures text NOT NULL,
     UNIQUE (rehearsal_id, room_id, attempt)
   );
   CREATE TABLE rehearsal_checks (
     rowid bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
     attempt_id bigint NOT NULL REFERENCES rehearsal_attempts (id) DEFERRABLE INITIALLY DEFERRED,
     check_name text COLLATE "C" NOT NULL,
     status text COLLATE "C" NOT NULL,
     detail text NOT NULL,
     evidence text NOT NULL,
     fault text,
     PRIMARY KEY (attempt_id, check_name)
   );
   CREATE TABLE escalations (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     rehearsal_id text COLLATE "C" NOT NULL REFERENCES rehearsals (id) DEFERRABLE INITIALLY DEFERRED,
     meeting_id text COLLATE "C",
     room_id text COLLATE "C" NOT NULL,
     at text COLLATE "C" NOT NULL,
     verdict text COLLATE "C" NOT NULL,
     failures text NOT NULL
   );
   CREATE INDEX escalations_rehearsal ON escalations (rehearsal_id);`,
  },
  {
    // Issue 19: what the room measured in its test call and line test, and its peripherals.
    id: 'rehearsals-2',
    sqlite: `CREATE TABLE rehearsal_calls (
     attempt_id INTEGER PRIMARY KEY REFERENCES rehearsal_attempts (id),
     test_call TEXT,
     line_test TEXT,
     peripherals TEXT
   );`,
    pg: `CREATE TABLE rehearsal_calls (
     attempt_id bigint PRIMARY KEY REFERENCES rehearsal_attempts (id) DEFERRABLE INITIALLY DEFERRED,
     test_call text,
     line_test text,
     peripherals text
   );`,
  },
  {
    // Each planned slot of a meeting as planned from one version of it (its updated_at) is run once,
    // also when the planners of two hubs of a group fire it at the same moment.
    id: 'rehearsals-3',
    sqlite: `CREATE TABLE rehearsal_slots (
     meeting_id TEXT NOT NULL,
     slot TEXT NOT NULL,
     planned_from TEXT NOT NULL,
     claimed_at TEXT NOT NULL,
     PRIMARY KEY (meeting_id, slot, planned_from)
   );`,
    pg: `CREATE TABLE rehearsal_slots (
     meeting_id text COLLATE "C" NOT NULL,
     slot text COLLATE "C" NOT NULL,
     planned_from text COLLATE "C" NOT NULL,
     claimed_at text COLLATE "C" NOT NULL,
     PRIMARY KEY (meeting_id, slot, planned_from)
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

interface AttemptRow {
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
}

export class RehearsalsRepo {
  constructor(private readonly sql: Sql) {}

  async insert(r: Rehearsal): Promise<void> {
    await this.sql.run(
      `INSERT INTO rehearsals (id, kind, meeting_id, slot, room_ids, host_room_id, started_at, checked_at,
         finished_at, deadline, status, verdict)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.id,
        r.kind,
        r.meetingId,
        r.slot,
        JSON.stringify(r.roomIds),
        r.hostRoomId,
        r.startedAt,
        r.checkedAt,
        r.finishedAt,
        r.deadline,
        r.status,
        r.verdict,
      ],
    );
  }

  /** Sets the given fields; the rest stay as stored. */
  async patch(
    id: string,
    fields: Partial<Pick<Rehearsal, 'checkedAt' | 'finishedAt' | 'status' | 'verdict'>>,
  ): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const row = await tx.one<RehearsalRow>('SELECT * FROM rehearsals WHERE id = ?', [id]);
      if (!row) return;
      const next = { ...toRehearsal(row), ...fields };
      await tx.run(
        'UPDATE rehearsals SET checked_at = ?, finished_at = ?, status = ?, verdict = ? WHERE id = ?',
        [next.checkedAt, next.finishedAt, next.status, next.verdict, id],
      );
    });
  }

  async get(id: string): Promise<Rehearsal | undefined> {
    const row = await this.sql.one<RehearsalRow>('SELECT * FROM rehearsals WHERE id = ?', [id]);
    return row ? toRehearsal(row) : undefined;
  }

  async running(): Promise<Rehearsal[]> {
    const rows = await this.sql.all<RehearsalRow>(
      "SELECT * FROM rehearsals WHERE status = 'running' ORDER BY started_at, rowid",
    );
    return rows.map(toRehearsal);
  }

  async forMeeting(meetingId: string): Promise<Rehearsal[]> {
    const rows = await this.sql.all<RehearsalRow>(
      'SELECT * FROM rehearsals WHERE meeting_id = ? ORDER BY started_at, rowid',
      [meetingId],
    );
    return rows.map(toRehearsal);
  }

  /**
   * Claims a meeting's slot as planned from one version of the meeting (its `updatedAt`): true for
   * the first planner to ask, false for any other (a second hub's, at the same moment or later).
   */
  async claimSlot(meetingId: string, slot: string, plannedFrom: string, at: string): Promise<boolean> {
    const { changes } = await this.sql.run(
      `INSERT INTO rehearsal_slots (meeting_id, slot, planned_from, claimed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (meeting_id, slot, planned_from) DO NOTHING`,
      [meetingId, slot, plannedFrom, at],
    );
    return changes === 1;
  }

  async insertAttempt(rehearsalId: string, a: Attempt): Promise<void> {
    await this.sql.transaction(async (tx) => {
      const { id } = (await tx.one<{ id: number }>(
        `INSERT INTO rehearsal_attempts (rehearsal_id, room_id, attempt, started_at, finished_at, answered, error,
           power_on, verdict, failures)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
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
        ],
      ))!;
      for (const c of a.checks)
        await tx.run(
          'INSERT INTO rehearsal_checks (attempt_id, check_name, status, detail, evidence, fault) VALUES (?, ?, ?, ?, ?, ?)',
          [id, c.check, c.status, c.detail, JSON.stringify(c.evidence), c.fault ?? null],
        );
      if (a.calls)
        await tx.run(
          'INSERT INTO rehearsal_calls (attempt_id, test_call, line_test, peripherals) VALUES (?, ?, ?, ?)',
          [id, json(a.calls.testCall), json(a.calls.lineTest), json(a.calls.peripherals)],
        );
    });
  }

  /** Every attempt of the rehearsal, by room then attempt. */
  async attempts(rehearsalId: string): Promise<Attempt[]> {
    const rows = await this.sql.all<AttemptRow>(
      'SELECT * FROM rehearsal_attempts WHERE rehearsal_id = ? ORDER BY room_id, attempt',
      [rehearsalId],
    );
    return Promise.all(
      rows.map(async (r) => ({
        roomId: r.room_id,
        attempt: r.attempt,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        answered: r.answered === 1,
        error: r.error,
        powerOn: JSON.parse(r.power_on) as PowerOnResult,
        checks: (
          await this.sql.all<CheckRow>(
            'SELECT check_name, status, detail, evidence, fault FROM rehearsal_checks WHERE attempt_id = ? ORDER BY rowid',
            [r.id],
          )
        ).map(toCheck),
        verdict: r.verdict as Verdict,
        failures: JSON.parse(r.failures) as Failure[],
        ...callsOf(await this.sql.one<CallRow>('SELECT * FROM rehearsal_calls WHERE attempt_id = ?', [r.id])),
      })),
    );
  }

  /**
   * Each room's test calls and line tests in runs started with `from <= startedAt < to`, newest
   * first; one room's when `roomId` is given, at most `limit`.
   */
  async callResults(options: {
    from?: string;
    to?: string;
    roomId?: string;
    limit?: number;
  }): Promise<CallResult[]> {
    const params: (string | number)[] = [options.from ?? '', options.to ?? '9999'];
    let where = 'r.started_at >= ? AND r.started_at < ?';
    if (options.roomId !== undefined) {
      where += ' AND a.room_id = ?';
      params.push(options.roomId);
    }
    let limit = '';
    if (options.limit !== undefined) {
      limit = ' LIMIT ?';
      params.push(options.limit);
    }
    const rows = await this.sql.all<
      CallRow & {
        rehearsal_id: string;
        kind: string;
        slot: string;
        room_id: string;
        attempt: number;
        finished_at: string;
        verdict: string;
      }
    >(
      `SELECT r.id AS rehearsal_id, r.kind, r.slot, a.id AS attempt_id, a.room_id, a.attempt, a.finished_at,
         a.verdict, c.test_call, c.line_test, c.peripherals
       FROM rehearsal_calls c JOIN rehearsal_attempts a ON a.id = c.attempt_id
         JOIN rehearsals r ON r.id = a.rehearsal_id
       WHERE ${where}
       ORDER BY a.finished_at DESC, a.id DESC${limit}`,
      params,
    );
    return Promise.all(
      rows.map(async (row) => ({
        rehearsalId: row.rehearsal_id,
        kind: row.kind as RehearsalKind,
        slot: row.slot,
        roomId: row.room_id,
        attempt: row.attempt,
        at: row.finished_at,
        verdict: row.verdict as Verdict,
        calls: callsOf(row).calls ?? {},
        checks: (
          await this.sql.all<CheckRow>(
            `SELECT check_name, status, detail, evidence, fault FROM rehearsal_checks
             WHERE attempt_id = ? AND check_name IN ('sip', 'line', 'sound', 'picture', 'peripherals') ORDER BY rowid`,
            [row.attempt_id],
          )
        ).map(toCheck),
      })),
    );
  }

  /** Each room's final verdict in every run started with `from <= startedAt < to`, by start. */
  async roomResults(from: string, to: string): Promise<RoomResult[]> {
    const rows = await this.sql.all<{
      id: string;
      kind: string;
      room_id: string;
      started_at: string;
      verdict: string;
    }>(
      `SELECT r.id, r.kind, a.room_id, r.started_at, a.verdict
       FROM rehearsals r JOIN rehearsal_attempts a ON a.rehearsal_id = r.id
       WHERE r.started_at >= ? AND r.started_at < ?
         AND a.attempt = (SELECT max(b.attempt) FROM rehearsal_attempts b
                          WHERE b.rehearsal_id = r.id AND b.room_id = a.room_id)
       ORDER BY r.started_at, r.id, a.room_id`,
      [from, to],
    );
    return rows.map((r) => ({
      rehearsalId: r.id,
      kind: r.kind as RehearsalKind,
      roomId: r.room_id,
      startedAt: r.started_at,
      verdict: r.verdict as Verdict,
    }));
  }

  async insertEscalation(e: Omit<Escalation, 'id'>): Promise<Escalation> {
    const { id } = (await this.sql.one<{ id: number }>(
      'INSERT INTO escalations (rehearsal_id, meeting_id, room_id, at, verdict, failures) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
      [e.rehearsalId, e.meetingId, e.roomId, e.at, e.verdict, JSON.stringify(e.failures)],
    ))!;
    return { id, ...e };
  }

  async escalations(rehearsalId: string): Promise<Escalation[]> {
    const rows = await this.sql.all<{
      id: number;
      rehearsal_id: string;
      meeting_id: string | null;
      room_id: string;
      at: string;
      verdict: string;
      failures: string;
    }>('SELECT * FROM escalations WHERE rehearsal_id = ? ORDER BY id', [rehearsalId]);
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
