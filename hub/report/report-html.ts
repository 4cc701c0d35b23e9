/**
 * The printable report a province files (art. 12.5), in Vietnamese: title, period, one table per
 * section, built from the same report object as the JSON and CSV. The page carries no script and
 * no inline style (the hub's CSP allows neither); its look is `/report.css`.
 */

import { formatNumber } from '../../shared/format-number.js';
import { toProvinceWall } from '../../shared/province-time.js';
import { capital, causeNames, glossary, verdictNames } from '../glossary.js';
import type { Availability, CauseFigures, Figures, YearlyReport } from './yearly-report.js';

const notesVi = [
  'Cuộc họp: các cuộc họp theo lịch (không tính cuộc họp đã hủy) bắt đầu trong kỳ, tính đến thời điểm lập báo cáo.',
  'Mức sẵn sàng: tỷ lệ thời gian điểm cầu trực tuyến (mọi trạng thái trừ mất kết nối) và sẵn sàng (READY), tính từ lịch sử chuyển trạng thái đã lưu; thời gian trước khi hệ thống ghi nhận điểm cầu lần đầu được tính là "không rõ", không tính là sẵn sàng.',
  'Sự cố: các sự cố phát sinh trong kỳ; thời gian khắc phục tính trên các sự cố đã đóng. Sự cố toàn mạng chỉ tính cho toàn mạng.',
  'Cuộc gọi: các cuộc gọi thử và kiểm tra đường truyền mà các đợt chạy thử, kiểm tra trong kỳ đã thực hiện, kể cả các lần kiểm tra lại.',
  'Năng lượng: bộ đếm của thiết bị điều khiển khởi động lại mỗi lần khởi động, nên số liệu là tổng của giá trị cuối cùng trong kỳ của từng lần khởi động (trừ giá trị trước kỳ nếu lần khởi động bắt đầu trước kỳ).',
];

/** `dd/MM/yyyy HH:mm` in Asia/Ho_Chi_Minh (UTC+7 all year). */
export function vietnamTime(iso: string): string {
  const t = toProvinceWall(Date.parse(iso)).toISOString();
  return `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)} ${t.slice(11, 16)}`;
}

/** A share as a Vietnamese percentage with two decimals (`99,73 %`); `—` when nothing was measured. */
export function percent(share: number | null): string {
  return share === null ? '—' : `${decimal(share * 100, 2)} %`;
}

/** A figure in vi-VN notation (`19.749,75`), its digits kept so a column lines up. */
export function decimal(value: number, digits: number): string {
  return formatNumber(value, 'vi', digits, true);
}

/** A time to recover: `1 giờ 05 phút` or `12 phút 30 giây`. */
export function duration(sec: number | null): string {
  if (sec === null) return '—';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} giờ ${String(m).padStart(2, '0')} phút`;
  return `${m} phút ${String(s % 60).padStart(2, '0')} giây`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Cell = string | number;

/** `withTotal`: the last row is the network's, set in bold. */
function table(caption: string, head: string[], rows: Cell[][], withTotal = true): string {
  const cells = (r: Cell[], tag: 'td' | 'th') =>
    `<tr>${r.map((c) => `<${tag}>${escapeHtml(String(c))}</${tag}>`).join('')}</tr>`;
  return `<table${withTotal ? ' class="with-total"' : ''}>
<caption>${escapeHtml(caption)}</caption>
<thead>${cells(head, 'th')}</thead>
<tbody>
${rows.map((r) => cells(r, 'td')).join('\n')}
</tbody>
</table>`;
}

/** Rooms, then the network, each as a row built by `cells`. */
function perRoom(report: YearlyReport, cells: (f: Figures) => Cell[]): Cell[][] {
  return [...report.rooms.map((r) => [r.name, ...cells(r)]), ['Toàn mạng', ...cells(report.network)]];
}

const shares = (a: Availability) => [percent(a.onlineShare), percent(a.readyShare), percent(a.unknownShare)];

const causeRow = (c: CauseFigures): Cell[] => [
  causeNames[c.cause].vi,
  c.count,
  c.open,
  duration(c.medianRecoverSec),
  duration(c.worstRecoverSec),
];

export function reportHtml(report: YearlyReport, title: string): string {
  const p = report.period;
  const hours = (sec: number) => decimal(sec / 3600, 1);
  const kwh = (wh: number) => decimal(wh / 1000, 2);
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/report.css">
</head>
<body>
<header>
<p class="issuer">Hệ thống hội nghị truyền hình trực tuyến tỉnh</p>
<h1>${escapeHtml(title)}</h1>
<p class="basis">Theo Điều 12.5 của Quy chế quản lý, vận hành hệ thống hội nghị truyền hình trực tuyến</p>
<p class="period">Kỳ báo cáo: từ ${vietnamTime(p.from)} đến trước ${vietnamTime(p.to)} (giờ Việt Nam)</p>
<p class="period">Số liệu tính đến: ${vietnamTime(p.measuredTo)} · Lập lúc: ${vietnamTime(report.generatedAt)}</p>
</header>
<section>
<h2>1. Cuộc họp đã tham dự</h2>
${table(
  'Số cuộc họp theo lịch và thời gian đặt lịch',
  ['Điểm cầu', 'Số cuộc họp', 'Thời gian họp (giờ)'],
  perRoom(report, (f) => [f.meetings.count, hours(f.meetings.bookedSec)]),
)}
</section>
<section>
<h2>2. ${capital(glossary.rehearsal.vi)} và ${glossary.inspection.vi}</h2>
${table(
  `Kết quả ${glossary.rehearsal.vi} trước cuộc họp và ${glossary.inspection.vi}`,
  [
    'Điểm cầu',
    capital(glossary.rehearsal.vi),
    verdictNames.go.vi,
    verdictNames['at-risk'].vi,
    verdictNames['no-go'].vi,
    capital(glossary.inspection.vi),
    verdictNames.go.vi,
  ],
  perRoom(report, (f) => [
    f.rehearsals.run,
    f.rehearsals.passed,
    f.rehearsals.atRisk,
    f.rehearsals.failed,
    f.inspections.run,
    f.inspections.passed,
  ]),
)}
${table(
  'Cuộc gọi thử tới MCU và kiểm tra đường truyền khi chạy thử (Điều 9.3)',
  ['Điểm cầu', 'Cuộc gọi thử', 'Kết nối', 'Không kết nối', 'Kiểm tra đường truyền', 'Không đạt'],
  perRoom(report, (f) => [
    f.testCalls.placed,
    f.testCalls.connected,
    f.testCalls.failed,
    f.testCalls.lineTests,
    f.testCalls.lineFailed,
  ]),
)}
</section>
<section>
<h2>3. Mức độ sẵn sàng</h2>
${table(
  'Tỷ lệ thời gian trong kỳ',
  ['Điểm cầu', 'Trực tuyến', 'Sẵn sàng', 'Không rõ'],
  perRoom(report, (f) => shares(f.availability)),
)}
${table(
  'Tỷ lệ thời gian trong giờ họp đã đặt lịch',
  ['Điểm cầu', 'Trực tuyến', 'Sẵn sàng', 'Không rõ'],
  perRoom(report, (f) => shares(f.meetingAvailability)),
)}
</section>
<section>
<h2>4. Sự cố</h2>
${table(
  'Sự cố toàn mạng theo nguyên nhân',
  ['Nguyên nhân', 'Số sự cố', 'Chưa khắc phục', 'Thời gian khắc phục (trung vị)', 'Lâu nhất'],
  report.network.incidents.byCause.map(causeRow),
  false,
)}
${table(
  'Sự cố theo điểm cầu',
  ['Điểm cầu', 'Số sự cố', 'Chưa khắc phục', 'Thời gian khắc phục (trung vị)', 'Lâu nhất'],
  perRoom(report, (f) => [
    f.incidents.total,
    f.incidents.open,
    duration(f.incidents.medianRecoverSec),
    duration(f.incidents.worstRecoverSec),
  ]),
)}
</section>
<section>
<h2>5. Điện năng</h2>
${table(
  'Điện năng tiêu thụ và tiết kiệm nhờ chính sách tắt nguồn khi không sử dụng',
  ['Điểm cầu', 'Tiêu thụ (kWh)', 'Nếu luôn bật (kWh)', 'Tiết kiệm (kWh)'],
  perRoom(report, (f) => [kwh(f.energy.usedWh), kwh(f.energy.alwaysOnWh), kwh(f.energy.savedWh)]),
)}
</section>
<section class="notes">
<h2>Ghi chú về cách tính</h2>
<ul>
${notesVi.map((n) => `<li>${escapeHtml(n)}</li>`).join('\n')}
</ul>
</section>
</body>
</html>
`;
}
