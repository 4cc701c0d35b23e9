/**
 * Publishes each room's coming meetings and rehearsals on its retained `schedule` topic (art. 9.1:
 * every room is told the times), so an agent knows when to be on even while the hub is away.
 * Only times and kinds leave the hub, never titles or participants (art. 13.1c).
 */
import { systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { isoNow, SCHEMA_VERSION, type ScheduleMessage } from '../../shared/schemas.js';
import { scheduleTopic } from '../../shared/topics.js';
import type { Meeting } from './meeting-rules.js';
import type { MeetingsRepo } from './meetings-repo.js';
import { rehearsalSlots } from './rehearsals.js';

export interface ScheduleConfig {
  offsetsH: number[];
  /** How long a rehearsal holds the room, as announced to it. */
  rehearsalMin: number;
}

/** The schema's cap on items per room. */
const MAX_ITEMS = 500;

/** The room's schedule: every meeting and rehearsal that has not ended, in time order. Pure. */
export function roomSchedule(
  roomId: string,
  meetings: readonly Meeting[],
  now: Date,
  config: ScheduleConfig,
): ScheduleMessage {
  const items: ScheduleMessage['items'] = [];
  for (const m of meetings) {
    if (m.status !== 'scheduled' || !m.roomIds.includes(roomId)) continue;
    for (const s of rehearsalSlots(new Date(m.start), config.offsetsH)) {
      const end = new Date(s.at.getTime() + config.rehearsalMin * 60_000);
      items.push({
        id: `${m.id}:${s.slot}`,
        kind: 'rehearsal',
        start: s.at.toISOString(),
        end: end.toISOString(),
        emergency: false,
      });
    }
    items.push({ id: m.id, kind: 'meeting', start: m.start, end: m.end, emergency: m.emergency !== null });
  }
  const coming = items
    .filter((i) => Date.parse(i.end) > now.getTime())
    .sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id))
    .slice(0, MAX_ITEMS);
  return { v: SCHEMA_VERSION, ts: isoNow(now), items: coming };
}

export type RetainedPublish = (topic: string, payload: string) => Promise<void>;

export interface PublisherDeps {
  meetings: MeetingsRepo;
  /** Publishes retained at QoS 1. */
  publish: RetainedPublish;
  config: ScheduleConfig;
  log: Logger;
  now?: () => Date;
}

export class SchedulePublisher {
  private readonly now: () => Date;

  constructor(private readonly deps: PublisherDeps) {
    this.now = deps.now ?? systemClock.now;
  }

  /**
   * Republishes the given rooms; a room the broker refuses is logged, the others still go out. The
   * coming meetings are read once for all of them: at 10,000 rooms, a query each on taking the
   * once-only work held every connection of the store for a minute.
   */
  async publishRooms(roomIds: Iterable<string>): Promise<void> {
    const now = this.now();
    const meetings = await this.deps.meetings.list({ from: now.toISOString() });
    await Promise.all(
      [...new Set(roomIds)].map(async (roomId) => {
        const message = roomSchedule(roomId, meetings, now, this.deps.config);
        try {
          await this.deps.publish(scheduleTopic(roomId), JSON.stringify(message));
        } catch (err) {
          this.deps.log.warn({ room: roomId, err: (err as Error).message }, 'schedule not published');
        }
      }),
    );
  }
}
