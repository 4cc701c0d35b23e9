/**
 * The report as CSV: one row per room, then one for the network, with the same figures as the
 * JSON (shares as fractions, times in seconds, energy in Wh). Quoting by csv-stringify.
 */
import { stringify } from 'csv-stringify/sync';
import { incidentCauses } from '../incidents/incident-rules.js';
import type { Figures, YearlyReport } from './yearly-report.js';

const columns = [
  'room_id',
  'room_name',
  'period_from',
  'period_to',
  'meetings',
  'meeting_booked_sec',
  'rehearsals_run',
  'rehearsals_passed',
  'rehearsals_at_risk',
  'rehearsals_failed',
  'inspections_run',
  'inspections_passed',
  'test_calls_placed',
  'test_calls_connected',
  'test_calls_failed',
  'line_tests',
  'line_tests_failed',
  'measured_sec',
  'unknown_sec',
  'online_share',
  'ready_share',
  'meeting_online_share',
  'meeting_ready_share',
  'meeting_unknown_sec',
  'incidents',
  'incidents_open',
  'median_recover_sec',
  'worst_recover_sec',
  ...incidentCauses.map((c) => `incidents_${c.replace(/[.-]/g, '_')}`),
  'energy_used_wh',
  'energy_always_on_wh',
  'energy_saved_wh',
];

const blank = (v: number | null) => (v === null ? '' : v);

function row(id: string, name: string, report: YearlyReport, f: Figures): (string | number)[] {
  return [
    id,
    name,
    report.period.from,
    report.period.to,
    f.meetings.count,
    f.meetings.bookedSec,
    f.rehearsals.run,
    f.rehearsals.passed,
    f.rehearsals.atRisk,
    f.rehearsals.failed,
    f.inspections.run,
    f.inspections.passed,
    f.testCalls.placed,
    f.testCalls.connected,
    f.testCalls.failed,
    f.testCalls.lineTests,
    f.testCalls.lineFailed,
    f.availability.measuredSec,
    f.availability.unknownSec,
    blank(f.availability.onlineShare),
    blank(f.availability.readyShare),
    blank(f.meetingAvailability.onlineShare),
    blank(f.meetingAvailability.readyShare),
    f.meetingAvailability.unknownSec,
    f.incidents.total,
    f.incidents.open,
    blank(f.incidents.medianRecoverSec),
    blank(f.incidents.worstRecoverSec),
    ...incidentCauses.map((c) => f.incidents.byCause.find((b) => b.cause === c)?.count ?? 0),
    f.energy.usedWh,
    f.energy.alwaysOnWh,
    f.energy.savedWh,
  ];
}

export function reportCsv(report: YearlyReport): string {
  return stringify(
    [
      ...report.rooms.map((r) => row(r.roomId, r.name, report, r)),
      row('network', 'Toàn mạng', report, report.network),
    ],
    { header: true, columns },
  );
}
