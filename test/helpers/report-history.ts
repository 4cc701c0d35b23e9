/**
 * A year (2026 in Vietnam) of stored history for the report's tests, written through the parts'
 * repositories and, for telemetry, straight into its table. Three rooms: `tinh-uy` (A) seen all
 * year, with an OFFLINE spell during a meeting, a NOT_READY spell during another and a night
 * POWERED_OFF; `hdnd-tinh` (B) first seen on 1 February; `ubnd-tinh` (C) never seen. Rows just
 * outside the year (by the Vietnamese clock) are there to be left out. The figures the tests
 * expect are computed by hand in the tests, not here.
 */
import type { IncidentCause } from '../../hub/incidents/incident-rules.js';
import { IncidentsRepo, incidentsMigrations } from '../../hub/incidents/incidents-repo.js';
import type { Level } from '../../hub/readiness.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import { MeetingsRepo } from '../../hub/schedule/meetings-repo.js';
import type { Verdict } from '../../hub/schedule/rehearsal-verdict.js';
import { type RehearsalKind, RehearsalsRepo } from '../../hub/schedule/rehearsals-repo.js';
import type { Db } from '../../hub/store/database.js';
import { sqliteStore } from '../../hub/store/sql.js';
import { SqliteStore } from '../../hub/store/sqlite-store.js';
import { scheduleSql } from './schedule-sql.js';

export const A = 'tinh-uy';
export const B = 'hdnd-tinh';
export const C = 'ubnd-tinh';

/** A time on the Vietnamese clock (`2026-05-05T08:00`) as stored: UTC ISO. */
export const vn = (local: string) => new Date(`${local}:00+07:00`).toISOString();

const utc = (iso: string) => new Date(iso).toISOString();

function meeting(
  id: string,
  roomIds: string[],
  start: string,
  end: string,
  status: Meeting['status'],
): Meeting {
  return {
    id,
    title: `Họp ${id}`,
    kind: 'committee',
    hostUnit: 'Văn phòng Tỉnh ủy',
    hostRoomId: roomIds[0]!,
    roomIds,
    start,
    end,
    emergency: null,
    registeredBy: 'test',
    registeredAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    status,
  };
}

export async function seedReportHistory(db: Db): Promise<void> {
  const store = new SqliteStore(db);
  const transition = (roomId: string, level: Level | 'POWERED_OFF', at: string) =>
    store.insertTransition({ roomId, level, power: level === 'POWERED_OFF' ? null : 'on', reasons: [], at });
  // A: READY since before the year; offline 12 h, not ready 30 min, and 6 h in a row stored by a hub
  // before health and power were apart (switched off, health not judged: unknown).
  transition(A, 'READY', vn('2025-12-20T00:00'));
  transition(A, 'OFFLINE', vn('2026-03-10T08:00'));
  transition(A, 'READY', vn('2026-03-10T20:00'));
  transition(A, 'NOT_READY', vn('2026-05-05T09:00'));
  transition(A, 'READY', vn('2026-05-05T09:30'));
  transition(A, 'POWERED_OFF', vn('2026-07-01T00:00'));
  transition(A, 'READY', vn('2026-07-01T06:00'));
  // After the year: must not change 2026.
  transition(A, 'OFFLINE', vn('2027-01-01T00:00'));
  // B: first seen on 1 February.
  transition(B, 'READY', vn('2026-02-01T00:00'));

  const sql = scheduleSql(db);
  const meetings = new MeetingsRepo(sql);
  const m = (...args: Parameters<typeof meeting>) => meetings.insert(meeting(...args), []);
  await m('m1', [A, B], vn('2026-05-05T08:00'), vn('2026-05-05T10:00'), 'scheduled');
  await m('m2', [A, C], vn('2026-03-10T19:00'), vn('2026-03-10T21:00'), 'scheduled');
  await m('m3-cancelled', [A, B], vn('2026-06-01T08:00'), vn('2026-06-01T10:00'), 'cancelled');
  // Started on 31 Dec 2025 in Vietnam (16:30 UTC): last year's.
  await m('m4-last-year', [A, B], vn('2025-12-31T23:30'), vn('2026-01-01T00:30'), 'scheduled');
  // Started in 2026, ends in 2027: counted, its booked time up to the year's end.
  await m('m5-new-year-eve', [A], vn('2026-12-31T23:00'), vn('2027-01-01T01:00'), 'scheduled');

  const rehearsals = new RehearsalsRepo(sql);
  const run = async (
    id: string,
    kind: RehearsalKind,
    startedAt: string,
    verdicts: Record<string, Verdict[]>,
  ) => {
    await rehearsals.insert({
      id,
      kind,
      meetingId: null,
      slot: kind === 'inspection' ? 'inspection' : 'T-24h',
      roomIds: Object.keys(verdicts),
      hostRoomId: null,
      startedAt,
      checkedAt: startedAt,
      finishedAt: startedAt,
      deadline: null,
      status: 'done',
      verdict: null,
    });
    for (const [roomId, attempts] of Object.entries(verdicts))
      for (const [i, verdict] of attempts.entries())
        await rehearsals.insertAttempt(id, {
          roomId,
          attempt: i + 1,
          startedAt,
          finishedAt: startedAt,
          answered: true,
          error: null,
          powerOn: { ok: true, detail: 'on' },
          checks: [],
          verdict,
          failures: [],
        });
  };
  // A failed its first attempt, then passed: the final verdict counts.
  await run('r1', 'rehearsal', vn('2026-05-04T08:00'), { [A]: ['no-go', 'go'], [B]: ['go'] });
  await run('r2', 'rehearsal', vn('2026-03-09T19:00'), { [A]: ['at-risk'], [C]: ['no-go'] });
  await run('r3', 'inspection', vn('2026-06-15T09:00'), { [A]: ['go'], [B]: ['go'], [C]: ['no-go'] });
  await run('r4-last-year', 'rehearsal', vn('2025-12-31T23:00'), { [A]: ['go'] });

  const relational = sqliteStore(db);
  await relational.migrate(incidentsMigrations);
  const incidents = new IncidentsRepo(relational.sql);
  const incident = async (
    roomId: string | null,
    cause: IncidentCause,
    opened: string,
    recoverSec?: number,
  ) => {
    await incidents.open(roomId, cause, 'critical', opened);
    if (recoverSec !== undefined)
      await incidents.close(roomId, cause, new Date(Date.parse(opened) + recoverSec * 1000).toISOString());
  };
  await incident(A, 'room.offline', vn('2026-03-10T08:00'), 43_200);
  await incident(A, 'mains.lost', vn('2026-02-01T10:00'), 600);
  await incident(A, 'mains.lost', vn('2026-04-01T10:00'), 1200);
  await incident(A, 'mains.lost', vn('2026-09-01T10:00'), 300);
  // Opened on 31 Dec 2025 in Vietnam, closed in 2026: last year's.
  await incident(A, 'link.degraded', vn('2025-12-31T23:00'), 7200);
  await incident(B, 'codec.down', vn('2026-02-10T10:00'), 100);
  await incident(B, 'codec.down', vn('2026-06-10T10:00'), 300);
  await incident(B, 'codec.down', vn('2026-12-20T10:00'));
  await incident(null, 'network.unreachable', vn('2026-08-01T10:00'), 900);

  const sample = db.prepare('INSERT INTO telemetry_samples (room_id, ts, data) VALUES (?, ?, ?)');
  const energy = (roomId: string, ts: string, sinceIso: string, usedWh: number, alwaysOnWh: number) =>
    sample.run(roomId, ts, JSON.stringify({ ts, energy: { sinceIso, usedWh, alwaysOnWh, outputs: [] } }));
  // A: a boot period that began before the year, then a reboot on 2 February.
  const boot1 = utc('2025-11-01T00:00:00Z');
  const boot2 = utc('2026-02-02T00:00:00Z');
  energy(A, utc('2025-12-31T16:00:00Z'), boot1, 1000, 3000);
  energy(A, utc('2026-01-15T00:00:00Z'), boot1, 1500, 5000);
  energy(A, utc('2026-02-01T00:00:00Z'), boot1, 2000, 8000);
  energy(A, utc('2026-02-03T00:00:00Z'), boot2, 100, 400);
  energy(A, utc('2026-12-31T16:00:00Z'), boot2, 5000, 20_000);
  energy(A, utc('2026-12-31T18:00:00Z'), boot2, 5100, 20_100);
  energy(B, utc('2026-03-05T00:00:00Z'), utc('2026-03-01T00:00:00Z'), 100, 500);
  energy(B, utc('2026-10-05T00:00:00Z'), utc('2026-03-01T00:00:00Z'), 250.5, 1000.25);
  // C has no power control: its samples carry no energy.
  sample.run(C, utc('2026-06-01T00:00:00Z'), JSON.stringify({ ts: '2026-06-01T00:00:00.000Z' }));
}
