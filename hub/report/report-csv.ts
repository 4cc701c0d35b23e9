/**
 * The report as CSV for the department's spreadsheet, in its words: Vietnamese headers (the
 * glossary's terms), times on the Vietnamese clock (`dd/MM/yyyy HH:mm`), and figures rounded and
 * written as vi-VN numbers (shares as percentages, durations in hours or minutes, energy in kWh).
 * One row per room, then one for the network. Quoting by csv-stringify, with Excel's BOM so the
 * diacritics survive the opening; the exact figures stay in the JSON.
 */
import { stringify } from 'csv-stringify/sync';
import { formatNumber } from '../../shared/format-number.js';
import { formatTime } from '../../shared/format-time.js';
import { capital, causeNames, glossary } from '../glossary.js';
import { incidentCauses } from '../incidents/incident-rules.js';
import type { Figures, YearlyReport } from './yearly-report.js';

const rehearsal = capital(glossary.rehearsal.vi);
const inspection = capital(glossary.inspection.vi);

export const csvHeaders = [
  'Mã điểm cầu',
  'Điểm cầu',
  'Từ (giờ Việt Nam)',
  'Đến trước (giờ Việt Nam)',
  'Số cuộc họp',
  'Thời gian họp (giờ)',
  `${rehearsal}: số lần`,
  `${rehearsal}: đạt`,
  `${rehearsal}: có rủi ro`,
  `${rehearsal}: không đạt`,
  `${inspection}: số lần`,
  `${inspection}: đạt`,
  'Cuộc gọi thử: số lần',
  'Cuộc gọi thử: kết nối',
  'Cuộc gọi thử: không thành công',
  'Kiểm tra đường truyền: số lần',
  'Kiểm tra đường truyền: không đạt',
  'Thời gian đo (giờ)',
  'Thời gian không rõ (giờ)',
  'Trực tuyến (%)',
  'Sẵn sàng (%)',
  'Trực tuyến trong giờ họp (%)',
  'Sẵn sàng trong giờ họp (%)',
  'Không rõ trong giờ họp (giờ)',
  'Số sự cố',
  'Sự cố chưa khắc phục',
  'Khắc phục, trung vị (phút)',
  'Khắc phục, lâu nhất (phút)',
  ...incidentCauses.map((c) => `Sự cố: ${causeNames[c].vi}`),
  'Điện tiêu thụ (kWh)',
  'Nếu luôn bật (kWh)',
  'Điện tiết kiệm (kWh)',
];

const vi = (value: number, digits: number) => formatNumber(value, 'vi', digits, true);
const hours = (sec: number) => vi(sec / 3600, 1);
const minutes = (sec: number | null) => (sec === null ? '' : formatNumber(Math.round(sec / 60), 'vi', 0));
const percent = (share: number | null) => (share === null ? '' : vi(share * 100, 1));
const kwh = (wh: number) => vi(wh / 1000, 2);

function row(id: string, name: string, report: YearlyReport, f: Figures): (string | number)[] {
  return [
    id,
    name,
    formatTime(report.period.from),
    formatTime(report.period.to),
    f.meetings.count,
    hours(f.meetings.bookedSec),
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
    hours(f.availability.measuredSec),
    hours(f.availability.unknownSec),
    percent(f.availability.onlineShare),
    percent(f.availability.readyShare),
    percent(f.meetingAvailability.onlineShare),
    percent(f.meetingAvailability.readyShare),
    hours(f.meetingAvailability.unknownSec),
    f.incidents.total,
    f.incidents.open,
    minutes(f.incidents.medianRecoverSec),
    minutes(f.incidents.worstRecoverSec),
    ...incidentCauses.map((c) => f.incidents.byCause.find((b) => b.cause === c)?.count ?? 0),
    kwh(f.energy.usedWh),
    kwh(f.energy.alwaysOnWh),
    kwh(f.energy.savedWh),
  ];
}

export function reportCsv(report: YearlyReport): string {
  return stringify(
    [
      ...report.rooms.map((r) => row(r.roomId, r.name, report, r)),
      row('network', 'Toàn mạng', report, report.network),
    ],
    { header: true, columns: csvHeaders, bom: true },
  );
}
