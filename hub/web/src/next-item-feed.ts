/**
 * Keeps each room's next meeting or rehearsal (next-item.ts) current for a page: read from the hub
 * on start, again when a meeting is booked, changed or cancelled or a rehearsal reports, and each
 * minute (an item passes). `changed` is called with the new map.
 */
import type { SeenMeeting as Meeting } from '../../schedule/meeting-visibility.js';
import type { PlannedJob } from '../../schedule/rehearsals.js';
import { get } from './api.js';
import type { AppContext } from './app-context.js';
import { type NextItem, nextItems } from './next-item.js';

/** Far enough for a tile to show next week's meeting on a Friday. */
const AHEAD_MS = 8 * 86_400_000;

export function followNextItems(app: AppContext, changed: (next: Map<string, NextItem>) => void): () => void {
  let stopped = false;
  const load = async () => {
    const now = new Date();
    const [meetings, planned] = await Promise.all([
      get<Meeting[]>(
        `/api/meetings?from=${now.toISOString()}&to=${new Date(now.getTime() + AHEAD_MS).toISOString()}`,
      ),
      get<PlannedJob[]>('/api/rehearsals/planned'),
    ]);
    if (stopped || !meetings.ok) return;
    changed(nextItems(meetings.body, planned.ok ? planned.body : [], new Date()));
  };
  void load();
  const timer = setInterval(() => void load(), 60_000);
  const off = app.live.on((m) => {
    if (m.type === 'meeting' || m.type === 'rehearsal') void load();
  });
  return () => {
    stopped = true;
    clearInterval(timer);
    off();
  };
}
