/**
 * The hub's schedule part composed: calendar, schedule topics, rehearsals and inspections over the
 * hub's store, one command client and one live socket. The calendar and the routes serve on every
 * hub; the rest is once-only work (../once-only-work.ts): `start()`, once MQTT is up on the hub that
 * takes it, republishes every room's schedule, rebuilds the rehearsal jobs from the database and
 * resumes the runs left unfinished, by this hub or by one of its group that died.
 */
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import type { RouteModule } from '../api/http-api.js';
import type { CommandClient } from '../commands/command-client.js';
import type { AuditLog } from '../security/audit-log.js';
import type { CallPlan } from './call-plan.js';
import { InspectionSchedule } from './inspections.js';
import { type CalendarDeps, MeetingCalendar, type MeetingLiveMessage } from './meeting-calendar.js';
import type { MeetingWatchMessage } from './meeting-watch.js';
import type { MeetingsRepo } from './meetings-repo.js';
import { meetingsRoutes } from './meetings-routes.js';
import { type RehearsalLiveMessage, RehearsalRunner } from './rehearsal-runner.js';
import { RehearsalPlanner } from './rehearsals.js';
import type { RehearsalsRepo } from './rehearsals-repo.js';
import { rehearsalsRoutes } from './rehearsals-routes.js';
import { type RetainedPublish, SchedulePublisher } from './schedule-publisher.js';
import type { ScheduleSettings } from './settings.js';

export type ScheduleLiveMessage = MeetingLiveMessage | RehearsalLiveMessage | MeetingWatchMessage;

export interface ScheduleServiceDeps {
  /** The hub's meetings and rehearsals (its relational store, migrated with both parts' migrations). */
  meetings: MeetingsRepo;
  rehearsals: RehearsalsRepo;
  /** The rooms meetings, rehearsals and inspections may name. */
  fleet: Fleet;
  settings: ScheduleSettings;
  commands: Pick<CommandClient, 'send'>;
  publish: RetainedPublish;
  broadcast: (message: ScheduleLiveMessage) => void;
  notify: CalendarDeps['notify'];
  /** The audit log: every booking, change and cancellation is recorded with who made it. */
  audit: Pick<AuditLog, 'record'>;
  /** The rehearsals' test calls, line tests and peripherals (hub settings `testCall`, `peripherals`). */
  calls?: CallPlan;
  /**
   * In a hub group: how often the hub doing the work looks in the store for what the others did (a
   * meeting booked, moved or cancelled there, a rehearsal asked for there). Alone, it sees it all.
   */
  followMs?: number;
  log: Logger;
  clock?: Clock;
}

export class ScheduleService {
  readonly meetings: MeetingsRepo;
  readonly rehearsals: RehearsalsRepo;
  readonly runner: RehearsalRunner;
  readonly planner: RehearsalPlanner;
  readonly publisher: SchedulePublisher;
  readonly calendar: MeetingCalendar;
  readonly inspections: InspectionSchedule;
  readonly routes: RouteModule[];
  private readonly fleet: Fleet;
  private readonly clock: Clock;
  private readonly followMs: number | undefined;
  private leading = false;
  private follower: unknown = null;
  private readonly log: Logger;

  constructor(deps: ScheduleServiceDeps) {
    const { settings: s, log, fleet } = deps;
    const clock = deps.clock ?? systemClock;
    const now = clock.now;
    this.fleet = fleet;
    this.clock = clock;
    this.followMs = deps.followMs;
    this.log = log;
    const schedLog = log.child({ part: 'schedule' });
    this.meetings = deps.meetings;
    this.rehearsals = deps.rehearsals;
    this.runner = new RehearsalRunner({
      repo: this.rehearsals,
      commands: deps.commands,
      broadcast: deps.broadcast,
      config: {
        recheckMs: s.recheckMin * 60_000,
        rehearseTimeoutMs: s.rehearseTimeoutSec * 1000,
        afterDeadlineMs: s.deadlineH * 3_600_000,
      },
      ...(deps.calls ? { calls: deps.calls } : {}),
      // Until this hub takes the once-only work, a run asked for here is stored for the hub doing it.
      leading: false,
      log: schedLog,
      clock,
    });
    this.planner = new RehearsalPlanner({
      meetings: this.meetings,
      rehearsals: this.rehearsals,
      runner: this.runner,
      config: { offsetsH: s.rehearsalOffsetsH, deadlineH: s.deadlineH },
      log: schedLog,
      clock,
    });
    this.publisher = new SchedulePublisher({
      meetings: this.meetings,
      publish: deps.publish,
      config: { offsetsH: s.rehearsalOffsetsH, rehearsalMin: s.rehearsalMin },
      log: schedLog,
      now,
    });
    this.calendar = new MeetingCalendar({
      meetings: this.meetings,
      // A hub not doing the once-only work plans nothing: the one doing it follows the store.
      planner: {
        plan: (m) => (this.leading ? this.planner.plan(m) : Promise.resolve()),
        cancel: (id) => this.planner.cancel(id),
      },
      runner: this.runner,
      publisher: this.publisher,
      commands: deps.commands,
      broadcast: deps.broadcast,
      notify: deps.notify,
      fleet,
      rules: { noticeHours: s.noticeHours, prepMinutes: s.prepMinutes },
      powerOnTimeoutMs: s.powerOnTimeoutSec * 1000,
      log: schedLog,
      now,
    });
    this.inspections = new InspectionSchedule({
      cron: s.inspectionCron,
      roomIds: fleet.rooms.map((r) => r.id),
      runner: this.runner,
      log: schedLog,
      clock,
    });
    this.routes = [
      meetingsRoutes({
        audit: deps.audit,
        calendar: this.calendar,
        meetings: this.meetings,
        rehearsals: this.rehearsals,
        fleet,
        ics: { offsetsH: s.rehearsalOffsetsH, rehearsalMin: s.rehearsalMin },
        now,
      }),
      rehearsalsRoutes({
        runner: this.runner,
        planner: this.planner,
        meetings: this.meetings,
        rehearsals: this.rehearsals,
        fleet,
        deadlineH: s.deadlineH,
        now,
      }),
    ];
  }

  /** Takes the once-only work: inspections, rehearsals planned and resumed, schedules published. */
  async start(): Promise<void> {
    this.leading = true;
    this.inspections.start();
    await this.runner.resume();
    await this.planner.start();
    await this.publisher.publishRooms(this.fleet.rooms.map((r) => r.id));
    if (this.followMs && this.leading)
      this.follower = this.clock.setInterval(() => void this.follow(), this.followMs);
  }

  /** Gives the once-only work up at once (the lease was lost): no timer left, no run going on. */
  stopWork(): void {
    this.leading = false;
    if (this.follower) this.clock.clearInterval(this.follower);
    this.follower = null;
    this.inspections.stop();
    this.planner.stop();
    this.runner.stop();
  }

  /** The hub stops. */
  stop(): void {
    this.stopWork();
    this.calendar.stop();
  }

  /** What the other hubs of the group did: their runs asked for, their meetings' changes. */
  private async follow(): Promise<void> {
    try {
      await this.runner.resume();
      if (this.leading) await this.planner.follow();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'schedule not followed');
    }
  }
}
