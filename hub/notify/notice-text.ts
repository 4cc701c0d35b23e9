/**
 * The words of a notification, and of the digest that carries the notices postponed by quiet hours:
 * Vietnamese first, English second, times in Asia/Ho_Chi_Minh.
 */
import type { Room } from '../../shared/fleet.js';
import { formatTime } from '../../shared/format-time.js';
import { PROVINCE_TIME_ZONE } from '../../shared/province-time.js';
import { causeNames } from '../glossary.js';
import type { IncidentCause } from '../incidents/incident-rules.js';
import type { Notice } from './notify-routing.js';

/** The glossary's name of a cause in both languages; a cause it does not know is named by its code. */
function causeWords(cause: string): [string, string] {
  const term = causeNames[cause as IncidentCause];
  return term ? [term.vi, term.en] : [cause, cause];
}

/** `room`: the notice's room in the fleet; a room no longer in it is named by its id. */
export function noticeText(n: Notice, room: Room | undefined): { subject: string; text: string } {
  const [vi, en] = causeWords(n.cause);
  const where = room?.name ?? n.roomId ?? 'Toàn mạng';
  const whereEn = room?.nameEn ?? n.roomId ?? 'whole network';
  const opened = n.event === 'opened';
  const subject = `[HNTH] ${opened ? 'Sự cố' : 'Đã khắc phục'}: ${vi} — ${where}`;
  const recovered =
    n.recoverSec !== null
      ? `Thời gian khắc phục / time to recover: ${Math.round(n.recoverSec / 60)} phút (min)\n`
      : '';
  const text =
    `${opened ? 'Sự cố' : 'Đã khắc phục'}: ${vi} tại ${where}, lúc ${formatTime(n.at)}.\n` +
    `${opened ? 'Incident' : 'Recovered'}: ${en} at ${whereEn}, ${formatTime(n.at)} (${PROVINCE_TIME_ZONE}).\n` +
    recovered +
    `Mức độ / severity: ${n.severity}. Mã sự cố / incident #${n.incidentId}.\n`;
  return { subject, text };
}

export interface DigestItem {
  notice: Notice;
  room: Room | undefined;
}

/** A notice as a digest carries it: `over` when its incident closed before the digest went out. */
export type DigestNotice = Notice & { subject: string; text: string; over: boolean };

/**
 * One message for the notices held back during the night, in the order they happened. An incident
 * that opened and closed in that time shows both lines, the opening marked as over, so nobody acts
 * on what has already ended.
 */
export function digestText(items: readonly DigestItem[]): {
  subject: string;
  text: string;
  notices: DigestNotice[];
} {
  const ordered = [...items].sort((a, b) => Date.parse(a.notice.at) - Date.parse(b.notice.at));
  const closedAt = new Map(
    ordered.filter((i) => i.notice.event === 'closed').map((i) => [i.notice.incidentId, i.notice.at]),
  );
  const notices = ordered.map(({ notice, room }) => ({
    ...notice,
    ...noticeText(notice, room),
    over: notice.event === 'closed' || closedAt.has(notice.incidentId),
  }));
  const lines = ordered.map(({ notice: n, room }, i) => {
    const [vi, en] = causeWords(n.cause);
    const where = room?.name ?? n.roomId ?? 'Toàn mạng';
    const whereEn = room?.nameEn ?? n.roomId ?? 'whole network';
    const place = where === whereEn ? where : `${where} / ${whereEn}`;
    const what = n.event === 'opened' ? 'Sự cố / Incident' : 'Đã khắc phục / Recovered';
    const closed = n.event === 'opened' ? closedAt.get(n.incidentId) : undefined;
    const state =
      closed !== undefined
        ? ` — ĐÃ KHẮC PHỤC lúc ${formatTime(closed)} / ALREADY OVER, recovered ${formatTime(closed)}`
        : n.event === 'closed' && n.recoverSec !== null
          ? ` — sau ${Math.round(n.recoverSec / 60)} phút / after ${Math.round(n.recoverSec / 60)} min`
          : '';
    return `${i + 1}. ${formatTime(n.at)} — ${what}: ${vi} / ${en} — ${place} — ${n.severity}, #${n.incidentId}${state}`;
  });
  const stillOpen = notices.filter((n) => !n.over).length;
  const subject = `[HNTH] Tổng hợp giờ yên lặng: ${items.length} thông báo, ${stillOpen} sự cố chưa khắc phục`;
  const text =
    'Các thông báo giữ lại trong giờ yên lặng, theo thứ tự thời gian (giờ Việt Nam). ' +
    'Sự cố ghi ĐÃ KHẮC PHỤC đã kết thúc trong đêm, không cần xử lý.\n' +
    `Notices held back during quiet hours, in order (${PROVINCE_TIME_ZONE} time). ` +
    'Incidents marked ALREADY OVER ended during the night: nothing to do.\n\n' +
    `${lines.join('\n')}\n`;
  return { subject, text, notices };
}
