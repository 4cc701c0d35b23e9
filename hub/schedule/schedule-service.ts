/**
 * The hub's schedule part composed: calendar, schedule topics, rehearsals and inspections over the
 * hub's store, one command client and one live socket. `start()` runs once MQTT is up: it republishes
 * every room's schedule, rebuilds the rehearsal jobs from the database and resumes unfinished runs.
 */
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import type { RouteModule } from '../api/http-api.js';
import type { CommandClient } from '../commands/command-client.js';
import type { AuditLog } from '../security/audit-log.js';
import type { Sql } from '../store/sql.js';
import type { CallPlan } from './call-plan.js';
import { InspectionSchedule } from './inspections.js';
import { type CalendarDeps, MeetingCalendar, type MeetingLiveMessage } from './meeting-calendar.js';
import type { MeetingWatchMessage } from './meeting-watch.js';
import { MeetingsRepo } from './meetings-repo.js';
import { meetingsRoutes } from './meetings-routes.js';
import { type RehearsalLiveMessage, RehearsalRunner } from './rehearsal-runner.js';
import { RehearsalPlanner } from './rehearsals.js';
import { RehearsalsRepo } from './rehearsals-repo.js';
import { rehearsalsRoutes } from './rehearsals-routes.js';
import { type RetainedPublish, SchedulePublisher } from './schedule-publisher.js';
import type { ScheduleSettings } from './settings.js';

export type ScheduleLiveMessage = MeetingLiveMessage | RehearsalLiveMessage | MeetingWatchMessage;

export interface ScheduleServiceDeps {
  /** The hub's relational store, migrated with `meetingsMigrations` and `rehearsalsMigrations`. */
  sql: Sql;
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

  constructor(deps: ScheduleServiceDeps) {
    const { settings: s, log, fleet } = deps;
    const clock = deps.clock ?? systemClock;
    const now = clock.now;
    this.fleet = fleet;
    const schedLog = log.child({ part: 'schedule' });
    this.meetings = new MeetingsRepo(deps.sql);
    this.rehearsals = new RehearsalsRepo(deps.sql);
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
      planner: this.planner,
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

  async start(): Promise<void> {
    this.inspections.start();
    await this.runner.resume();
    await this.planner.start();
    await this.publisher.publishRooms(this.fleet.rooms.map((r) => r.id));
  }

  stop(): void {
    this.inspections.stop();
    this.planner.stop();
    this.runner.stop();
    this.calendar.stop();
  }
}
