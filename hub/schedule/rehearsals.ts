/**
 * Plans each meeting's rehearsals (art. 9.3: one day and two hours before) as node-schedule jobs,
 * rebuilt from the database when the hub starts. Moving a meeting moves its jobs, cancelling it
 * cancels them. A slot missed while the hub was down, or already past when an emergency meeting
 * is booked, runs at once if the deadline (art. 11.1) has not passed.
 */
import schedule, { type Job } from 'node-schedule';
import type { Logger } from '../../shared/logger.js';
import type { Meeting } from './meeting-rules.js';
import type { MeetingsRepo } from './meetings-repo.js';
import type { RehearsalRunner } from './rehearsal-runner.js';
import type { RehearsalsRepo } from './rehearsals-repo.js';

const HOUR_MS = 3_600_000;

export interface PlannerConfig {
  /** Hours before the start: `[24, 2]` (art. 9.3). */
  offsetsH: number[];
  /** Hours before the start by which checks are complete (art. 11.1). */
  deadlineH: number;
}

export interface Slot {
  /** `T-24h`, `T-2h`. */
  slot: string;
  at: Date;
}

/** The meeting's rehearsal slots, earliest first. */
export function rehearsalSlots(start: Date, offsetsH: readonly number[]): Slot[] {
  return [...offsetsH]
    .sort((a, b) => b - a)
    .map((h) => ({ slot: `T-${h}h`, at: new Date(start.getTime() - h * HOUR_MS) }));
}

export function rehearsalDeadline(start: Date, deadlineH: number): Date {
  return new Date(start.getTime() - deadlineH * HOUR_MS);
}

export interface PlannedJob {
  meetingId: string;
  slot: string;
  at: string;
}

export interface PlannerDeps {
  meetings: MeetingsRepo;
  rehearsals: RehearsalsRepo;
  runner: Pick<RehearsalRunner, 'start'>;
  config: PlannerConfig;
  log: Logger;
  now?: () => Date;
}

export class RehearsalPlanner {
  private readonly jobs = new Map<string, { slot: string; at: Date; job: Job }[]>();
  private readonly now: () => Date;

  constructor(private readonly deps: PlannerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Rebuilds the jobs of every meeting still to come. */
  start(): void {
    for (const m of this.deps.meetings.list({ from: this.now().toISOString() })) this.plan(m);
  }

  /** (Re)plans one meeting after it was booked or changed. */
  plan(meeting: Meeting): void {
    this.cancel(meeting.id);
    if (meeting.status !== 'scheduled') return;
    const now = this.now();
    const start = new Date(meeting.start);
    const deadline = rehearsalDeadline(start, this.deps.config.deadlineH);
    const slots = rehearsalSlots(start, this.deps.config.offsetsH);
    const planned: { slot: string; at: Date; job: Job }[] = [];
    for (const s of slots) {
      if (s.at.getTime() <= now.getTime()) continue;
      const job = schedule.scheduleJob(s.at, () => this.fire(meeting.id, s.slot));
      if (job) planned.push({ ...s, job });
    }
    this.jobs.set(meeting.id, planned);
    const missed = slots.filter((s) => s.at.getTime() <= now.getTime()).at(-1);
    if (missed && now.getTime() < deadline.getTime() && !this.ranSince(meeting.id, missed.at)) {
      this.deps.log.info({ meeting: meeting.id, slot: missed.slot }, 'rehearsal slot missed, running it now');
      this.fire(meeting.id, missed.slot);
    }
  }

  cancel(meetingId: string): void {
    for (const p of this.jobs.get(meetingId) ?? []) p.job.cancel();
    this.jobs.delete(meetingId);
  }

  /** The jobs waiting, earliest first. */
  planned(): PlannedJob[] {
    return [...this.jobs.entries()]
      .flatMap(([meetingId, list]) => list.map((p) => ({ meetingId, slot: p.slot, at: p.at.toISOString() })))
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  stop(): void {
    for (const id of [...this.jobs.keys()]) this.cancel(id);
  }

  /** Whether a rehearsal of the meeting that still counts started at or after `at`. */
  private ranSince(meetingId: string, at: Date): boolean {
    return this.deps.rehearsals
      .forMeeting(meetingId)
      .some(
        (r) => (r.status === 'running' || r.status === 'done') && Date.parse(r.startedAt) >= at.getTime(),
      );
  }

  private fire(meetingId: string, slot: string): void {
    const list = this.jobs.get(meetingId);
    if (list)
      this.jobs.set(
        meetingId,
        list.filter((p) => p.slot !== slot),
      );
    const meeting = this.deps.meetings.get(meetingId);
    if (meeting?.status !== 'scheduled') return;
    const deadline = rehearsalDeadline(new Date(meeting.start), this.deps.config.deadlineH);
    this.deps.runner.start({
      kind: 'rehearsal',
      meetingId,
      slot,
      roomIds: meeting.roomIds,
      hostRoomId: meeting.hostRoomId,
      deadline: deadline.getTime() > this.now().getTime() ? deadline : null,
    });
  }
}
