/** The full matrix of a rehearsal (`GET /api/rehearsals/:id`): rooms × checks, with every attempt. */

import type { Verdict } from './rehearsal-verdict.js';
import type { Attempt, Escalation, Rehearsal } from './rehearsals-repo.js';

export interface RoomRow {
  roomId: string;
  /** The latest attempt's verdict; null while the room has not been checked yet. */
  verdict: Verdict | null;
  attempts: number;
  latest: Attempt | null;
  history: { attempt: number; finishedAt: string; verdict: Verdict }[];
}

export interface RehearsalReport extends Rehearsal {
  rooms: RoomRow[];
  escalations: Escalation[];
}

/** The latest attempt of each room, in the rehearsal's room order. */
export function latestAttempts(
  roomIds: readonly string[],
  attempts: readonly Attempt[],
): Map<string, Attempt> {
  const latest = new Map<string, Attempt>();
  for (const a of attempts) {
    const seen = latest.get(a.roomId);
    if (!seen || a.attempt > seen.attempt) latest.set(a.roomId, a);
  }
  return new Map(roomIds.flatMap((id) => (latest.has(id) ? [[id, latest.get(id)!] as const] : [])));
}

export function rehearsalReport(
  rehearsal: Rehearsal,
  attempts: readonly Attempt[],
  escalations: Escalation[],
): RehearsalReport {
  const latest = latestAttempts(rehearsal.roomIds, attempts);
  const rooms = rehearsal.roomIds.map((roomId): RoomRow => {
    const mine = attempts.filter((a) => a.roomId === roomId);
    return {
      roomId,
      verdict: latest.get(roomId)?.verdict ?? null,
      attempts: mine.length,
      latest: latest.get(roomId) ?? null,
      history: mine.map((a) => ({ attempt: a.attempt, finishedAt: a.finishedAt, verdict: a.verdict })),
    };
  });
  return { ...rehearsal, rooms, escalations };
}
