/**
 * The change freeze of a room (art. 9.3, 11.1: rooms proven ready must stay so until the meeting):
 * from the warm-up of a booked meeting, and of each of its rehearsals, to its end (an emergency
 * meeting from its booking), nothing switches the room's equipment off, puts it in standby,
 * reboots, reconfigures or updates it, unless the operator forces it with a written reason, which
 * is audited. Pure. The agent holds the same rule from its schedule (agent/power/power-intents.ts),
 * which only knows ids and times; the hub names the meeting and its time.
 */
import type { Meeting } from './meeting-rules.js';
import { rehearsalSlots } from './rehearsals.js';

export interface FreezeConfig {
  /** The agents' `power.warmUpMin`. */
  warmUpMin: number;
  offsetsH: readonly number[];
  rehearsalMin: number;
}

export interface Freeze {
  meetingId: string;
  title: string;
  /** What the window belongs to: the meeting itself, or one of its rehearsals (`T-24h`). */
  window: 'meeting' | string;
  from: string;
  to: string;
}

const MIN = 60_000;

/** The freeze that holds for `roomId` at `now`, or null. */
export function freezeOf(
  roomId: string,
  meetings: readonly Meeting[],
  now: Date,
  config: FreezeConfig,
): Freeze | null {
  const t = now.getTime();
  const warmUp = config.warmUpMin * MIN;
  for (const m of meetings) {
    if (m.status !== 'scheduled' || !m.roomIds.includes(roomId)) continue;
    const start = Date.parse(m.start);
    const end = Date.parse(m.end);
    const windows = [
      { window: 'meeting', from: m.emergency ? Number.NEGATIVE_INFINITY : start - warmUp, to: end },
      ...rehearsalSlots(new Date(start), config.offsetsH).map((s) => ({
        window: s.slot,
        from: s.at.getTime() - warmUp,
        to: s.at.getTime() + config.rehearsalMin * MIN,
      })),
    ];
    const w = windows.find((x) => x.from <= t && t < x.to);
    if (w) {
      const from = Number.isFinite(w.from) ? new Date(w.from).toISOString() : m.registeredAt;
      return { meetingId: m.id, title: m.title, window: w.window, from, to: new Date(w.to).toISOString() };
    }
  }
  return null;
}
