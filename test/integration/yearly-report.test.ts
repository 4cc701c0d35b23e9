/**
 * The yearly report (art. 12.5) on a seeded year of stored history, read back through the
 * repositories, against figures computed by hand here. The year is 2026 in Vietnam:
 * 2025-12-31T17:00Z to 2026-12-31T17:00Z, 365 days = 31 536 000 s.
 */
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { IncidentsRepo } from '../../hub/incidents/incidents-repo.js';
import { yearPeriod } from '../../hub/report/report-period.js';
import { reportFor } from '../../hub/report/report-source.js';
import type { YearlyReport } from '../../hub/report/yearly-report.js';
import { MeetingsRepo } from '../../hub/schedule/meetings-repo.js';
import { RehearsalsRepo } from '../../hub/schedule/rehearsals-repo.js';
import { openDatabase } from '../../hub/store/database.js';
import { SqliteSql } from '../../hub/store/sql.js';
import { WorkerStore } from '../../hub/store/worker-store.js';
import { createLogger } from '../../shared/logger.js';
import { A, B, C, seedReportHistory } from '../helpers/report-history.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const db = openDatabase(path.join(dir.path, 'hnth.db'));
await seedReportHistory(db);
// The history read back as the hub reads it: through the store's own thread.
const store = await WorkerStore.open(path.join(dir.path, 'hnth.db'), createLogger('test', 'silent'));
afterAll(async () => {
  await store.close();
  db.close();
  dir.remove();
});

const sources = {
  store,
  meetings: new MeetingsRepo(SqliteSql.local(db)),
  rehearsals: new RehearsalsRepo(SqliteSql.local(db)),
  incidents: new IncidentsRepo(SqliteSql.local(db)),
  rooms: [
    { id: A, name: 'Văn phòng Tỉnh ủy' },
    { id: B, name: 'Văn phòng HĐND tỉnh' },
    { id: C, name: 'Văn phòng UBND tỉnh' },
  ],
  now: () => new Date('2027-01-10T00:00:00Z'),
};
const report: YearlyReport = await reportFor(sources, yearPeriod(2026));
const room = (id: string) => report.rooms.find((r) => r.roomId === id)!;

const YEAR = 365 * 86_400;
const H = 3600;

describe('yearly report on a seeded year (hand-computed figures)', () => {
  test('the period is the Vietnamese calendar year, measured to its end', () => {
    expect(report.period).toEqual({
      from: '2025-12-31T17:00:00.000Z',
      to: '2026-12-31T17:00:00.000Z',
      measuredTo: '2026-12-31T17:00:00.000Z',
      timeZone: 'Asia/Ho_Chi_Minh',
    });
  });

  test('meetings: cancelled and last year’s left out; a meeting over new year counts to the year’s end', () => {
    // A: m1 (2 h), m2 (2 h), m5 (23:00 to midnight = 1 h in 2026).
    expect(room(A).meetings).toEqual({ count: 3, bookedSec: 5 * H });
    expect(room(B).meetings).toEqual({ count: 1, bookedSec: 2 * H });
    expect(room(C).meetings).toEqual({ count: 1, bookedSec: 2 * H });
    expect(report.network.meetings).toEqual({ count: 3, bookedSec: 9 * H });
  });

  test('rehearsals and inspections: each room’s final verdict per run', () => {
    expect(room(A).rehearsals).toEqual({ run: 2, passed: 1, atRisk: 1, failed: 0 });
    expect(room(B).rehearsals).toEqual({ run: 1, passed: 1, atRisk: 0, failed: 0 });
    expect(room(C).rehearsals).toEqual({ run: 1, passed: 0, atRisk: 0, failed: 1 });
    expect(room(A).inspections).toEqual({ run: 1, passed: 1, atRisk: 0, failed: 0 });
    expect(room(C).inspections).toEqual({ run: 1, passed: 0, atRisk: 0, failed: 1 });
    expect(report.network.rehearsals).toEqual({ run: 4, passed: 2, atRisk: 1, failed: 1 });
    expect(report.network.inspections).toEqual({ run: 3, passed: 2, atRisk: 0, failed: 1 });
  });

  test('availability of the year: OFFLINE 12 h, NOT_READY 30 min; 6 h of an old POWERED_OFF row unknown, apart', () => {
    const a = room(A).availability;
    expect(a.measuredSec).toBe(YEAR);
    expect(a.unknownSec).toBe(6 * H);
    expect(a.byLevelSec).toEqual({
      READY: YEAR - 12 * H - 1800 - 6 * H,
      DEGRADED: 0,
      NOT_READY: 1800,
      OFFLINE: 12 * H,
    });
    expect(a.onlineShare).toBe((YEAR - 43_200 - 6 * H) / YEAR);
    expect(a.readyShare).toBe(31_469_400 / 31_536_000);
    // B was first seen on 1 February (00:00 in Vietnam): 31 days unknown, not available.
    const b = room(B).availability;
    expect(b.unknownSec).toBe(31 * 86_400);
    expect(b.unknownShare).toBe(2_678_400 / 31_536_000);
    expect(b.readyShare).toBe(28_857_600 / 31_536_000);
    expect(b.onlineShare).toBe(28_857_600 / 31_536_000);
    // C was never seen.
    expect(room(C).availability).toMatchObject({ unknownShare: 1, onlineShare: 0, readyShare: 0 });
    const n = report.network.availability;
    expect(n.measuredSec).toBe(3 * YEAR);
    expect(n.unknownSec).toBe(2_678_400 + YEAR + 6 * H);
    expect(n.onlineShare).toBe((31_492_800 - 6 * H + 28_857_600) / (3 * 31_536_000));
    expect(n.readyShare).toBe((31_469_400 + 28_857_600) / (3 * 31_536_000));
  });

  test('availability within booked meeting times', () => {
    // A: m2 19:00–21:00 offline until 20:00; m1 08:00–10:00 not ready 09:00–09:30; m5 1 h ready.
    expect(room(A).meetingAvailability).toMatchObject({
      measuredSec: 5 * H,
      unknownSec: 0,
      onlineSec: 4 * H,
      readySec: 3.5 * H,
      onlineShare: 0.8,
      readyShare: 0.7,
    });
    expect(room(B).meetingAvailability).toMatchObject({ readyShare: 1, onlineShare: 1 });
    expect(room(C).meetingAvailability).toMatchObject({ unknownSec: 2 * H, readyShare: 0 });
    expect(report.network.meetingAvailability).toMatchObject({
      measuredSec: 9 * H,
      unknownSec: 2 * H,
      onlineShare: 6 / 9,
      readyShare: 5.5 / 9,
    });
  });

  test('incidents by cause: median of an odd and an even count, worst, open ones apart', () => {
    expect(room(A).incidents).toEqual({
      total: 4,
      open: 0,
      // [300, 600, 1200, 43 200]: even count, mean of the two middle ones.
      medianRecoverSec: 900,
      worstRecoverSec: 43_200,
      byCause: [
        // [300, 600, 1200]: odd count, the middle one.
        { cause: 'mains.lost', count: 3, open: 0, medianRecoverSec: 600, worstRecoverSec: 1200 },
        { cause: 'room.offline', count: 1, open: 0, medianRecoverSec: 43_200, worstRecoverSec: 43_200 },
      ],
    });
    // B: two closed (100, 300) and one still open.
    expect(room(B).incidents).toMatchObject({
      total: 3,
      open: 1,
      medianRecoverSec: 200,
      worstRecoverSec: 300,
    });
    expect(room(C).incidents).toEqual({
      total: 0,
      open: 0,
      medianRecoverSec: null,
      worstRecoverSec: null,
      byCause: [],
    });
    // Network: [100, 300, 300, 600, 900, 1200, 43 200] and the network incident.
    expect(report.network.incidents).toEqual({
      total: 8,
      open: 1,
      medianRecoverSec: 600,
      worstRecoverSec: 43_200,
      byCause: [
        { cause: 'codec.down', count: 3, open: 1, medianRecoverSec: 200, worstRecoverSec: 300 },
        { cause: 'mains.lost', count: 3, open: 0, medianRecoverSec: 600, worstRecoverSec: 1200 },
        { cause: 'network.unreachable', count: 1, open: 0, medianRecoverSec: 900, worstRecoverSec: 900 },
        { cause: 'room.offline', count: 1, open: 0, medianRecoverSec: 43_200, worstRecoverSec: 43_200 },
      ],
    });
  });

  test('energy: the last reading of each boot period, less what the first counted before the year', () => {
    // Boot 1: 2000 − 1000 used, 8000 − 3000 always on; boot 2: 5000 and 20 000 (the 18:00Z reading is 2027).
    expect(room(A).energy).toEqual({ usedWh: 6000, alwaysOnWh: 25_000, savedWh: 19_000, bootPeriods: 2 });
    expect(room(B).energy).toEqual({ usedWh: 250.5, alwaysOnWh: 1000.25, savedWh: 749.75, bootPeriods: 1 });
    expect(room(C).energy).toEqual({ usedWh: 0, alwaysOnWh: 0, savedWh: 0, bootPeriods: 0 });
    expect(report.network.energy).toEqual({
      usedWh: 6250.5,
      alwaysOnWh: 26_000.25,
      savedWh: 19_749.75,
      bootPeriods: 3,
    });
  });

  test('a range within the year: first half, measured up to now when the range is not over', async () => {
    const half = await reportFor(
      { ...sources, now: () => new Date('2026-05-05T02:30:00.000Z') }, // 09:30 in Vietnam
      { from: '2025-12-31T17:00:00.000Z', to: '2026-06-30T17:00:00.000Z' },
    );
    expect(half.period.measuredTo).toBe('2026-05-05T02:30:00.000Z');
    // m1 started at 08:00 and is under way: 1 h 30 min booked so far, ready 08:00–09:00, not ready
    // since; m2 ready from 20:00 to 21:00.
    const a = half.rooms.find((r) => r.roomId === A)!;
    expect(a.meetings).toEqual({ count: 2, bookedSec: 2 * H + 1.5 * H });
    expect(a.meetingAvailability.readySec).toBe(1 * H + 1 * H);
    expect(a.meetingAvailability.readyShare).toBe(2 / 3.5);
    expect(a.availability.byLevelSec.NOT_READY).toBe(1800);
    // Boot 1 as for the year; boot 2's last reading in the range is 3 February's.
    expect(a.energy).toEqual({ usedWh: 1000 + 100, alwaysOnWh: 5000 + 400, savedWh: 4300, bootPeriods: 2 });
  });
});
