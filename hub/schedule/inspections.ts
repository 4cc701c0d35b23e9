/**
 * Periodic inspections of the whole fleet (art. 11.1: the department plans periodic checks to find
 * faults before a meeting needs the system), on a cron schedule in the province's time zone,
 * through the same runner as rehearsals. An empty schedule turns them off.
 */
import schedule, { type Job } from 'node-schedule';
import type { Logger } from '../../shared/logger.js';
import type { RehearsalRunner } from './rehearsal-runner.js';

export const PROVINCE_TZ = 'Asia/Ho_Chi_Minh';

export interface InspectionDeps {
  /** Cron expression (`0 7 * * 1`: Mondays at 07:00), empty for none. */
  cron: string;
  roomIds: readonly string[];
  runner: Pick<RehearsalRunner, 'start'>;
  log: Logger;
}

export class InspectionSchedule {
  private job: Job | null = null;

  constructor(private readonly deps: InspectionDeps) {}

  start(): void {
    if (!this.deps.cron) return;
    this.job = schedule.scheduleJob({ rule: this.deps.cron, tz: PROVINCE_TZ }, () => this.runNow());
    if (!this.job)
      throw new Error(`schedule.inspectionCron "${this.deps.cron}" never fires; fix the cron expression`);
  }

  runNow(): void {
    this.deps.log.info({ rooms: this.deps.roomIds.length }, 'fleet inspection');
    this.deps.runner.start({
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
    const next = this.job?.nextInvocation();
    return next ? new Date(next.getTime()) : null;
  }

  stop(): void {
    this.job?.cancel();
    this.job = null;
  }
}
