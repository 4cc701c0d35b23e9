/**
 * What comes next for each room, for its tile: the meeting it is in now, else the earliest of its
 * coming meetings and of those meetings' planned rehearsals (art. 9.3). Pure: from the meetings, the
 * rehearsals the hub has planned (`GET /api/rehearsals/planned`) and the time.
 */
import type { SeenMeeting as Meeting } from '../../schedule/meeting-visibility.js';
import type { PlannedJob } from '../../schedule/rehearsals.js';

export interface NextItem {
  kind: 'meeting' | 'rehearsal';
  /** When it starts (ISO); for a meeting in progress, when it started. */
  at: string;
  /** For a meeting in progress: when it ends. */
  until?: string;
  inProgress: boolean;
  meetingId: string;
  /** null where the reader may not read it (art. 13.1c). */
  title: string | null;
  /** A rehearsal's slot (`T-2h`). */
  slot?: string;
}

export function nextItems(
  meetings: readonly Meeting[],
  planned: readonly PlannedJob[],
  now: Date,
): Map<string, NextItem> {
  const t = now.getTime();
  const byId = new Map(meetings.filter((m) => m.status === 'scheduled').map((m) => [m.id, m]));
  const candidates: { roomIds: readonly string[]; item: NextItem }[] = [];
  for (const m of byId.values()) {
    const start = Date.parse(m.start);
    const end = Date.parse(m.end);
    if (end <= t) continue;
    const inProgress = start <= t;
    candidates.push({
      roomIds: m.roomIds,
      item: {
        kind: 'meeting',
        at: m.start,
        ...(inProgress ? { until: m.end } : {}),
        inProgress,
        meetingId: m.id,
        title: m.title,
      },
    });
  }
  for (const job of planned) {
    const m = byId.get(job.meetingId);
    if (!m || Date.parse(job.at) <= t) continue;
    candidates.push({
      roomIds: m.roomIds,
      item: {
        kind: 'rehearsal',
        at: job.at,
        inProgress: false,
        meetingId: m.id,
        title: m.title,
        slot: job.slot,
      },
    });
  }
  // A meeting under way comes first; then the earliest start.
  const order = (i: NextItem) => (i.inProgress ? Number.NEGATIVE_INFINITY : Date.parse(i.at));
  const next = new Map<string, NextItem>();
  for (const { roomIds, item } of candidates)
    for (const roomId of roomIds) {
      const seen = next.get(roomId);
      if (!seen || order(item) < order(seen)) next.set(roomId, item);
    }
  return next;
}
