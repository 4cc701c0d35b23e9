/**
 * Plans each meeting's rehearsals (art. 9.3: one day and two hours before) as timers on the hub's
 * clock, rebuilt from the database when the hub starts. Moving a meeting moves its jobs, cancelling it
 * cancels them. A slot missed while the hub was down, or already past when an emergency meeting
 * is booked, runs at once if the deadline (art. 11.1) has not passed.
 */
import { type Clock, systemClock, timerAt } from '../../shared/clock.js';
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
  meetings: Pick<MeetingsRepo, 'list' | 'get'>;
  rehearsals: Pick<RehearsalsRepo, 'forMeeting' | 'claimSlot'>;
  runner: Pick<RehearsalRunner, 'start'>;
  config: PlannerConfig;
  log: Logger;
  clock?: Clock;
}

export class RehearsalPlanner {
  private readonly jobs = new Map<string, { slot: string; at: Date; timer: unknown }[]>();
  /** Each planned meeting's version (`updatedAt`) when planned: `follow()` replans the others only. */
  private readonly versions = new Map<string, string>();
  /** Stopped (the hub gave the once-only work up): a plan or follow still under way sets no timer. */
  private stopped = false;
  private readonly clock: Clock;
  private readonly now: () => Date;

  constructor(private readonly deps: PlannerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.now = this.clock.now;
  }

  /** Rebuilds the jobs of every meeting still to come. */
  async start(): Promise<void> {
    this.stopped = false;
    for (const m of await this.deps.meetings.list({ from: this.now().toISOString() })) await this.plan(m);
  }

  /** (Re)plans one meeting after it was booked or changed. */
  async plan(meeting: Meeting): Promise<void> {
    this.cancel(meeting.id);
    if (meeting.status !== 'scheduled' || this.stopped) return;
    this.versions.set(meeting.id, meeting.updatedAt);
    const now = this.now();
    const start = new Date(meeting.start);
    const deadline = rehearsalDeadline(start, this.deps.config.deadlineH);
    const slots = rehearsalSlots(start, this.deps.config.offsetsH);
    const planned: { slot: string; at: Date; timer: unknown }[] = [];
    for (const s of slots) {
      if (s.at.getTime() <= now.getTime()) continue;
      planned.push({
        ...s,
        timer: timerAt(this.clock, s.at, () => this.track(this.fire(meeting.id, s.slot))),
      });
    }
    this.jobs.set(meeting.id, planned);
    const missed = slots.filter((s) => s.at.getTime() <= now.getTime()).at(-1);
    if (missed && now.getTime() < deadline.getTime() && !(await this.ranSince(meeting.id, missed.at))) {
      this.deps.log.info({ meeting: meeting.id, slot: missed.slot }, 'rehearsal slot missed, running it now');
      await this.fire(meeting.id, missed.slot);
    }
  }

  cancel(meetingId: string): void {
    for (const p of this.jobs.get(meetingId) ?? []) this.clock.clearTimeout(p.timer);
    this.jobs.delete(meetingId);
    this.versions.delete(meetingId);
  }

  /**
   * Plans what changed in the store since: the meetings another hub of the group booked or moved,
   * and drops the jobs of those it cancelled (or that ended).
   */
  async follow(): Promise<void> {
    const coming = await this.deps.meetings.list({ from: this.now().toISOString() });
    if (this.stopped) return;
    const ids = new Set(coming.map((m) => m.id));
    for (const id of [...this.jobs.keys()]) if (!ids.has(id)) this.cancel(id);
    for (const m of coming) if (this.versions.get(m.id) !== m.updatedAt) await this.plan(m);
  }

  /** The jobs waiting, earliest first. */
  planned(): PlannedJob[] {
    return [...this.jobs.entries()]
      .flatMap(([meetingId, list]) => list.map((p) => ({ meetingId, slot: p.slot, at: p.at.toISOString() })))
      .sort((a, b) => a.at.localeCompare(b.at));
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.jobs.keys()]) this.cancel(id);
  }

  /** Whether a rehearsal of the meeting that still counts started at or after `at`. */
  private async ranSince(meetingId: string, at: Date): Promise<boolean> {
    return (await this.deps.rehearsals.forMeeting(meetingId)).some(
      (r) => (r.status === 'running' || r.status === 'done') && Date.parse(r.startedAt) >= at.getTime(),
    );
  }

  private track(work: Promise<void>): void {
    work.catch((err: Error) => this.deps.log.error({ err: err.message }, 'rehearsal slot failed'));
  }

  private async fire(meetingId: string, slot: string): Promise<void> {
    const list = this.jobs.get(meetingId);
    if (list)
      this.jobs.set(
        meetingId,
        list.filter((p) => p.slot !== slot),
      );
    const meeting = await this.deps.meetings.get(meetingId);
    if (meeting?.status !== 'scheduled') return;
    // Another hub of the group may fire the same slot at the same moment: the first claim runs it.
    const at = this.now().toISOString();
    if (!(await this.deps.rehearsals.claimSlot(meetingId, slot, meeting.updatedAt, at))) {
      this.deps.log.info({ meeting: meetingId, slot }, 'rehearsal slot already run by another planner');
      return;
    }
    const deadline = rehearsalDeadline(new Date(meeting.start), this.deps.config.deadlineH);
    await this.deps.runner.start({
      kind: 'rehearsal',
      meetingId,
      slot,
      roomIds: meeting.roomIds,
      hostRoomId: meeting.hostRoomId,
      deadline: deadline.getTime() > this.now().getTime() ? deadline : null,
    });
  }
}
