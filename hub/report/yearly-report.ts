/**
 * The yearly report of art. 12.5, pure: from the stored history (readiness transitions, meetings,
 * rehearsal results, incidents, energy counters) and a period, the figures per room and for the
 * network. Nothing is estimated: every number is a count, a sum or a ratio of stored rows.
 *
 * - Meetings: scheduled (not cancelled) meetings that started in the period, up to now.
 * - Rehearsals and inspections: each room's final verdict in every run that started in the period.
 * - Availability: share of the measured time (the period up to now) the room was online (any level
 *   but OFFLINE) and READY, and the same within its booked meeting times; unknown time apart.
 * - Incidents: those opened in the period, by cause, with the median and worst time to recover of
 *   the closed ones. A network incident (no room) counts for the network only.
 * - Test calls and line tests (issue 19): every one a rehearsal or inspection placed in the
 *   period, re-checks included, and how many connected or failed.
 * - Energy: the agent's counters restart at each boot (`sinceIso`), so the used and always-on
 *   energy is the sum, over boot periods, of the last reading in the period, minus the last reading
 *   of the same boot period before the period when it began earlier.
 */
import { PROVINCE_TIME_ZONE } from '../../shared/province-time.js';
import type { RehearsalCheck, TestCallOutcome } from '../../shared/schemas.js';
import type { IncidentCause } from '../incidents/incident-rules.js';
import type { Level } from '../readiness.js';
import type { Verdict } from '../schedule/rehearsal-verdict.js';
import type { RehearsalKind } from '../schedule/rehearsals-repo.js';
import {
  addLevelTime,
  emptyLevelTime,
  type Interval,
  type LevelChange,
  type LevelTime,
  levelTime,
  unionOf,
} from './availability.js';
import type { ReportPeriod } from './report-period.js';

export interface ReportTransition {
  roomId: string;
  level: LevelChange['level'];
  at: string;
}

export interface ReportMeeting {
  id: string;
  roomIds: string[];
  start: string;
  end: string;
  status: 'scheduled' | 'cancelled';
}

/** A room's final verdict in one rehearsal or inspection run. */
export interface ReportRehearsalResult {
  rehearsalId: string;
  kind: RehearsalKind;
  roomId: string;
  startedAt: string;
  verdict: Verdict;
}

/** One room's test call and line test in one rehearsal attempt. */
export interface ReportCallResult {
  roomId: string;
  at: string;
  /** Null when no test call was asked of the room. */
  testCall: TestCallOutcome | null;
  /** Whether the line test ran (it was asked and placed). */
  lineTested: boolean;
  /** The hub's `line` check of the attempt; null when there was none. */
  line: RehearsalCheck['status'] | null;
}

export interface ReportIncident {
  roomId: string | null;
  cause: IncidentCause;
  openedAt: string;
  closedAt: string | null;
  recoverSec: number | null;
}

/** An energy reading of a telemetry sample: counters since the agent's boot at `sinceIso`. */
export interface ReportEnergySample {
  roomId: string;
  ts: string;
  sinceIso: string;
  usedWh: number;
  alwaysOnWh: number;
}

export interface ReportInput {
  period: ReportPeriod;
  now: Date;
  rooms: readonly { id: string; name: string }[];
  /** Every transition in the period, and each room's last one before it. */
  transitions: readonly ReportTransition[];
  meetings: readonly ReportMeeting[];
  rehearsalResults: readonly ReportRehearsalResult[];
  callResults: readonly ReportCallResult[];
  incidents: readonly ReportIncident[];
  /** Energy readings in the period, and any before it (for boot periods that began earlier). */
  energy: readonly ReportEnergySample[];
}

export interface Availability {
  measuredSec: number;
  unknownSec: number;
  onlineSec: number;
  readySec: number;
  /** Of the measured time; null when nothing was measured. */
  onlineShare: number | null;
  readyShare: number | null;
  unknownShare: number | null;
  byLevelSec: Record<Level, number>;
}

export interface VerdictCounts {
  run: number;
  /** Go. */
  passed: number;
  atRisk: number;
  failed: number;
}

export interface CallCounts {
  /** Test calls dialled (not the ones the room could not place). */
  placed: number;
  connected: number;
  /** Busy, rejected, not connected in time, dropped, or the codec's error. */
  failed: number;
  lineTests: number;
  /** Line checks that failed (loss, jitter, round trip over their limits, or no answer). */
  lineFailed: number;
}

export interface CauseFigures {
  cause: IncidentCause;
  count: number;
  open: number;
  medianRecoverSec: number | null;
  worstRecoverSec: number | null;
}

export interface IncidentFigures {
  total: number;
  open: number;
  medianRecoverSec: number | null;
  worstRecoverSec: number | null;
  byCause: CauseFigures[];
}

export interface EnergyFigures {
  usedWh: number;
  alwaysOnWh: number;
  /** What the power policy saved: always-on minus used. */
  savedWh: number;
  /** Agent boot periods summed. */
  bootPeriods: number;
}

export interface Figures {
  /** Meetings attended and their booked time; for the network, meetings held and booked room-time. */
  meetings: { count: number; bookedSec: number };
  rehearsals: VerdictCounts;
  inspections: VerdictCounts;
  testCalls: CallCounts;
  availability: Availability;
  /** Availability within booked meeting times. */
  meetingAvailability: Availability;
  incidents: IncidentFigures;
  energy: EnergyFigures;
}

export interface RoomFigures extends Figures {
  roomId: string;
  name: string;
}

export interface YearlyReport {
  period: ReportPeriod & {
    /** The end of the measured time: the period's end, or now when it is not over. */
    measuredTo: string;
    timeZone: typeof PROVINCE_TIME_ZONE;
  };
  generatedAt: string;
  rooms: RoomFigures[];
  network: Figures;
  /** How the figures were computed, for the reader of the report. */
  notes: string[];
}

export const reportNotes = [
  'Meetings: scheduled meetings (cancelled ones excluded) that started in the period, up to the time of the report.',
  'Availability: share of the measured time a room was online (any level but OFFLINE) and READY, from stored readiness transitions; time before a room was first seen is unknown and reported apart, never as available.',
  'Incidents: those opened in the period; time to recover over the closed ones. Network incidents count for the network only.',
  'Calls: the test calls and line tests placed by rehearsals and inspections in the period, re-checks included.',
  "Energy: agents' counters restart at each boot, so the figure is the sum over boot periods of the last reading in the period (less the reading before the period when the boot period began earlier).",
];

const ms = (iso: string) => Date.parse(iso);
const sec = (milliseconds: number) => milliseconds / 1000;

export function buildYearlyReport(input: ReportInput): YearlyReport {
  const fromMs = ms(input.period.from);
  const toMs = ms(input.period.to);
  const measuredToMs = Math.max(fromMs, Math.min(toMs, input.now.getTime()));
  const inPeriod = (iso: string) => ms(iso) >= fromMs && ms(iso) < toMs;
  const window: Interval = { fromMs, toMs: measuredToMs };

  const meetings = input.meetings.filter(
    (m) => m.status === 'scheduled' && ms(m.start) >= fromMs && ms(m.start) < measuredToMs,
  );
  const results = input.rehearsalResults.filter((r) => inPeriod(r.startedAt));
  const calls = input.callResults.filter((c) => inPeriod(c.at));
  const incidents = input.incidents.filter((i) => inPeriod(i.openedAt));

  let networkTime = emptyLevelTime();
  let networkMeetingTime = emptyLevelTime();
  let networkBookedMs = 0;
  const rooms = input.rooms.map((room): RoomFigures => {
    const changes: LevelChange[] = input.transitions
      .filter((t) => t.roomId === room.id)
      .map((t) => ({ level: t.level, atMs: ms(t.at) }))
      .sort((a, b) => a.atMs - b.atMs);
    const own = meetings.filter((m) => m.roomIds.includes(room.id));
    const booked = unionOf(
      own.map((m) => ({ fromMs: ms(m.start), toMs: Math.min(ms(m.end), measuredToMs) })),
    );
    const time = levelTime(changes, [window]);
    const meetingTime = levelTime(changes, booked);
    networkTime = addLevelTime(networkTime, time);
    networkMeetingTime = addLevelTime(networkMeetingTime, meetingTime);
    const bookedMs = booked.reduce((s, i) => s + i.toMs - i.fromMs, 0);
    networkBookedMs += bookedMs;
    const ownResults = results.filter((r) => r.roomId === room.id);
    return {
      roomId: room.id,
      name: room.name,
      meetings: { count: own.length, bookedSec: sec(bookedMs) },
      rehearsals: verdictCounts(ownResults.filter((r) => r.kind === 'rehearsal')),
      inspections: verdictCounts(ownResults.filter((r) => r.kind === 'inspection')),
      testCalls: callCounts(calls.filter((c) => c.roomId === room.id)),
      availability: availabilityOf(time),
      meetingAvailability: availabilityOf(meetingTime),
      incidents: incidentFigures(incidents.filter((i) => i.roomId === room.id)),
      energy: energyFigures(
        input.energy.filter((e) => e.roomId === room.id),
        fromMs,
        toMs,
      ),
    };
  });

  const roomIds = new Set(input.rooms.map((r) => r.id));
  const fleetResults = results.filter((r) => roomIds.has(r.roomId));
  const network: Figures = {
    meetings: {
      count: meetings.filter((m) => m.roomIds.some((id) => roomIds.has(id))).length,
      bookedSec: sec(networkBookedMs),
    },
    rehearsals: verdictCounts(fleetResults.filter((r) => r.kind === 'rehearsal')),
    inspections: verdictCounts(fleetResults.filter((r) => r.kind === 'inspection')),
    testCalls: callCounts(calls.filter((c) => roomIds.has(c.roomId))),
    availability: availabilityOf(networkTime),
    meetingAvailability: availabilityOf(networkMeetingTime),
    incidents: incidentFigures(incidents.filter((i) => i.roomId === null || roomIds.has(i.roomId))),
    energy: rooms.reduce<EnergyFigures>(
      (sum, r) => ({
        usedWh: sum.usedWh + r.energy.usedWh,
        alwaysOnWh: sum.alwaysOnWh + r.energy.alwaysOnWh,
        savedWh: sum.savedWh + r.energy.savedWh,
        bootPeriods: sum.bootPeriods + r.energy.bootPeriods,
      }),
      { usedWh: 0, alwaysOnWh: 0, savedWh: 0, bootPeriods: 0 },
    ),
  };

  return {
    period: {
      from: input.period.from,
      to: input.period.to,
      measuredTo: new Date(measuredToMs).toISOString(),
      timeZone: PROVINCE_TIME_ZONE,
    },
    generatedAt: input.now.toISOString(),
    rooms,
    network,
    notes: reportNotes,
  };
}

function availabilityOf(t: LevelTime): Availability {
  const onlineMs = t.totalMs - t.unknownMs - t.byLevelMs.OFFLINE;
  const share = (part: number) => (t.totalMs === 0 ? null : part / t.totalMs);
  return {
    measuredSec: sec(t.totalMs),
    unknownSec: sec(t.unknownMs),
    onlineSec: sec(onlineMs),
    readySec: sec(t.byLevelMs.READY),
    onlineShare: share(onlineMs),
    readyShare: share(t.byLevelMs.READY),
    unknownShare: share(t.unknownMs),
    byLevelSec: Object.fromEntries(
      Object.entries(t.byLevelMs).map(([level, v]) => [level, sec(v)]),
    ) as Record<Level, number>,
  };
}

function verdictCounts(results: readonly ReportRehearsalResult[]): VerdictCounts {
  const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
  return { run: results.length, passed: count('go'), atRisk: count('at-risk'), failed: count('no-go') };
}

function callCounts(calls: readonly ReportCallResult[]): CallCounts {
  const placed = calls.filter((c) => c.testCall !== null && c.testCall !== 'not-placed');
  const connected = placed.filter((c) => c.testCall === 'connected').length;
  return {
    placed: placed.length,
    connected,
    failed: placed.length - connected,
    lineTests: calls.filter((c) => c.lineTested).length,
    lineFailed: calls.filter((c) => c.line === 'fail').length,
  };
}

/** The median: the middle value, or the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function recoveryOf(incidents: readonly ReportIncident[]) {
  const times = incidents.flatMap((i) =>
    i.closedAt !== null && i.recoverSec !== null ? [i.recoverSec] : [],
  );
  return {
    open: incidents.filter((i) => i.closedAt === null).length,
    medianRecoverSec: median(times),
    worstRecoverSec: times.length ? Math.max(...times) : null,
  };
}

function incidentFigures(incidents: readonly ReportIncident[]): IncidentFigures {
  const causes = [...new Set(incidents.map((i) => i.cause))].sort();
  return {
    total: incidents.length,
    ...recoveryOf(incidents),
    byCause: causes.map((cause) => {
      const of = incidents.filter((i) => i.cause === cause);
      return { cause, count: of.length, ...recoveryOf(of) };
    }),
  };
}

function energyFigures(samples: readonly ReportEnergySample[], fromMs: number, toMs: number): EnergyFigures {
  const last = new Map<string, ReportEnergySample>();
  const before = new Map<string, ReportEnergySample>();
  for (const s of [...samples].sort((a, b) => ms(a.ts) - ms(b.ts))) {
    const t = ms(s.ts);
    if (t < fromMs) before.set(s.sinceIso, s);
    else if (t < toMs) last.set(s.sinceIso, s);
  }
  let usedWh = 0;
  let alwaysOnWh = 0;
  for (const [boot, s] of last) {
    const base = before.get(boot);
    usedWh += s.usedWh - (base?.usedWh ?? 0);
    alwaysOnWh += s.alwaysOnWh - (base?.alwaysOnWh ?? 0);
  }
  return { usedWh, alwaysOnWh, savedWh: alwaysOnWh - usedWh, bootPeriods: last.size };
}
