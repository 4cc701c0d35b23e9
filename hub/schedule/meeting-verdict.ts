/**
 * A meeting's go/no-go that stays true (art. 9.3, 11.1), pure: each room's verdict is the worst of
 * what its latest rehearsal found and what its readiness says now, and, for a room on battery, of
 * its UPS runtime against the time the meeting still needs. So a room that turns bad after a `go`
 * turns the verdict, and a room on battery during the meeting is `at-risk` with the minutes left
 * as soon as its runtime is shorter than the meeting. The checks no room could run are named.
 */
import type { RehearsalCheckName } from '../../shared/schemas.js';
import type { RoomView } from '../fleet-state.js';
import { meetingVerdict, type Verdict } from './rehearsal-verdict.js';
import type { Attempt } from './rehearsals-repo.js';

export type VerdictReasonCode =
  | 'rehearsal'
  | 'not-rehearsed'
  | 'health'
  | 'ups-runtime'
  | 'ups-runtime-unknown';

export interface VerdictReason {
  code: VerdictReasonCode;
  /** English; `code` and `params` let the dashboard say it in Vietnamese. */
  text: string;
  params: Record<string, string | number>;
}

export interface RoomGoNoGo {
  roomId: string;
  verdict: Verdict;
  reasons: VerdictReason[];
}

export interface MeetingGoNoGo {
  meetingId: string;
  verdict: Verdict;
  rooms: RoomGoNoGo[];
  /** The checks some rooms could not run, and which: said, never counted as passed. */
  notRun: { check: RehearsalCheckName; roomIds: string[] }[];
  at: string;
}

export interface VerdictMeeting {
  id: string;
  hostRoomId: string;
  roomIds: readonly string[];
  start: string;
  end: string;
}

export interface VerdictInput {
  meeting: VerdictMeeting;
  /** Each room's latest attempt in the meeting's latest rehearsal. */
  attempts: ReadonlyMap<string, Attempt>;
  rooms: ReadonlyMap<string, RoomView>;
  now: Date;
}

const rank: Record<Verdict, number> = { go: 0, 'at-risk': 1, 'no-go': 2 };
const worst = (verdicts: Verdict[]): Verdict => verdicts.reduce((a, b) => (rank[b] > rank[a] ? b : a), 'go');

function rehearsalPart(attempt: Attempt | undefined): { verdict: Verdict; reasons: VerdictReason[] } {
  if (!attempt)
    return {
      verdict: 'at-risk',
      reasons: [{ code: 'not-rehearsed', text: 'not checked by the rehearsal', params: {} }],
    };
  return {
    verdict: attempt.verdict,
    reasons: attempt.failures.map((f) => ({
      code: 'rehearsal',
      text: `${f.check}: ${f.detail}`,
      params: { check: f.check, status: f.status },
    })),
  };
}

function healthPart(view: RoomView | undefined): { verdict: Verdict; reasons: VerdictReason[] } {
  const level = view?.readiness.level ?? 'OFFLINE';
  if (level === 'READY') return { verdict: 'go', reasons: [] };
  const verdict: Verdict = level === 'DEGRADED' ? 'at-risk' : 'no-go';
  const texts = view?.readiness.reasons ?? ['not heard from'];
  return {
    verdict,
    reasons: [{ code: 'health', text: `now ${level}: ${texts.join('; ')}`, params: { level } }],
  };
}

/** On battery: can the UPS carry the room to the meeting's end (from its start, if not begun)? */
function runtimePart(view: RoomView | undefined, meeting: VerdictMeeting, now: Date) {
  const power = view?.readings?.power;
  if (!view?.online || power?.mains !== false) return { verdict: 'go' as Verdict, reasons: [] };
  const from = Math.max(now.getTime(), Date.parse(meeting.start));
  const leftMin = Math.max(0, Math.ceil((Date.parse(meeting.end) - from) / 60_000));
  const runtimeSec = power.upsRuntimeSec ?? null;
  if (runtimeSec === null)
    return {
      verdict: 'at-risk' as Verdict,
      reasons: [
        {
          code: 'ups-runtime-unknown' as const,
          text: `on battery, runtime unknown, ${leftMin} min of meeting left`,
          params: { leftMin },
        },
      ],
    };
  const runtimeMin = Math.floor(runtimeSec / 60);
  if (runtimeMin >= leftMin) return { verdict: 'go' as Verdict, reasons: [] };
  return {
    verdict: 'at-risk' as Verdict,
    reasons: [
      {
        code: 'ups-runtime' as const,
        text: `on battery with ${runtimeMin} min left, the meeting needs ${leftMin} min`,
        params: { runtimeMin, leftMin },
      },
    ],
  };
}

export function goNoGo(input: VerdictInput): MeetingGoNoGo {
  const { meeting, attempts, rooms, now } = input;
  const perRoom = meeting.roomIds.map((roomId): RoomGoNoGo => {
    const view = rooms.get(roomId);
    const parts = [rehearsalPart(attempts.get(roomId)), healthPart(view), runtimePart(view, meeting, now)];
    return { roomId, verdict: worst(parts.map((p) => p.verdict)), reasons: parts.flatMap((p) => p.reasons) };
  });
  const notRun = new Map<RehearsalCheckName, string[]>();
  for (const roomId of meeting.roomIds) {
    for (const c of attempts.get(roomId)?.checks ?? []) {
      if (c.status === 'not-run') notRun.set(c.check, [...(notRun.get(c.check) ?? []), roomId]);
    }
  }
  return {
    meetingId: meeting.id,
    verdict: meetingVerdict(perRoom, meeting.hostRoomId),
    rooms: perRoom,
    notRun: [...notRun].map(([check, roomIds]) => ({ check, roomIds })),
    at: now.toISOString(),
  };
}
