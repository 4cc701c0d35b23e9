/**
 * Periodic inspections of the whole fleet (art. 11.1: the department plans periodic checks to find
 * faults before a meeting needs the system), on a cron schedule in the province's time zone,
 * through the same runner as rehearsals, on the hub's clock. An empty schedule turns them off.
 * The cron expression is read by cron-parser (what node-schedule itself parses with), so each next
 * run is a timer on the injected clock rather than a job on the machine's.
 */

import cronParser from 'cron-parser';
import { type Clock, systemClock, timerAt } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { PROVINCE_TIME_ZONE } from '../../shared/province-time.js';
import type { RehearsalRunner } from './rehearsal-runner.js';

export interface InspectionDeps {
  /** Cron expression (`0 7 * * 1`: Mondays at 07:00), empty for none. */
  cron: string;
  roomIds: readonly string[];
  runner: Pick<RehearsalRunner, 'start'>;
  log: Logger;
  clock?: Clock;
}

/** The first time after `after` that `cron` names, in the province's time; throws on a bad expression. */
export function nextCronTime(cron: string, after: Date): Date {
  return cronParser.parseExpression(cron, { currentDate: after, tz: PROVINCE_TIME_ZONE }).next().toDate();
}

export class InspectionSchedule {
  private timer: unknown = null;
  private next: Date | null = null;
  private readonly clock: Clock;

  constructor(private readonly deps: InspectionDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  start(): void {
    // The expression was checked when the settings loaded (./settings.ts).
    if (this.deps.cron) this.plan(nextCronTime(this.deps.cron, this.clock.now()));
  }

  async runNow(): Promise<void> {
    this.deps.log.info({ rooms: this.deps.roomIds.length }, 'fleet inspection');
    await this.deps.runner.start({
      kind: 'inspection',
      meetingId: null,
      slot: 'inspection',
      roomIds: [...this.deps.roomIds],
      hostRoomId: null,
      deadline: null,
    });
  }

  /** When the next inspection runs, or null when none is planned. */
  nextAt(): Date | null {
    return this.next;
  }

  stop(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.next = null;
  }

  private plan(at: Date): void {
    this.next = at;
    this.timer = timerAt(this.clock, at, () => {
      this.runNow().catch((err: Error) =>
        this.deps.log.error({ err: err.message }, 'inspection not started'),
      );
      this.plan(nextCronTime(this.deps.cron, at));
    });
  }
}
