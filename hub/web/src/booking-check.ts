/**
 * The booking form's check before it is sent: the hub's own rule function (art. 8.1 notice, 8.3
 * overlaps, 9.1, 10.1) run on the form's draft, with the same settings as the hub
 * (`GET /api/schedule/rules`), and each violation put in the reader's words. The server checks
 * again on submit; its 400/409 answers go through `violationText` too.
 */

import { formatTime } from '../../../shared/format-time.js';
import type { MeetingRequest } from '../../../shared/schemas.js';
import { checkMeeting, type Meeting, type RuleConfig } from '../../schedule/meeting-rules.js';
import { hasKey, t } from './i18n/i18n.js';

export interface ServerViolation {
  error: string;
  rule?: string;
  meeting?: Meeting;
  conflicts?: { meeting: Meeting; roomIds: string[] }[];
}

export interface RoomNames {
  name(roomId: string): string;
  exists(roomId: string): boolean;
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
): string | null {
  if (draft.title.trim() === '') return t('rule.title');
  if (draft.roomIds.length === 0) return t('rule.rooms');
  const start = new Date(draft.start);
  const end = new Date(draft.end);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return t('rule.times');
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
    return overlapText(first.meeting, first.roomIds, rooms, rules.prepMinutes);
  }
  if (v.rule === 'notice-48h')
    return t('rule.notice-48h', {
      hours: rules.noticeHours,
      lead: Math.round(((start.getTime() - now.getTime()) / HOUR_MS) * 10) / 10,
    });
  return t(`rule.${v.rule}`);
}

/** The hub's refusal in the reader's words; a rule this dashboard does not know keeps the hub's text. */
export function violationText(
  answer: ServerViolation,
  rooms: RoomNames,
  rules: RuleConfig,
  draftStart: string,
  now: Date,
): string {
  const rule = answer.rule ?? '';
  if (rule === 'no-overlap' && answer.conflicts?.[0])
    return overlapText(answer.conflicts[0].meeting, answer.conflicts[0].roomIds, rooms, rules.prepMinutes);
  if (rule === 'notice-48h')
    return t('rule.notice-48h', {
      hours: rules.noticeHours,
      lead: Math.round(((Date.parse(draftStart) - now.getTime()) / HOUR_MS) * 10) / 10,
    });
  if (rule === 'schema') return t('rule.schema', { error: answer.error });
  const key = `rule.${rule}`;
  return hasKey(key) ? t(key) : answer.error;
}
