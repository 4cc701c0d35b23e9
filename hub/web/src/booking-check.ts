/**
 * The booking form's check before it is sent: the hub's own rule function (art. 8.1 notice, 8.3
 * overlaps, 9.1, 10.1) run on the form's draft, with the same settings as the hub
 * (`GET /api/schedule/rules`), and each violation put in the reader's words with the field it
 * concerns, so the form shows it there. The server checks again on submit; its 400/409 answers go
 * through `violationText` too.
 */

import { formatTime } from '../../../shared/format-time.js';
import type { MeetingRequest } from '../../../shared/schemas.js';
import { checkMeeting, type Meeting, type RuleConfig } from '../../schedule/meeting-rules.js';
import { errorText } from './api-error-text.js';
import { hasKey, t } from './i18n/i18n.js';

export interface ServerViolation {
  error: string;
  rule?: string;
  field?: string;
  meeting?: Meeting;
  conflicts?: { meeting: Meeting; roomIds: string[] }[];
}

export interface RoomNames {
  name(roomId: string): string;
  exists(roomId: string): boolean;
}

/** What is wrong, and the form field it concerns (`start`, `roomIds`, ...; null for the form). */
export interface BookingProblem {
  field: string | null;
  text: string;
}

const HOUR_MS = 3_600_000;

function overlapText(meeting: Meeting, roomIds: string[], rooms: RoomNames, prepMinutes: number): string {
  return t('rule.no-overlap', {
    rooms: roomIds.map((id) => rooms.name(id)).join(', '),
    title: meeting.title,
    start: formatTime(meeting.start),
    end: formatTime(meeting.end),
    prep: prepMinutes,
  });
}

/** The form's own problems first (a missing title, no rooms), then the regulation's rules. */
export function checkDraft(
  draft: MeetingRequest,
  others: readonly Meeting[],
  rooms: RoomNames,
  rules: RuleConfig,
  now: Date,
): BookingProblem | null {
  if (draft.title.trim() === '') return { field: 'title', text: t('rule.title') };
  if (draft.roomIds.length === 0) return { field: 'roomIds', text: t('rule.rooms') };
  const start = new Date(draft.start);
  const end = new Date(draft.end);
  if (Number.isNaN(start.getTime())) return { field: 'start', text: t('rule.times') };
  if (Number.isNaN(end.getTime())) return { field: 'end', text: t('rule.times') };
  const v = checkMeeting(
    {
      title: draft.title,
      kind: draft.kind,
      hostRoomId: draft.hostRoomId,
      roomIds: draft.roomIds,
      start,
      end,
      emergency: draft.emergency,
    },
    { now, others, roomExists: (id) => rooms.exists(id), config: rules },
  );
  if (!v) return null;
  if (v.rule === 'no-overlap') {
    const first = v.conflicts[0]!;
    return { field: v.field, text: overlapText(first.meeting, first.roomIds, rooms, rules.prepMinutes) };
  }
  if (v.rule === 'notice-48h')
    return {
      field: v.field,
      text: t('rule.notice-48h', {
        hours: rules.noticeHours,
        lead: Math.round(((start.getTime() - now.getTime()) / HOUR_MS) * 10) / 10,
      }),
    };
  return { field: v.field, text: t(`rule.${v.rule}`) };
}

/** The hub's refusal in the reader's words, at its field; a rule this dashboard does not know is said by its status. */
export function violationText(
  answer: ServerViolation & { code?: string },
  status: number,
  rooms: RoomNames,
  rules: RuleConfig,
  draftStart: string,
  now: Date,
): BookingProblem {
  const rule = answer.rule ?? '';
  const field = answer.field?.split('.')[0] ?? null;
  if (rule === 'no-overlap' && answer.conflicts?.[0])
    return {
      field: 'roomIds',
      text: overlapText(answer.conflicts[0].meeting, answer.conflicts[0].roomIds, rooms, rules.prepMinutes),
    };
  if (rule === 'notice-48h')
    return {
      field: 'start',
      text: t('rule.notice-48h', {
        hours: rules.noticeHours,
        lead: Math.round(((Date.parse(draftStart) - now.getTime()) / HOUR_MS) * 10) / 10,
      }),
    };
  const key = `rule.${rule}`;
  if (rule !== 'schema' && hasKey(key)) return { field, text: t(key) };
  return { field, text: errorText({ status, body: answer }) };
}
