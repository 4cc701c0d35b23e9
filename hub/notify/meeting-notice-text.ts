/**
 * The words of a meeting's notices: its booking, change or cancellation (art. 8.1), a rehearsal's
 * verdict (art. 9.3) and an escalation (art. 11.1). Vietnamese first, English second, from the
 * dashboard's catalogue, times in Asia/Ho_Chi_Minh. Pure: who reads decides only whether the title
 * shows (art. 13.1c) and whether their room has left the meeting.
 */
import { type Fleet, partners } from '../../shared/fleet.js';
import { formatClock, formatTime } from '../../shared/format-time.js';
import type { Meeting } from '../schedule/meeting-rules.js';
import type { NotificationEvent as BookingEvent } from '../schedule/meetings-repo.js';
import type { Recipient } from '../schedule/notify-list.js';
import type { Failure, Verdict } from '../schedule/rehearsal-verdict.js';
import type { Attempt, Escalation, Rehearsal } from '../schedule/rehearsals-repo.js';
import { type Key, type Lang, translate } from '../web/src/i18n/i18n.js';

/** Who reads this copy: whether they may read the title, and their room (a room's technician). */
export interface NoticeReader {
  titled: boolean;
  roomId: string | null;
}

export interface NoticeContext {
  fleet: Fleet;
  /** Art. 9.3 and 11.1, as configured: hours before the start of each rehearsal, and of the deadline. */
  rehearsalOffsetsH: readonly number[];
  deadlineH: number;
}

export interface NoticeText {
  subject: string;
  text: string;
}

const HOUR_MS = 3_600_000;
const langs: readonly Lang[] = ['vi', 'en'];

function roomName(ctx: NoticeContext, id: string, lang: Lang): string {
  const room = ctx.fleet.find(id);
  return (lang === 'vi' ? room?.name : room?.nameEn) ?? id;
}

function title(meeting: Meeting, reader: NoticeReader, lang: Lang): string {
  return reader.titled ? meeting.title : translate(lang, 'meetings.untitled');
}

/** Both languages' paragraphs, Vietnamese first. */
function bilingual(paragraph: (lang: Lang) => string[]): string {
  return `${langs.map((lang) => paragraph(lang).join('\n')).join('\n\n')}\n`;
}

function slotText(slot: string, lang: Lang): string {
  const hours = /^T-(\d+(?:\.\d+)?)h$/.exec(slot)?.[1];
  return hours ? translate(lang, 'notice.slot', { h: Number(hours) }) : slot;
}

function checkText(check: Failure['check'], lang: Lang): string {
  return translate(lang, `check.${check}` as Key);
}

function whoText(r: Recipient, ctx: NoticeContext, lang: Lang): string {
  switch (r.kind) {
    case 'room-technician':
      return translate(lang, 'notice.whoTechnician', { room: roomName(ctx, r.roomId, lang) });
    case 'partner':
      return partners.find((p) => p.id === r.partnerId)?.name ?? r.partnerId;
    case 'operator':
      return translate(lang, 'role.operator');
  }
}

/** Who must act on these failures, each named once. */
function responsibleText(failures: readonly Failure[], ctx: NoticeContext, lang: Lang): string {
  const names = failures.flatMap((f) => f.responsible.map((r) => whoText(r, ctx, lang)));
  return [...new Set(names)].join(', ');
}

function meetingLines(meeting: Meeting, ctx: NoticeContext, reader: NoticeReader, lang: Lang): string[] {
  const lines = [
    translate(lang, 'notice.meeting', { title: title(meeting, reader, lang) }),
    translate(lang, 'notice.kind', { kind: translate(lang, `meetingKind.${meeting.kind}`) }),
    translate(lang, 'notice.time', { start: formatTime(meeting.start), end: formatClock(meeting.end) }),
    translate(lang, 'notice.host', { host: roomName(ctx, meeting.hostRoomId, lang) }),
    translate(lang, 'notice.rooms', {
      n: meeting.roomIds.length,
      rooms: meeting.roomIds.map((id) => roomName(ctx, id, lang)).join(', '),
    }),
  ];
  return lines;
}

/** Art. 8.1, 9.1: a meeting booked, changed or cancelled, with its time, kind, rooms and preparation. */
export function bookingText(
  event: BookingEvent,
  meeting: Meeting,
  ctx: NoticeContext,
  reader: NoticeReader,
): NoticeText {
  const start = Date.parse(meeting.start);
  const removed = reader.roomId !== null && !meeting.roomIds.includes(reader.roomId);
  const subject = translate('vi', `notice.${event}.subject`, {
    title: title(meeting, reader, 'vi'),
    start: formatTime(meeting.start),
  });
  const text = bilingual((lang) => {
    const lines = [translate(lang, `notice.${event}.lead`)];
    if (removed && reader.roomId)
      lines.push(translate(lang, 'notice.removed', { room: roomName(ctx, reader.roomId, lang) }));
    if (meeting.emergency && event !== 'cancelled')
      lines.push(
        translate(lang, 'notice.emergency', {
          reason: translate(lang, `emergency.${meeting.emergency.reason}`),
        }),
      );
    lines.push(...meetingLines(meeting, ctx, reader, lang));
    if (event !== 'cancelled' && !meeting.emergency)
      lines.push(
        translate(lang, 'notice.prep', {
          times: ctx.rehearsalOffsetsH.map((h) => formatTime(new Date(start - h * HOUR_MS))).join(', '),
          deadline: formatTime(new Date(start - ctx.deadlineH * HOUR_MS)),
        }),
      );
    return lines;
  });
  return { subject, text };
}

/** Art. 9.3: what a rehearsal found, room by room for the rooms that are not `go`. */
export function verdictText(
  rehearsal: Rehearsal & { verdict: Verdict },
  latest: readonly Attempt[],
  meeting: Meeting,
  again: boolean,
  ctx: NoticeContext,
  reader: NoticeReader,
): NoticeText {
  const count = (v: Verdict) => latest.filter((a) => a.verdict === v).length;
  const unchecked = rehearsal.roomIds.length - latest.length;
  const subject = translate('vi', 'notice.verdict.subject', {
    slot: slotText(rehearsal.slot, 'vi'),
    verdict: translate('vi', `verdict.${rehearsal.verdict}`),
    title: title(meeting, reader, 'vi'),
    start: formatTime(meeting.start),
  });
  const text = bilingual((lang) => {
    const verdict = translate(lang, `verdict.${rehearsal.verdict}`);
    const slot = slotText(rehearsal.slot, lang);
    const lines = [
      again
        ? translate(lang, 'notice.verdict.again', { slot, verdict })
        : translate(lang, 'notice.verdict.lead', { slot, verdict, start: formatTime(meeting.start) }),
      translate(lang, 'notice.verdict.counts', {
        go: count('go'),
        risk: count('at-risk'),
        nogo: count('no-go') + unchecked,
      }),
    ];
    for (const a of latest) {
      if (a.verdict === 'go') continue;
      lines.push(
        translate(lang, 'notice.verdict.room', {
          room: roomName(ctx, a.roomId, lang),
          verdict: translate(lang, `verdict.${a.verdict}`),
          checks: [...new Set(a.failures.map((f) => checkText(f.check, lang)))].join(', '),
        }),
      );
    }
    const failures = latest.flatMap((a) => a.failures);
    if (failures.length > 0)
      lines.push(translate(lang, 'notice.who', { who: responsibleText(failures, ctx, lang) }));
    lines.push('', ...meetingLines(meeting, ctx, reader, lang));
    return lines;
  });
  return { subject, text };
}

/** Art. 11.1: a room that cannot carry its meeting, what fails, and who must act. */
export function escalationText(
  escalation: Escalation,
  meeting: Meeting,
  ctx: NoticeContext,
  reader: NoticeReader,
): NoticeText {
  const subject = translate('vi', 'notice.escalation.subject', {
    room: roomName(ctx, escalation.roomId, 'vi'),
    title: title(meeting, reader, 'vi'),
    start: formatTime(meeting.start),
  });
  const text = bilingual((lang) => [
    translate(lang, 'notice.escalation.lead', {
      room: roomName(ctx, escalation.roomId, lang),
      start: formatTime(meeting.start),
    }),
    translate(lang, 'notice.escalation.checks', {
      checks: [...new Set(escalation.failures.map((f) => checkText(f.check, lang)))].join(', '),
    }),
    translate(lang, 'notice.who', { who: responsibleText(escalation.failures, ctx, lang) }),
    '',
    ...meetingLines(meeting, ctx, reader, lang),
  ]);
  return { subject, text };
}
