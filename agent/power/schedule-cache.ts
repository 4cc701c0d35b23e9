/**
 * The room's schedule as last published by the hub (retained on `hnth/v1/rooms/{room}/schedule`),
 * kept on disk so that a room whose line to the hub is down after a restart still powers on for
 * its meetings. Written atomically (temp file, fsync, rename): a power cut mid-write on an SD card
 * leaves the previous schedule, never half of one.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { decodeMessage, type ScheduleMessage, scheduleMessage } from '../../shared/schemas.js';
import * as z from '../../shared/zod-mini.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import type { ScheduleItem } from './power-intents.js';

const cacheFile = z.strictObject({
  /** When the agent received the schedule. */
  receivedAt: z.iso.datetime({ offset: false }),
  message: scheduleMessage,
});
type CacheFile = z.infer<typeof cacheFile>;

export type AcceptOutcome = { ok: true; changed: boolean } | { ok: false; reason: string };

export class ScheduleCache {
  private cached: CacheFile | null = null;

  constructor(
    private readonly file: string,
    private readonly log: Logger,
    private readonly now: () => Date = systemClock.now,
  ) {}

  /** `schedule-<room>.json` in the data folder; the room id keeps agents sharing a folder apart (demo). */
  static fileFor(dataDir: string, roomId: string): string {
    return path.join(dataDir, `schedule-${roomId}.json`);
  }

  get items(): readonly ScheduleItem[] {
    return this.cached?.message.items ?? [];
  }

  get receivedAt(): Date | null {
    return this.cached ? new Date(this.cached.receivedAt) : null;
  }

  /** Reads the cache left by the previous run; a missing or damaged file is an empty schedule. */
  load(): void {
    if (!existsSync(this.file)) return;
    try {
      const parsed = cacheFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (parsed.success) {
        this.cached = parsed.data;
        return;
      }
      this.log.warn({ file: this.file, reason: parsed.error.issues[0]?.message }, 'schedule cache ignored');
    } catch (err) {
      this.log.warn({ file: this.file, err: (err as Error).message }, 'schedule cache ignored');
    }
  }

  /** A payload from the schedule topic: validated, then cached. An older schedule than ours is ignored. */
  accept(payload: Buffer): AcceptOutcome {
    const decoded = decodeMessage('schedule', payload);
    if (!decoded.ok) return { ok: false, reason: decoded.reason };
    const message: ScheduleMessage = decoded.message;
    const previous = this.cached?.message;
    if (previous && Date.parse(message.ts) < Date.parse(previous.ts)) {
      return { ok: false, reason: `older than the cached schedule of ${previous.ts}` };
    }
    const changed = !previous || JSON.stringify(previous.items) !== JSON.stringify(message.items);
    const next: CacheFile = { receivedAt: this.now().toISOString(), message };
    this.cached = next;
    try {
      this.write(next);
    } catch (err) {
      // Still used from memory; only a restart without the hub would miss it.
      this.log.error(
        { file: this.file, err: (err as Error).message },
        'schedule not saved; check the data folder',
      );
    }
    return { ok: true, changed };
  }

  private write(content: CacheFile): void {
    writeFileAtomic(this.file, JSON.stringify(content));
  }
}
