/**
 * The regulation's rules for booking a meeting, as a pure function of the draft, the other
 * meetings and the time. Every violation names its rule and the article it comes from, so the API
 * can tell the operator exactly what to change.
 *
 * @pure: the dashboard bundles it, so it imports only shared/ and other @pure modules (types aside).
 */
import type { EmergencyReason, MeetingKind } from '../../shared/schemas.js';

export interface Meeting {
  id: string;
  title: string;
  kind: MeetingKind;
  /** The unit that chairs the meeting: the host room's unit. */
  hostUnit: string;
  hostRoomId: string;
  /** Every participating room, the host room included. */
  roomIds: string[];
  /** UTC ISO 8601. */
  start: string;
  end: string;
  emergency: { reason: EmergencyReason } | null;
  /** Who registered it; null until sign-in exists. */
  registeredBy: string | null;
  registeredAt: string;
  updatedAt: string;
  status: 'scheduled' | 'cancelled';
}

/** A meeting as asked for, before it is stored. */
export interface MeetingDraft {
  title: string;
  kind: MeetingKind;
  hostRoomId: string;
  roomIds: string[];
  start: Date;
  end: Date;
  emergency: { reason: EmergencyReason } | null;
}

export interface RuleConfig {
  /** Art. 8.1: the host unit notifies two days ahead. */
  noticeHours: number;
  /** Time a room is taken before the start for setup and the last checks (art. 9.1, 11.1). */
  prepMinutes: number;
}

export type RuleName =
  | 'end-after-start'
  | 'rooms-exist'
  | 'host-participates'
  | 'start-in-future'
  | 'notice-48h'
  | 'no-overlap';

export interface Conflict {
  meeting: Meeting;
  /** The rooms the two meetings share. */
  roomIds: string[];
}

export type Violation =
  | { rule: Exclude<RuleName, 'no-overlap'>; article: string; field: string; error: string }
  | { rule: 'no-overlap'; article: '8.3'; field: 'roomIds'; error: string; conflicts: Conflict[] };

export interface RuleContext {
  now: Date;
  /** Scheduled meetings other than the one being checked. */
  others: readonly Meeting[];
  /** The meeting as stored, when the draft is an update of it. */
  previous?: Meeting;
  roomExists: (roomId: string) => boolean;
  config: RuleConfig;
}

const HOUR_MS = 3_600_000;

/** The span a meeting holds its rooms: from the start of preparation to its end (art. 8.3, 9.1). */
export function occupiedSpan(start: Date, end: Date, prepMinutes: number): { from: number; to: number } {
  return { from: start.getTime() - prepMinutes * 60_000, to: end.getTime() };
}

/** Whether the notice rule applies: a new meeting, or a change that needs new arrangements. */
function needsNotice(draft: MeetingDraft, previous: Meeting | undefined): boolean {
  if (!previous) return true;
  if (draft.start.getTime() !== Date.parse(previous.start)) return true;
  if (draft.roomIds.some((id) => !previous.roomIds.includes(id))) return true;
  return previous.emergency !== null && draft.emergency === null;
}

function hoursText(ms: number): string {
  return `${Math.round((ms / HOUR_MS) * 10) / 10} h`;
}

/** The first rule the draft breaks, or null when it may be booked. */
export function checkMeeting(draft: MeetingDraft, ctx: RuleContext): Violation | null {
  const { now, config } = ctx;
  if (draft.end.getTime() <= draft.start.getTime())
    return {
      rule: 'end-after-start',
      article: '9.1',
      field: 'end',
      error: 'end must be after start (art. 9.1: the official time of the meeting)',
    };
  const unknown = [draft.hostRoomId, ...draft.roomIds].find((id) => !ctx.roomExists(id));
  if (unknown !== undefined)
    return {
      rule: 'rooms-exist',
      article: '2.2',
      field: unknown === draft.hostRoomId ? 'hostRoomId' : 'roomIds',
      error: `no room "${unknown}" in the network (art. 2.2: the rooms of the appendix)`,
    };
  if (!draft.roomIds.includes(draft.hostRoomId))
    return {
      rule: 'host-participates',
      article: '10.1',
      field: 'roomIds',
      error: `the host room "${draft.hostRoomId}" must be one of the participating rooms (art. 10.1: it chairs the meeting)`,
    };
  const startChanged = !ctx.previous || draft.start.getTime() !== Date.parse(ctx.previous.start);
  if (startChanged && draft.start.getTime() < now.getTime())
    return {
      rule: 'start-in-future',
      article: '8.1',
      field: 'start',
      error: 'start is in the past; a meeting is registered before it begins (art. 8.1)',
    };
  const lead = draft.start.getTime() - now.getTime();
  if (draft.emergency === null && needsNotice(draft, ctx.previous) && lead < config.noticeHours * HOUR_MS)
    return {
      rule: 'notice-48h',
      article: '8.1',
      field: 'start',
      error: `start is ${hoursText(lead)} away; art. 8.1 asks for ${config.noticeHours} h notice (an emergency under art. 8.2 is exempt: set emergency.reason)`,
    };
  const span = occupiedSpan(draft.start, draft.end, config.prepMinutes);
  const conflicts: Conflict[] = [];
  for (const other of ctx.others) {
    if (other.status !== 'scheduled') continue;
    const shared = draft.roomIds.filter((id) => other.roomIds.includes(id));
    if (shared.length === 0) continue;
    const o = occupiedSpan(new Date(other.start), new Date(other.end), config.prepMinutes);
    if (span.from < o.to && o.from < span.to) conflicts.push({ meeting: other, roomIds: shared });
  }
  if (conflicts.length > 0) {
    const first = conflicts[0]!;
    return {
      rule: 'no-overlap',
      article: '8.3',
      field: 'roomIds',
      error: `room ${first.roomIds.join(', ')} is already in meeting ${first.meeting.id} (${first.meeting.start} to ${first.meeting.end}), counting ${config.prepMinutes} min of preparation (art. 8.3: no overlapping meetings)`,
      conflicts,
    };
  }
  return null;
}
